/**
 * A CLI under a wrapper that is killed without forwarding its signal (issue 14: `npx jina-ts flow` kept running):
 * `onParentExit` sees through the `sh -c` that `npx` runs a bin with, and fires once the wrapper has gone.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import { killProcess, spawnScript } from "../../runtime/mod.ts";
import { launcherChain } from "../../runtime/launcher.ts";
import { skipOn } from "../_setup.ts";

const hasProc = existsSync("/proc/self/stat");
/** Alive and not a zombie (a zombie still answers kill(pid, 0)). */
const running = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

skipOn(test, hasProc ? [] : ["node", "deno", "bun"], "a process under `sh -c` exits within 3 s of its launcher's SIGKILL", "needs /proc to see through the shell", async () => {
  const launcher = spawnScript(new URL("./fixtures/launcher.ts", import.meta.url));
  let pid = 0;
  try {
    pid = await launcher.waitForLine((line) => (/^watching (\d+)$/.exec(line) ? Number(line.split(" ")[1]) : undefined));
    assert.ok(running(pid));
    launcher.kill("SIGKILL");
    const killed = Date.now();
    while (running(pid) && Date.now() - killed < 6000) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.not.ok(running(pid), "the launched process still runs 6 s after its launcher was killed");
    assert.ok(Date.now() - killed < 3000, `exited ${Date.now() - killed} ms after the launcher`);
  } finally {
    if (pid && running(pid)) killProcess(pid, "SIGKILL");
    if (!launcher.hasExited) await launcher.stop(100);
  }
});

test("launcherChain starts at the parent", () => {
  assert.is(launcherChain()[0], globalThis.process.ppid);
});

test.run();
