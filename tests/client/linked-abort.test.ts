/** linkedAbort (client/linked-abort.ts): a controller that follows a parent signal until unlinked. */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { linkedAbort } from "../../client/linked-abort.ts";

test("the parent's abort reaches the linked signal with its reason; its own abort does not reach the parent", () => {
  const parent = new AbortController();
  const linked = linkedAbort(parent.signal);
  linked.abort("own");
  assert.is(parent.signal.aborted, false);
  const second = linkedAbort(parent.signal);
  parent.abort("gone");
  assert.is(second.signal.aborted, true);
  assert.is(second.signal.reason, "gone");
  assert.is(linked.signal.reason, "own", "a linked signal aborted first keeps its own reason");
});

test("after unlink the parent's abort no longer reaches it; an aborted parent aborts at once; no parent is fine", () => {
  const parent = new AbortController();
  const linked = linkedAbort(parent.signal);
  linked.unlink();
  parent.abort("late");
  assert.is(linked.signal.aborted, false);
  assert.is(linkedAbort(parent.signal).signal.reason, "late");
  const alone = linkedAbort(undefined);
  alone.unlink();
  alone.abort("mine");
  assert.is(alone.signal.reason, "mine");
});

test.run();
