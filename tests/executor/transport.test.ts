/**
 * The in-process transport (executor/transport.ts): the data methods hand the request object itself to the
 * executor when its sender owns it (no protobuf, no copy), clone it otherwise (the caller's objects never change),
 * and keep deadlines, cancellation and `is-error`; the clone-at-fork rule holds through a gateway.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createClient } from "@connectrpc/connect";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { bindRequests, createExecutorTransport, Executor, type HandlerArgs } from "../../executor/mod.ts";
import { createGateway } from "../../gateway/mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { type DataRequestProto, JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { markOwned } from "../../proto/ownership.ts";
import { LazyAbort } from "../../proto/server/lazy-abort.ts";
import { acceptsCancelContext, cancelContext } from "../../runtime/mod.ts";
import { sleep } from "../gateway/fakes.ts";

class Tagger extends Executor {
  seen: DataRequestProto["data"][] = [];
  entered: Record<string, unknown>[] = [];
  tag({ docs, parameters }: HandlerArgs) {
    this.entered.push(...docs.map((doc) => ({ ...doc.tags })));
    for (const doc of docs) doc.tags = { ...doc.tags, [this.metas.name]: parameters.value ?? true };
  }
  async slow({ signal }: HandlerArgs) {
    await sleep(5_000, signal).catch(() => {});
    if (signal.aborted) this.seen.push(undefined);
  }
  fail() {
    throw new Error("on purpose");
  }
}
bindRequests(Tagger, { "/tag": "tag", "/slow": "slow", "/fail": "fail" });

const request = (endpoint: string) => createDataRequest({ endpoint, docs: new DocumentArray([new Document({ id: "d0", text: "a" })]) });

test("an owned request is handled as is (same objects, no copy); any other is cloned and the caller's stays unchanged", async () => {
  const client = createClient(JinaSingleDataRequestRPC, createExecutorTransport(new Tagger({ metas: { name: "t" } })));
  const owned = markOwned(request("/tag"));
  const answer = await client.process_single_data(owned, { headers: { endpoint: "/tag" } });
  assert.ok(answer === owned, "the executor answered with the very request object");
  assert.equal(docsOf(owned).at(0)!.tags, { t: true });

  const mine = request("/tag");
  const copied = await client.process_single_data(mine, { headers: { endpoint: "/tag" } });
  assert.equal(docsOf(copied).at(0)!.tags, { t: true });
  assert.equal(docsOf(mine).at(0)!.tags, {}, "the caller's documents are untouched");
});

test("in process, timeoutMs fails DEADLINE_EXCEEDED and aborts the handler; the caller's signal fails CANCELED; an error flags is-error", async () => {
  const executor = new Tagger({ metas: { name: "t" } });
  const client = createClient(JinaSingleDataRequestRPC, createExecutorTransport(executor));
  const late = await client.process_single_data(request("/slow"), { timeoutMs: 100 }).then(() => undefined, (e) => e);
  assert.is(late?.code, ErrorCode.DeadlineExceeded);
  const controller = new AbortController();
  const pending = client.process_single_data(request("/slow"), { signal: controller.signal }).then(() => undefined, (e) => e);
  setTimeout(() => controller.abort(), 50);
  assert.is((await pending)?.code, ErrorCode.Canceled);
  for (let i = 0; i < 100 && executor.seen.length < 2; i++) await sleep(20);
  assert.is(executor.seen.length, 2, "both handlers saw their signal abort");
  let flagged: string | null = null;
  await client.process_single_data(request("/fail"), { onTrailer: (t) => (flagged = t.get("is-error")) });
  assert.is(flagged, "true");
});

test("in process, a lazy cancellation in the context values (what the gateway sends) cancels the call and aborts the handler, with and without a deadline", async () => {
  const executor = new Tagger({ metas: { name: "t" } });
  const transport = createExecutorTransport(executor);
  assert.ok(acceptsCancelContext(transport), "the gateway may send the cancellation instead of a signal");
  const client = createClient(JinaSingleDataRequestRPC, transport);
  for (const timeoutMs of [undefined, 10_000]) {
    const cancel = new LazyAbort<Error>();
    const pending = client.process_single_data(request("/slow"), { contextValues: cancelContext(cancel), ...(timeoutMs ? { timeoutMs } : {}) }).then(() => undefined, (e) => e);
    setTimeout(() => cancel.abort(new Error("client gone")), 50);
    assert.is((await pending)?.code, ErrorCode.Canceled);
  }
  for (let i = 0; i < 100 && executor.seen.length < 2; i++) await sleep(20);
  assert.is(executor.seen.length, 2, "both handlers saw their signal abort");
  const gone = new LazyAbort<Error>();
  gone.abort(new Error("gone before"));
  const early = await client.process_single_data(request("/tag"), { contextValues: cancelContext(gone) }).then(() => undefined, (e) => e);
  assert.is(early?.code, ErrorCode.Canceled, "a cancellation aborted already refuses the call");
});

test("clone-at-fork: two in-process branches that change documents in place each see what the fork gave them, not each other's changes", async () => {
  const a = new Tagger({ metas: { name: "a" } });
  const b = new Tagger({ metas: { name: "b" } });
  const c = new Tagger({ metas: { name: "c" } });
  const gateway = createGateway({
    graph: { "start-gateway": ["c"], c: ["a", "b"], a: ["end-gateway"], b: ["end-gateway"] },
    deployments: [a, b, c].map((executor) => ({ name: executor.metas.name!, shards: [[createExecutorTransport(executor)]] })),
  });
  try {
    const input = request("/tag");
    for (let i = 0; i < 5; i++) await gateway.handle(input);
    assert.equal(a.entered, Array(5).fill({ c: true }));
    assert.equal(b.entered, Array(5).fill({ c: true }));
    assert.equal(c.entered, Array(5).fill({}));
    assert.equal(docsOf(input).at(0)!.tags, {}, "the caller's request is untouched");
  } finally {
    await gateway.close();
  }
});

test.run();
