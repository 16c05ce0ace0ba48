import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProgress } from "../../cli/progress.ts";
import { Flow } from "../../mod.ts";
import { spawnScript } from "../../runtime/mod.ts";
import { Encoder } from "../flow/fixtures/executors.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);

test("the progress display prints a line per tenth off a terminal, and redraws one line on a terminal", () => {
  let clock = 0;
  const lines: string[] = [];
  const progress = createProgress({ label: "/index", total: 100, write: (text) => lines.push(text), redraw: false, now: () => clock });
  for (let i = 0; i < 10; i++) {
    clock += 100;
    progress.add(10);
  }
  progress.finish();
  assert.equal(lines.length, 10); // 10%..90%, then the final line
  assert.equal(lines[0], "/index 10/100 docs (10%) 100 docs/s, 0.9 s left\n");
  assert.equal(lines.at(-1), "/index 100/100 docs in 1.0 s\n");
  const drawn: string[] = [];
  const terminal = createProgress({ label: "/search", total: 4, write: (text) => drawn.push(text), redraw: true, now: () => 0 });
  terminal.add(2);
  terminal.finish();
  assert.ok(drawn.every((text) => text.startsWith("\r")));
  assert.match(drawn[0]!, /\/search 2\/4 docs \(50%\)/);
});

for (const protocol of ["grpc", "http"] as const) {
  test(`jina-ts post sends a .jsonl file to a flow over ${protocol}, shows progress and writes what came back`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "jina-ts-post-"));
    await using _removed = { [Symbol.asyncDispose]: async () => rmSync(dir, { recursive: true, force: true }) };
    const input = join(dir, "docs.jsonl");
    const output = join(dir, "out.jsonl");
    writeFileSync(input, Array.from({ length: 250 }, (_, i) => JSON.stringify({ id: `d${i}`, text: `doc ${i}` })).join("\n"));
    await using flow = await new Flow({ protocol }).add({ name: "encoder", uses: Encoder }).start();
    const stdout: string[] = [];
    const stderr: string[] = [];
    const child = spawnScript(cli, {
      args: ["post", `${protocol}://127.0.0.1:${flow.port}`, "--on", "/index", "--input", input, "--request-size", "25", "--output", output],
      onLine: (line, stream) => (stream === "stdout" ? stdout : stderr).push(line),
    });
    assert.is(await child.exited, 0, child.lastOutput());
    assert.match(stdout.join("\n"), /\/index: sent 250 documents to .*, 250 came back \(written to /);
    assert.ok(stderr.some((line) => /^\/index \d+\/250 docs \(\d+%\)/.test(line)), stderr.join("\n"));
    assert.ok(stderr.some((line) => /^\/index 250\/250 docs in /.test(line)), stderr.join("\n"));
    const written = readFileSync(output, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    assert.is(written.length, 250);
    assert.equal(written[7].id, "d7");
    assert.equal(written[7].embedding.length, 4);
  });
}

test("jina-ts post without an address says what it needs and exits non-zero", async () => {
  const lines: string[] = [];
  const child = spawnScript(cli, { args: ["post", "--on", "/x"], onLine: (line) => lines.push(line) });
  assert.is.not(await child.exited, 0);
  assert.match(lines.join("\n"), /needs an address \(see jina-ts post --help\)/);
});

test.run();
