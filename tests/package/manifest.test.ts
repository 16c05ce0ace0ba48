import { test } from "uvu";
import * as assert from "uvu/assert";
import { readText } from "../../runtime/mod.ts";
import * as api from "../../mod.ts";
import { jinaTsVersion } from "../../proto/server/mod.ts";

const packageJson = JSON.parse(readText("package.json"));
const denoJson = JSON.parse(readText("deno.json"));

test("deno.json exports equal package.json exports", () => {
  assert.equal(denoJson.exports, packageJson.exports);
});

test("deno.json and package.json carry the same version", () => {
  assert.is(denoJson.version, packageJson.version);
});

test("jinaTsVersion (what servers report as jina-ts) equals package.json's version", () => {
  assert.is(jinaTsVersion, packageJson.version);
});

test("the public API exports the names DESIGN promises", () => {
  for (const name of ["Client", "Document", "DocumentArray", "Executor", "Flow", "AsyncFlow", "requests", "JinaError", "ErrorCode"]) {
    assert.ok(name in api, `mod.ts exports ${name}`);
  }
});

test("the package has the scripts the README names, and a jina-ts bin", () => {
  for (const script of ["start", "test", "check", "gen", "bench"]) assert.ok(packageJson.scripts[script], script);
  assert.ok(packageJson.bin["jina-ts"]);
});

test.run();
