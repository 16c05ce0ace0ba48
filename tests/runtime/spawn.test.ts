import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { ChildExitedError, spawnScript } from "../../runtime/mod.ts";

const printer = new URL("./fixtures/print-lines.ts", import.meta.url);

test("waitForLine resolves with the first line the parser accepts", async () => {
  const child = spawnScript(printer, { args: ["hello", "READY 42", "READY 43"] });
  const port = await child.waitForLine((line) => (line.startsWith("READY ") ? Number(line.slice(6)) : undefined));
  assert.is(port, 42);
  assert.is(await child.exited, 3);
  assert.match(child.lastOutput(), /hello/);
});

test("waitForLine rejects with ChildExitedError carrying the exit when the child exits first", async () => {
  const child = spawnScript(printer, { args: ["no ready line here"] });
  const error = await child.waitForLine((line) => (line === "READY" ? true : undefined)).catch((caught: unknown) => caught);
  assert.instance(error, ChildExitedError);
  assert.is((error as ChildExitedError).exit, 3);
});

test.run();
