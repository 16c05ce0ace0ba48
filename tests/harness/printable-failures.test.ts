import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, ConnectError } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { JinaError } from "../../proto/errors.ts";
import { scriptCommand } from "../../runtime/spawn.ts";
import { printable, test } from "../_uvu.ts";

test("an Error uvu can format is passed through as it is", () => {
  const error = new Error("plain");
  assert.is(printable(error), error);
  const assertion = Object.assign(new Error("differs"), { name: "AssertionError", details: "- a\n+ b" });
  assert.is(printable(assertion), assertion);
});

test("a ConnectError becomes an Error naming its class, code, message and details, with its frames", () => {
  const original = new ConnectError("replica went away", Code.Unavailable);
  const error = printable(original);
  assert.is.not(error, original);
  assert.is(error.message, "ConnectError (code 14): [unavailable] replica went away; details: []");
  assert.is((error as Error & { details?: unknown }).details, undefined);
  assert.is(error.cause, original);
  assert.ok(error.stack?.includes("printable-failures.test.ts"), error.stack);
  assert.is(error.stack?.split("\n")[0], `Error: ${error.message}`);
});

test("a JinaError and thrown non-Errors are made printable too", () => {
  assert.match(printable(new JinaError("bad input", Code.InvalidArgument)).message, /\(code 3\): \[invalid_argument\] bad input/);
  assert.is(printable("a string").message, 'string: "a string"');
  assert.is(printable(undefined).message, "undefined: undefined");
  assert.is(printable({ code: 7, reason: 1n }).message, 'object (code 7): {"code":7,"reason":"1n"}');
});

test("uvu prints a ConnectError's failure and runs the tests after it", async () => {
  const fixture = fileURLToPath(new URL("./fixtures/failing-suite.ts", import.meta.url));
  const [command, args] = scriptCommand(fixture);
  const output = await new Promise<string>((done) => {
    execFile(command, [...args, fixture], { env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } }, (_error, stdout, stderr) =>
      done(`${stdout}${stderr}`),
    );
  });
  assert.match(output, /\(1 \/ 2\)/, output);
  assert.match(output, /FAIL\s+"fails with a ConnectError"/, output);
  assert.match(output, /ConnectError \(code 14\): \[unavailable\] replica went away/, output);
});

test("every test file takes `test` from tests/_uvu.ts, not from uvu itself", () => {
  const tests = fileURLToPath(new URL("..", import.meta.url));
  const direct: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(entry) && /import \{[^}]*\btest\b[^}]*\} from "uvu"/.test(readFileSync(path, "utf8"))) direct.push(path);
    }
  };
  walk(tests);
  assert.equal(direct.filter((path) => !path.endsWith("_uvu.ts")), []);
});

test.run();
