/**
 * `jina-ts flow` and shutdown signals (issue 14): the first SIGTERM drains (the call in flight keeps running, the
 * executor process too), a second one ends it at once (killed by that SIGTERM, which a shell reports as 143, or
 * exit code 143), and the executor process follows.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessAlive, killProcess, spawnScript } from "../../runtime/mod.ts";
import { skipOn } from "../_setup.ts";
import { hasProc, markedChildren } from "../_processes.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

skipOn(test, hasProc ? [] : ["node", "deno", "bun"], "SIGTERM drains a 20-s call; a second SIGTERM ends it at once (143) and the executor process ends too", "needs /proc to find child processes", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "jina-signals-"));
  const child = spawnScript(cli, { args: ["flow", "--uses", "tests/cli/fixtures/slow-flow.ts"], env: { JINA_TEST_WORKSPACE: workspace }, keepLines: 100 });
  let executors: number[] = [];
  try {
    const ready = await child.waitForLine((line) => (line.startsWith("JINA_FLOW_READY ") ? (JSON.parse(line.slice(16)) as { ports: number[] }) : undefined));
    executors = markedChildren(child.pid, { direct: true });
    assert.is(executors.length, 1, "the executor runs in its own process");
    const call = fetch(`http://127.0.0.1:${ready.ports[0]}/post`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ execEndpoint: "/slow", data: [{ text: "a" }], parameters: { ms: 20_000 } }),
    }).then((response) => response.status, () => "failed");
    const deadline = Date.now() + 20_000;
    while (!existsSync(join(workspace, "sleeper", "0", "started.txt")) && Date.now() < deadline) await sleep(20);
    child.kill("SIGTERM");
    await sleep(700);
    assert.not.ok(child.hasExited, "draining after the first SIGTERM (the call runs on)");
    assert.ok(isProcessAlive(executors[0]!), "the executor runs on while the gateway drains");
    const second = Date.now();
    child.kill("SIGTERM");
    const code = await Promise.race([child.exited, sleep(5000).then(() => "still running")]);
    assert.ok(code === 143 || code === "SIGTERM", `exit: ${code}`);
    assert.ok(Date.now() - second < 5000);
    const gone = Date.now();
    while (isProcessAlive(executors[0]!) && Date.now() - gone < 10_000) await sleep(100);
    assert.not.ok(isProcessAlive(executors[0]!), "the executor process ended with the flow");
    assert.is.not(await Promise.race([call, sleep(10_000).then(() => "unsettled")]), "unsettled", "the call in flight settled");
  } finally {
    if (!child.hasExited) await child.stop(100);
    for (const pid of executors) killProcess(pid, "SIGKILL");
    rmSync(workspace, { recursive: true, force: true });
  }
});

test.run();
