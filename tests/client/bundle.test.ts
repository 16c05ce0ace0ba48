import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { build } from "esbuild";

test("client/mod.ts bundles for a browser without node built-ins (the gRPC path is loaded lazily)", async () => {
  const result = await build({
    entryPoints: ["client/mod.ts"],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  assert.is(result.errors.length, 0);
  const code = result.outputFiles[0]!.text;
  assert.not.match(code, /from\s*["']node:/);
  assert.not.match(code, /require\(["']node:/);
  assert.ok(code.includes("isFlowReady"), "the Client is in the bundle");
});

test.run();
