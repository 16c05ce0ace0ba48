/**
 * DeadlineList (proto/server/deadlines.ts): deadlines of one duration on one timer fire in order, each once, never
 * after being removed, and no timer is left armed once none is pending; the request tracker's timeout uses it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DeadlineList } from "../../proto/server/deadlines.ts";
import { createRequestTracker } from "../../proto/server/mod.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("fires each pending deadline once, in order, and not the removed ones; no timer stays armed", async () => {
  const list = new DeadlineList(40);
  const fired: string[] = [];
  list.add(() => fired.push("a"));
  const removeB = list.add(() => fired.push("b"));
  await sleep(15);
  list.add(() => fired.push("c")); // 15 ms later: fires on a later turn of the timer
  removeB();
  removeB(); // twice is harmless
  await sleep(35);
  assert.equal(fired, ["a"], "a at 40 ms, c not yet");
  await sleep(40);
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

test.run();
