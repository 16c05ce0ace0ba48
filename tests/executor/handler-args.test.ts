/**
 * A handler's arguments (executor/handler-args.ts) look like the object literal they replace: `docs`, `parameters`,
 * `signal` as own enumerable keys in that order, `docs` read from the call when the handler reads it, a lazy signal
 * made on first read; and through a real dispatch, a handler that spreads or destructures them gets the same values.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { bindRequests, Executor, handleDataRequest, type HandlerArgs } from "../../executor/mod.ts";
import { handlerArgs } from "../../executor/handler-args.ts";
import { LazyAbort } from "../../proto/server/lazy-abort.ts";

test("handlerArgs: own enumerable docs, parameters, signal in that order; docs read only when read", () => {
  let reads = 0;
  const docs = new DocumentArray([new Document({ text: "a" })]);
  const signal = new AbortController().signal;
  const args = handlerArgs({ documents: () => (reads++, docs), signal }, { limit: 3 });
  assert.equal(Object.keys(args), ["docs", "parameters", "signal"]);
  assert.is(reads, 0, "making the arguments reads no documents");
  assert.is(args.docs, docs);
  assert.is(reads, 1);
  assert.equal(args.parameters, { limit: 3 });
  assert.is(args.signal, signal);
  const { docs: destructured, ...rest } = args;
  assert.is(destructured, docs);
  assert.equal(Object.keys(rest), ["parameters", "signal"]);
  assert.is({ ...args }.docs, docs, "a spread copies the documents");
  assert.is(JSON.stringify(Object.keys(args)), '["docs","parameters","signal"]', "the call's state is no string key");
});

test("handlerArgs: a lazy signal is made when the handler reads it, and is aborted when the call is", () => {
  const lazy = new LazyAbort<Error>();
  const args = handlerArgs({ documents: () => new DocumentArray(), signal: lazy }, {});
  assert.ok(Object.getOwnPropertyDescriptor(args, "signal")?.get, "an accessor until read");
  const signal = args.signal;
  assert.instance(signal, AbortSignal);
  assert.is(args.signal, signal, "the same signal each read");
  lazy.abort(new Error("gone"));
  assert.ok(signal.aborted);
  assert.is((signal.reason as Error).message, "gone");
});

class Spreads extends Executor {
  seen: string[][] = [];
  keep(args: HandlerArgs): void {
    const copy = { ...args };
    this.seen.push(Object.keys(copy));
    for (const doc of copy.docs) doc.text = `${doc.text}!`;
  }
}
bindRequests(Spreads, { "/keep": "keep" });

test("through dispatch: a handler that spreads its arguments gets the documents, and its changes are answered", async () => {
  const executor = new Spreads();
  const request = createDataRequest({ endpoint: "/keep", docs: new DocumentArray([new Document({ text: "x" })]) });
  const response = await handleDataRequest(executor, request);
  assert.is(response.header?.status, undefined, "no error");
  assert.equal(executor.seen, [["docs", "parameters", "signal"]]);
  assert.is(docsOf(response).at(0)?.text, "x!");
});

test.run();
