/**
 * Shutdown signals (issue 14): the first SIGTERM starts a graceful shutdown, a second one exits at once.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { spawnScript } from "../../runtime/mod.ts";

test("a second SIGTERM during a graceful shutdown exits at once with 143", async () => {
  const child = spawnScript(new URL("./fixtures/stubborn.ts", import.meta.url));
  try {
    await child.waitForLine((line) => (line === "ready" ? true : undefined));
    const draining = child.waitForLine((line) => (line === "draining" ? true : undefined));
    child.kill("SIGTERM");
    await draining;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.not.ok(child.hasExited, "still draining after the first signal");
    const started = Date.now();
    child.kill("SIGTERM");
    const code = await Promise.race([child.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 5000))]);
    assert.is(code, 143);
    assert.ok(Date.now() - started < 5000);
  } finally {
    if (!child.hasExited) await child.stop(100);
  }
});

test.run();
