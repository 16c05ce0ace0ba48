import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { callerFile, resolveFromCaller } from "../../runtime/mod.ts";
import { resolveUsesFromCaller } from "../../flow/resolve-uses.ts";

const here = fileURLToPath(import.meta.url);

test("callerFile names the user file that called into jina-ts (here: this test)", () => {
  assert.is(callerFile(), here);
});

test("callerFile skips frames without a file (Bun shows its built-ins' frames, named \"native\")", () => {
  assert.is([0].map(() => callerFile())[0], here);
  assert.is(([0].map(callerFile) as (string | undefined)[])[0], here);
  assert.is(Reflect.apply(callerFile, undefined, []), here);
});

test("relative uses resolve against the declaring file when the file is there, else stay as they are", () => {
  assert.is(resolveFromCaller("./caller.test.ts#X", here), `${join(dirname(here), "caller.test.ts")}#X`);
  assert.is(resolveFromCaller("../runtime/caller.test.ts", here), join(dirname(here), "caller.test.ts"));
  assert.is(resolveFromCaller("./tests/flow/fixtures/executors.ts#A", here), "./tests/flow/fixtures/executors.ts#A");
  assert.is(resolveFromCaller("/abs/x.ts#A", here), "/abs/x.ts#A");
  assert.is(resolveFromCaller("./caller.test.ts#X", undefined), "./caller.test.ts#X");
  assert.equal(resolveUsesFromCaller({ uses: "./caller.test.ts#X", usesAfter: "./nope.ts" }, here), {
    uses: `${join(dirname(here), "caller.test.ts")}#X`,
    usesAfter: "./nope.ts",
  });
});

test.run();
