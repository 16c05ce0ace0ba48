/**
 * LazyAbort (proto/server/lazy-abort.ts): the cancellation the request tracker, the gRPC fast path and the direct
 * HTTP routes share: listeners without an AbortController, a signal made on first read, one abort.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { LazyAbort } from "../../proto/server/lazy-abort.ts";
import { isCancellation, signalOf, subscribeCancel } from "../../proto/server/cancellation.ts";

test("subscribers hear the abort once; later aborts do nothing and return false", () => {
  const cancel = new LazyAbort<Error>();
  const heard: string[] = [];
  cancel.subscribe((reason) => heard.push(`a:${reason.message}`));
  const stop = cancel.subscribe((reason) => heard.push(`b:${reason.message}`));
  stop();
  assert.is(cancel.abort(new Error("gone")), true);
  assert.is(cancel.abort(new Error("again")), false);
  assert.equal(heard, ["a:gone"]);
  assert.is(cancel.aborted, true);
  assert.is(cancel.reason?.message, "gone");
});

test("a listener added after the abort is called at once", () => {
  const cancel = new LazyAbort<string>();
  cancel.abort("late");
  let heard = "";
  cancel.subscribe((reason) => (heard = reason))();
  assert.is(heard, "late");
});

test("the signal is made on first read, before or after the abort, and carries the reason", () => {
  const before = new LazyAbort<Error>();
  const signal = before.signal;
  assert.is(signal.aborted, false);
  assert.is(before.signal, signal, "one signal per cancellation");
  const reason = new Error("stop");
  before.abort(reason);
  assert.is(signal.aborted, true);
  assert.is(signal.reason, reason);

  const after = new LazyAbort<Error>();
  after.abort(reason);
  assert.is(after.signal.aborted, true);
  assert.is(after.signal.reason, reason);
});


test("cancellation.ts: a LazyAbort or an AbortSignal, subscribed to the same way; signalOf makes a signal only for a lazy one", () => {
  const lazy = new LazyAbort<Error>();
  assert.ok(isCancellation(lazy));
  const controller = new AbortController();
  assert.not.ok(isCancellation(controller.signal));
  assert.not.ok(isCancellation(undefined));
  assert.is(signalOf(controller.signal), controller.signal);
  assert.is(signalOf(undefined), undefined);
  const heard: unknown[] = [];
  subscribeCancel(lazy, (reason) => heard.push((reason as Error).message));
  const stop = subscribeCancel(controller.signal, (reason) => heard.push(reason));
  lazy.abort(new Error("lazy"));
  controller.abort("signal");
  stop();
  assert.equal(heard, ["lazy", "signal"]);
  assert.is(signalOf(lazy)?.aborted, true);
});

test.run();
