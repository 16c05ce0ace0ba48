// Issue 10's bad input through the CLI, as a user meets it: `jina-ts flow --uses bad.yml` (and `executor --uses`,
// `export flowchart`) exits 1 with one clear error naming file:line:col and the key path, never hangs, and leaves
// no process running, also when a flow fails after some of its executor processes had started.
// jina-test-timeout: 240000
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { spawnScript } from "../../runtime/mod.ts";
import { hasProc, markedChildren } from "../_processes.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);
const executors = new URL("../config/fixtures/executors.ts", import.meta.url).pathname;
const boom = new URL("./fixtures/boom.ts", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "jina-cli-bad-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function bomb(): string {
  const lines = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
  for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(", ")}]`);
  return `${lines.join("\n")}\n`;
}

/** Each case: the file's text, and what its error must say (FILE stands for the file's path). */
const flowCases: Record<string, { yaml: string; error: RegExp }> = {
  "malformed YAML": { yaml: "jtype: Flow\nexecutors:\n  - name: a\n    uses_with: {a: 1\n", error: /FILE:\d+:\d+: malformed YAML: / },
  "replicas: two": { yaml: "jtype: Flow\nexecutors:\n  - name: a\n    replicas: two\n", error: /FILE:4:15: executors\[0\]\.replicas must be a number, got "two"/ },
  "an unknown key": { yaml: "jtype: Flow\nexecutors:\n  - name: a\n    replica: 2\n", error: /FILE:4:5: executors\[0\]: unknown key "replica" in a deployment \(did you mean "replicas"\?\)/ },
  "needs naming no deployment": { yaml: "jtype: Flow\nexecutors:\n  - name: a\n  - name: b\n    needs: aa\n", error: /FILE:5:12: executors\[1\]\.needs: "aa" is not a deployment of this flow/ },
  "a cycle": { yaml: "jtype: Flow\nexecutors:\n  - name: a\n    needs: b\n  - name: b\n    needs: a\n", error: /FILE:4:12: executors\[0\]\.needs: the needs form a cycle: a → b → a/ },
  "an unset ${{ ENV.X }}": {
    yaml: "jtype: Flow\nexecutors:\n  - name: a\n    uses_with:\n      dim: ${{ ENV.JINA_TS_SURELY_UNSET }}\n",
    error: /FILE:5:12: executors\[0\]\.uses_with\.dim: \$\{\{ ENV\.JINA_TS_SURELY_UNSET \}\} is not set \(environment variable JINA_TS_SURELY_UNSET\)/,
  },
  "a uses file that does not exist": { yaml: "jtype: Flow\nexecutors:\n  - uses: ./nope.ts#Nope\n", error: /FILE:3:11: executors\[0\]\.uses: uses "\.\/nope\.ts#Nope": no such file / },
  "a class the module does not export": {
    yaml: `jtype: Flow\nexecutors:\n  - uses: ${executors}#Nope\n`,
    error: /FILE:3:11: executors\[0\]\.uses: .*does not export "Nope"; it exports .*Tagger/,
  },
  "a YAML bomb": { yaml: bomb(), error: /FILE: refused: its aliases \(\*name\) expand more than 100 times/ },
  "a 10 MB file": { yaml: `jtype: Flow\nwith:\n  description: "${"x".repeat(10 * 1024 * 1024)}"\n`, error: /FILE: the YAML is 10485\d+ bytes, more than the limit of 1048576 bytes/ },
};

interface Outcome {
  code: number | string;
  output: string;
  ms: number;
  left: number[];
}

async function runCli(args: string[]): Promise<Outcome> {
  const started = Date.now();
  const child = spawnScript(cli, { args, keepLines: 200 });
  const code = await Promise.race([child.exited, new Promise<string>((done) => setTimeout(() => done("hung"), 60_000))]);
  const output = child.lastOutput();
  await child.stop();
  // Replicas notice a gone parent within a second (JINA_PARENT_PID); give them that long to leave before looking.
  let left = hasProc ? markedChildren(child.pid) : [];
  for (let i = 0; i < 40 && left.length > 0; i++) {
    await new Promise((done) => setTimeout(done, 100));
    left = markedChildren(child.pid);
  }
  return { code, output, ms: Date.now() - started, left };
}

function file(name: string, text: string): string {
  const path = join(tmp, `${name.replace(/\W+/g, "-")}.yml`);
  writeFileSync(path, text);
  return path;
}

for (const [name, { yaml, error }] of Object.entries(flowCases)) {
  test(`jina-ts flow --uses: ${name} exits 1 with the error, at once, leaving no process`, async () => {
    const path = file(name, yaml);
    const outcome = await runCli(["flow", "--uses", path]);
    assert.is(outcome.code, 1, outcome.output);
    const output = outcome.output.split(path).join("FILE");
    assert.match(output, /^jina-ts: /m);
    assert.match(output, error, output.slice(0, 400));
    assert.not.match(output, /JINA_FLOW_READY|\n\s+at /, "no flow started and no stack trace");
    assert.equal(outcome.left, [], "no executor process is left");
    assert.ok(outcome.ms < 30_000, `${outcome.ms} ms`);
  });
}

test("jina-ts flow --uses: a flow whose second executor process cannot start exits 1 naming it, and stops the first one", async () => {
  const path = file("boom", `jtype: Flow\nexecutors:\n  - name: fine\n    uses: ${executors}#Tagger\n    replicas: 2\n  - name: broken\n    uses: ${boom}#Boom\n`);
  const outcome = await runCli(["flow", "--uses", path]);
  assert.is(outcome.code, 1, outcome.output);
  assert.match(outcome.output, /^jina-ts: .*broken.*boom: this executor cannot start/ms);
  assert.equal(outcome.left, [], "the replicas of \"fine\" were stopped");
});

test("jina-ts executor --uses: a bad Executor YAML and a class its module does not export exit 1 with file:line:col", async () => {
  const unknown = file("exec-unknown", `jtype: Tagger\npy_modules: [${executors}]\nwith_: {label: x}\n`);
  let outcome = await runCli(["executor", "--uses", unknown, "--port", "0"]);
  assert.is(outcome.code, 1, outcome.output);
  assert.match(outcome.output.split(unknown).join("FILE"), /jina-ts executor: \[invalid_argument\] FILE:3:1: top level: unknown key "with_" in an Executor YAML \(did you mean "with"\?\)/);
  const missing = file("exec-missing", `jtype: Nope\npy_modules: [${executors}]\n`);
  outcome = await runCli(["executor", "--uses", missing, "--port", "0"]);
  assert.is(outcome.code, 1, outcome.output);
  assert.match(outcome.output.split(missing).join("FILE"), /jina-ts executor: \[not_found\] FILE:1:8: jtype: class "Nope" is not exported by the modules/);
  outcome = await runCli(["executor", "--uses", `${executors}#Nope`, "--port", "0"]);
  assert.is(outcome.code, 1, outcome.output);
  assert.match(outcome.output, /Nope/);
});

test("jina-ts export flowchart and export kubernetes of a bad Flow YAML exit 1 with file:line:col and write nothing", async () => {
  const path = file("export-bad", "jtype: Flow\nexecutors:\n  - name: a\n    replicas: two\n");
  for (const args of [["flowchart", path, join(tmp, "never.svg")], ["kubernetes", path, join(tmp, "never-k8s")]]) {
    const outcome = await runCli(["export", ...args]);
    assert.is(outcome.code, 1, outcome.output);
    assert.match(outcome.output.split(path).join("FILE"), /jina-ts: FILE:4:15: executors\[0\]\.replicas must be a number/);
  }
});

test.run();
