/**
 * The request tracker's `trackNow` (proto/server/drain.ts): a synchronous answer comes back as it is (no promise),
 * the request counting as in flight only while it runs; a throw or an early cancellation leaves nothing tracked or
 * subscribed; a promise is tracked until it settles, as `trackLazy` does.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createRequestTracker, LazyAbort } from "../../proto/server/mod.ts";

test("a synchronous answer is returned as it is, in flight only while run runs, with the caller's cancellation unsubscribed", () => {
  const requests = createRequestTracker();
  const caller = new LazyAbort();
  let subscribed = 0;
  const source = (listener: (reason: unknown) => void) => {
    subscribed++;
    const stop = caller.subscribe(listener);
    return () => (subscribed--, stop());
  };
  const answer = requests.trackNow(() => requests.size, source, { ms: 10_000, reason: () => new Error("late") }, { settleOnAbort: true });
  assert.is(answer, 1, "counted while it ran, and the value came back as it is");
  assert.is(requests.size, 0);
  assert.is(subscribed, 0, "the caller's cancellation is unsubscribed");
});

test("run throwing rethrows and leaves nothing in flight; a request cancelled before its synchronous answer throws the reason with settleOnAbort", () => {
  const requests = createRequestTracker();
  const boom = new Error("boom");
  assert.throws(() => requests.trackNow(() => {
    throw boom;
  }), (error: unknown) => error === boom);
  assert.is(requests.size, 0);
  const reason = new Error("client went away");
  const cancelled = AbortSignal.abort(reason);
  assert.throws(() => requests.trackNow(() => "answer", cancelled, undefined, { settleOnAbort: true }), (error: unknown) => error === reason);
  assert.is(requests.trackNow(() => "answer", cancelled), "answer", "without settleOnAbort the answer stands");
  assert.is(requests.size, 0);
});

test("a promise is tracked until it settles and a drain waits for it", async () => {
  const requests = createRequestTracker();
  let finish!: (value: string) => void;
  const answer = requests.trackNow(() => new Promise<string>((resolve) => (finish = resolve)));
  assert.ok(answer instanceof Promise);
  assert.is(requests.size, 1);
  const drained = requests.drain(5_000, () => new Error("shutting down"));
  finish("done");
  assert.is(await answer, "done");
  assert.equal((await drained).finished, 1);
  assert.is(requests.size, 0);
});

test.run();
