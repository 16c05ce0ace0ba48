import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { readText } from "../../runtime/mod.ts";
import * as api from "../../mod.ts";
import { jinaTsVersion } from "../../proto/server/mod.ts";

const packageJson = JSON.parse(readText("package.json"));
const denoJson = JSON.parse(readText("deno.json"));

test("package.json exports are deno.json's entries, built: types + import in dist/ (npm run build syncs them)", () => {
  const built = Object.fromEntries(Object.entries(denoJson.exports as Record<string, string>).map(([key, source]) => {
    const base = source.replace(/^\.\//, "./dist/").replace(/\.ts$/, "");
    return [key, { types: `${base}.d.ts`, import: `${base}.js` }];
  }));
  assert.equal(packageJson.exports, { ...built, "./package.json": "./package.json" });
  for (const entry of [".", "./client", "./docarray", "./executor", "./gateway", "./proto", "./runtime"]) assert.ok(denoJson.exports[entry], entry);
});

test("deno.json's import map names every runtime dependency of package.json at its exact version (npm run build syncs it)", () => {
  const dependencies: Record<string, string> = { ...packageJson.dependencies, ...packageJson.optionalDependencies };
  for (const [name, version] of Object.entries(dependencies)) {
    if (name.startsWith("@types/")) continue;
    assert.is(denoJson.imports[name], `npm:${name}@${version}`, name);
    assert.is(denoJson.imports[`${name}/`], `npm:/${name}@${version}/`, `${name}/`);
  }
  for (const [name, version] of Object.entries(dependencies)) assert.match(version, /^\d+\.\d+\.\d+/, `${name} is pinned`);
});

test("the package ships dist/, the .proto sources, README and LICENSE only; the bin and prepare use the build", () => {
  assert.equal(packageJson.files, ["dist/", "proto/*.proto", "proto/**/*.proto", "README.md", "LICENSE"]);
  assert.is(packageJson.bin["jina-ts"], "./dist/cli/main.js");
  // prepare: the build runs at `npm ci` in a checkout (so that `npx jina-ts` works there) and before pack/publish
  assert.match(packageJson.scripts.prepare, /build/);
  assert.is(packageJson.scripts.prepack, undefined, "prepare builds before pack already: prepack would build twice");
  assert.match(readText("LICENSE"), /Apache License\s+Version 2\.0/);
  assert.is(packageJson.license, "Apache-2.0");
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
