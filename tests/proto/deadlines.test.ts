/**
 * DeadlineList (proto/server/deadlines.ts): deadlines of one duration on one timer fire in order, each once, never
 * after being removed, and no timer is left armed once none is pending (it is kept unref'd: a process with none
 * pending exits); the request tracker's timeout uses it.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { DeadlineList } from "../../proto/server/deadlines.ts";
import { createRequestTracker } from "../../proto/server/mod.ts";
import { spawnScript } from "../../runtime/mod.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("fires each pending deadline once, in order, and not the removed ones; no timer stays armed", async () => {
  // 10x the original 40 ms scale: at load ~30 a 35 ms sleep overshot by 5 ms and c had fired at the check.
  const list = new DeadlineList(400);
  const fired: string[] = [];
  list.add(() => fired.push("a"));
  const removeB = list.add(() => fired.push("b"));
  await sleep(150);
  list.add(() => fired.push("c")); // 150 ms later: fires on a later turn of the timer
  removeB();
  removeB(); // twice is harmless
  await sleep(325);
  assert.equal(fired, ["a"], "a at 400 ms, c (550 ms) not yet");
  await sleep(400);
  assert.equal(fired, ["a", "c"]);
  assert.is(list.armedAt, undefined, "nothing pending: no timer");
  const removeD = list.add(() => fired.push("d"));
  assert.ok(list.armedAt! > Date.now(), "armed again for the new deadline");
  removeD();
  assert.is(list.armedAt, undefined, "removing the last one clears the timer");
  await sleep(60);
  assert.equal(fired, ["a", "c"]);
});

test("the request tracker's timeout aborts the request's signal with the reason, and a settled request's deadline is gone", async () => {
  const requests = createRequestTracker();
  const reason = new Error("too late");
  const late = requests.track((signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))), undefined, { ms: 30, reason: () => reason });
  const quick = requests.track(async () => "done", undefined, { ms: 30, reason: () => new Error("must not fire") });
  assert.is(await quick, "done");
  try {
    await late;
    assert.unreachable("should have timed out");
  } catch (error) {
    assert.is(error, reason);
  }
  await sleep(0); // the tracker forgets a request once its settling has run
  assert.is(requests.size, 0);
});

test("a deadline added after the last one went fires on time, not with the kept timer", async () => {
  const list = new DeadlineList(600);
  const fired: number[] = [];
  list.add(() => fired.push(-1))(); // removed at once: the timer is kept, due at 600 ms
  assert.is(list.armedAt, undefined, "nothing pending");
  await sleep(300);
  const added = Date.now();
  list.add(() => fired.push(Date.now() - added)); // due 600 ms from now; the kept timer fires ~300 ms before that
  assert.ok(list.armedAt !== undefined, "pending again: armed");
  for (let waited = 0; fired.length === 0 && waited < 10_000; waited += 50) await sleep(50); // late timers under load are fine
  assert.is(fired.length, 1);
  assert.ok(fired[0]! >= 599, `fired after ${fired[0]} ms, not before its 600 (the kept timer re-armed instead of firing it)`);
});

test("a process whose deadlines were all removed exits at once (the kept timer does not hold it open)", async () => {
  const child = spawnScript(new URL("./fixtures/parked-deadline.ts", import.meta.url));
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tooLong = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("still running after 90 s"), 90_000)));
    const code = await Promise.race([child.exited, tooLong]);
    clearTimeout(timer); // this test's own timer must not hold the test process open either
    assert.is(code, 0, child.lastOutput());
    assert.ok(child.lastOutput().includes("settled"), child.lastOutput());
    assert.not.ok(child.lastOutput().includes("fired"), child.lastOutput());
  } finally {
    if (!child.hasExited) await child.stop(100);
  }
});

test.run();
