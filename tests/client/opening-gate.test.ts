/** The client's opening gate (client/opening-gate.ts): a bound on calls opened before the gateway has answered one. */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createOpeningGate } from "../../client/opening-gate.ts";

const settledSoon = (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => "entered", (error: Error) => `rejected: ${error.message}`), new Promise((resolve) => setTimeout(resolve, 50, "waiting"))]);

test("over the limit a call waits until one leaves; an abort while waiting rejects with its reason", async () => {
  const gate = createOpeningGate(2);
  const signal = new AbortController().signal;
  await gate.enter(signal);
  await gate.enter(signal);
  const third = gate.enter(signal);
  assert.is(await settledSoon(third), "waiting");
  const aborted = new AbortController();
  const fourth = gate.enter(aborted.signal);
  aborted.abort(new Error("caller gave up"));
  assert.is(await settledSoon(fourth), "rejected: caller gave up");
  gate.left();
  assert.is(await settledSoon(third), "entered");
  assert.is(await settledSoon(gate.enter(signal)), "waiting");
});

test("once the gateway has answered, every call enters at once", async () => {
  const gate = createOpeningGate(1);
  const signal = new AbortController().signal;
  await gate.enter(signal);
  const waiting = gate.enter(signal);
  gate.answered();
  assert.is(await settledSoon(waiting), "entered");
  assert.equal(await Promise.all(Array.from({ length: 5 }, () => settledSoon(gate.enter(signal)))), Array(5).fill("entered"));
});

test("renew(): once the connection is gone, calls over the limit wait again for an answer on the new one", async () => {
  const gate = createOpeningGate(1);
  const signal = new AbortController().signal;
  await gate.enter(signal);
  gate.answered();
  await gate.enter(signal);
  gate.renew();
  const waiting = gate.enter(signal);
  assert.is(await settledSoon(waiting), "waiting");
  gate.answered();
  assert.is(await settledSoon(waiting), "entered");
});

test.run();
