import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import {
  batchingOf,
  bindDynamicBatching,
  bindRequests,
  createExecutorTransport,
  dynamicBatching,
  Executor,
  type ExecutorOptions,
  handleDataRequest,
  type HandlerArgs,
  queuedRequests,
  requests,
  serveExecutor,
} from "../../executor/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { type DataRequestProto, DataRequestListProtoSchema, JinaDataRequestRPC, JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import type { Server } from "../../runtime/mod.ts";

interface Call {
  ids: string[];
  parameters: JsonObject;
}

/** Upper-cases texts on /embed in batches of 16; fails a whole batch when a doc says "boom"; records each call. */
class Embedder extends Executor {
  readonly calls: Call[] = [];
  readonly events: string[] = [];

  @requests("/embed")
  @dynamicBatching({ preferredBatchSize: 16 })
  embed({ docs, parameters }: HandlerArgs) {
    this.calls.push({ ids: docs.ids, parameters });
    if (docs.texts.includes("boom")) throw new RangeError(`boom in a batch of ${docs.length}`);
    for (const doc of docs) doc.text = doc.text?.toUpperCase();
  }

  @dynamicBatching({ preferredBatchSize: 16, timeout: 50 })
  @requests("/quick")
  quick(args: HandlerArgs) {
    this.embed(args);
  }

  @requests("/plain")
  plain({ docs }: HandlerArgs) {
    this.calls.push({ ids: docs.ids, parameters: {} });
  }

  override close() {
    this.events.push("close");
  }
}

/** Returns things on batched endpoints: a DocumentArray of the same or another length, or a dict. */
class Returner extends Executor {
  @requests("/replace")
  @dynamicBatching({ preferredBatchSize: 4 })
  replace({ docs }: HandlerArgs) {
    return new DocumentArray(docs.map((doc) => ({ id: `new-${doc.id}`, text: `was ${doc.text}` })));
  }

  @requests("/shrink")
  @dynamicBatching({ preferredBatchSize: 4 })
  shrink({ docs }: HandlerArgs) {
    return new DocumentArray([...docs].slice(1));
  }

  @requests("/count")
  @dynamicBatching({ preferredBatchSize: 4 })
  count({ docs }: HandlerArgs) {
    return { batch: docs.length };
  }
}

/** No decorators: bindRequests + bindDynamicBatching. */
class Plain extends Executor {
  readonly sizes: number[] = [];

  embed({ docs }: HandlerArgs) {
    this.sizes.push(docs.length);
    for (const doc of docs) doc.text = `${doc.text}!`;
  }

  other({ docs }: HandlerArgs) {
    this.sizes.push(docs.length);
  }
}
bindRequests(Plain, { "/embed": "embed", "/other": "other", "/other2": "other" });
bindDynamicBatching(Plain, { "/embed": { preferredBatchSize: 3 }, other: { preferredBatchSize: 2, timeout: 10_000 } });

let counter = 0;
const request = (endpoint: string, texts: string[], parameters?: JsonObject) =>
  createDataRequest({
    endpoint,
    docs: new DocumentArray(texts.map((text) => new Document({ id: `doc-${++counter}`, text }))),
    ...(parameters ? { parameters } : {}),
  });

/** Polls `condition` every 5 ms, for at most 5 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function single(executor: Executor) {
  return createClient(JinaSingleDataRequestRPC, createExecutorTransport(executor));
}

test("64 concurrent one-doc requests with preferredBatchSize 16 reach the handler in 4 batches of 16, each caller gets its own doc", async () => {
  const executor = new Embedder();
  const client = single(executor);
  const sent = Array.from({ length: 64 }, (_, i) => request("/embed", [`text ${i}`]));
  const responses = await Promise.all(sent.map((r) => client.process_single_data(r)));
  assert.equal(executor.calls.map((call) => call.ids.length), [16, 16, 16, 16]);
  assert.equal(executor.calls.flatMap((call) => call.ids), sent.map((r) => docsOf(r).ids[0]), "arrival order");
  responses.forEach((response, i) => {
    assert.is(response.header?.status?.code ?? 0, 0);
    assert.is(response.header?.requestId, sent[i]!.header?.requestId);
    assert.equal(docsOf(response).ids, docsOf(sent[i]!).ids);
    assert.equal(docsOf(response).texts, [`TEXT ${i}`]);
  });
  await executor.close();
});

test("requests with several docs are kept together and each gets its own docs back in order", async () => {
  const executor = new Embedder();
  const client = single(executor);
  const sent = [request("/embed", ["a", "b", "c"]), request("/embed", ["d"]), request("/embed", ["e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"])];
  const responses = await Promise.all(sent.map((r) => client.process_single_data(r)));
  assert.equal(executor.calls.map((call) => call.ids.length), [16]);
  assert.equal(responses.map((r) => docsOf(r).texts), [["A", "B", "C"], ["D"], ["E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P"]]);
  await executor.close();
});

test("a request with more docs than preferredBatchSize runs at once, in one call, unsplit", async () => {
  const executor = new Embedder();
  const texts = Array.from({ length: 20 }, (_, i) => `t${i}`);
  const response = await single(executor).process_single_data(request("/embed", texts));
  assert.equal(executor.calls.map((call) => call.ids.length), [20]);
  assert.equal(docsOf(response).texts, texts.map((text) => text.toUpperCase()));
  await executor.close();
});

test("the timeout flushes a partial batch: 5 requests, preferredBatchSize 16, timeout 50 ms → one call of 5", async () => {
  const executor = new Embedder();
  const client = single(executor);
  const started = performance.now();
  const responses = await Promise.all(["a", "b", "c", "d", "e"].map((text) => client.process_single_data(request("/quick", [text]))));
  const elapsed = performance.now() - started;
  assert.equal(executor.calls.map((call) => call.ids.length), [5]);
  assert.equal(responses.map((r) => docsOf(r).texts[0]), ["A", "B", "C", "D", "E"]);
  assert.ok(elapsed >= 40, `flushed after ${elapsed} ms, before the 50 ms timeout`);
  assert.ok(elapsed < 5000, `flushed after ${elapsed} ms`);
  await executor.close();
});

test("different parameters go to different batches; the same parameters in another key order share one", async () => {
  const executor = new Embedder();
  const client = single(executor);
  const sent = [
    ...Array.from({ length: 8 }, (_, i) => request("/quick", [`x${i}`], { lang: "en", k: 1 })),
    ...Array.from({ length: 8 }, (_, i) => request("/quick", [`y${i}`], { k: 1, lang: "en" })),
    ...Array.from({ length: 4 }, (_, i) => request("/quick", [`z${i}`], { lang: "de", k: 1 })),
    request("/quick", ["none"]),
  ];
  const responses = await Promise.all(sent.map((r) => client.process_single_data(r)));
  const byParameters = new Map(executor.calls.map((call) => [JSON.stringify(call.parameters.lang ?? null), call.ids.length]));
  assert.is(executor.calls.length, 3);
  assert.equal(Object.fromEntries(byParameters), { '"en"': 16, '"de"': 4, null: 1 });
  for (const call of executor.calls) {
    const prefixes = new Set(call.ids.map((id) => sent.find((r) => docsOf(r).ids[0] === id)!.parameters?.lang ?? "none"));
    assert.is(prefixes.size, 1, "one batch holds one parameter set");
  }
  assert.equal(docsOf(responses[20]!).texts, ["NONE"]);
  await executor.close();
});

test("endpoints without batching are not delayed", async () => {
  const executor = new Embedder();
  const responses = await Promise.all([1, 2, 3].map(() => single(executor).process_single_data(request("/plain", ["p"]))));
  assert.equal(executor.calls.map((call) => call.ids.length), [1, 1, 1]);
  assert.is(responses.length, 3);
  await executor.close();
});

test("the dynamicBatching option overrides the decorator, by method name or by endpoint", async () => {
  const byMethod = new Embedder({ dynamicBatching: { embed: { preferredBatchSize: 2 } } });
  assert.equal(batchingOf(byMethod, "/embed"), { endpoint: "/embed", preferredBatchSize: 2, timeout: 10_000 });
  assert.equal(batchingOf(byMethod, "/quick"), { endpoint: "/quick", preferredBatchSize: 16, timeout: 50 }, "other keys stay");
  await Promise.all(["a", "b", "c", "d"].map((text) => single(byMethod).process_single_data(request("/embed", [text]))));
  assert.equal(byMethod.calls.map((call) => call.ids.length), [2, 2]);
  await byMethod.close();

  const byEndpoint = new Embedder({ dynamicBatching: { "/embed": { preferredBatchSize: 1 }, quick: { preferredBatchSize: 3, timeout: 10_000 } } });
  assert.equal(batchingOf(byEndpoint, "/quick"), { endpoint: "/quick", preferredBatchSize: 3, timeout: 10_000 });
  await Promise.all(["a", "b"].map((text) => single(byEndpoint).process_single_data(request("/embed", [text]))));
  await Promise.all(["c", "d", "e"].map((text) => single(byEndpoint).process_single_data(request("/quick", [text]))));
  assert.equal(byEndpoint.calls.map((call) => call.ids.length), [1, 1, 3]);
  assert.is(new Embedder().calls.length, 0);
  assert.equal(batchingOf(new Embedder(), "/embed")?.preferredBatchSize, 16, "the class is untouched");
  await byEndpoint.close();
});

test("bindDynamicBatching batches without decorators, by endpoint or by method (all its endpoints)", async () => {
  const executor = new Plain();
  const client = single(executor);
  const embedded = await Promise.all(["a", "b", "c", "d", "e", "f"].map((text) => client.process_single_data(request("/embed", [text]))));
  assert.equal(executor.sizes, [3, 3]);
  assert.equal(embedded.map((r) => docsOf(r).texts[0]), ["a!", "b!", "c!", "d!", "e!", "f!"]);
  assert.equal(batchingOf(executor, "/other2"), { endpoint: "/other2", preferredBatchSize: 2, timeout: 10_000 });
  await Promise.all([client.process_single_data(request("/other", ["x"])), client.process_single_data(request("/other", ["y"]))]);
  await Promise.all([client.process_single_data(request("/other2", ["x"])), client.process_single_data(request("/other2", ["y"]))]);
  assert.equal(executor.sizes, [3, 3, 2, 2]);
  await executor.close();
});

test("a handler error gives every request of the batch the in-band error; the next batch works", async () => {
  const executor = new Embedder({ metas: { name: "embedder" }, dynamicBatching: { embed: { preferredBatchSize: 4 } } });
  const client = single(executor);
  const failed = await Promise.all(["a", "boom", "c", "d"].map((text) => client.process_single_data(request("/embed", [text]))));
  for (const [i, response] of failed.entries()) {
    const status = response.header?.status;
    assert.is(status?.code, 1);
    assert.is(status?.exception?.name, "RangeError");
    assert.equal(status?.exception?.args, ["boom in a batch of 4"]);
    assert.is(status?.exception?.executor, "embedder");
    assert.equal(docsOf(response).texts, [["a", "boom", "c", "d"][i]], "each keeps its own input docs");
  }
  const ok = await Promise.all(["e", "f", "g", "h"].map((text) => client.process_single_data(request("/embed", [text]))));
  assert.equal(ok.map((r) => [r.header?.status?.code ?? 0, docsOf(r).texts[0]]), [[0, "E"], [0, "F"], [0, "G"], [0, "H"]]);
  await executor.close();
});

test("a returned DocumentArray is split back by position; a plain object goes to every request's __results__", async () => {
  const executor = new Returner({ metas: { name: "returner" } });
  const client = single(executor);
  const sent = [request("/replace", ["a", "b"]), request("/replace", ["c"]), request("/replace", ["d"])];
  const replaced = await Promise.all(sent.map((r) => client.process_single_data(r)));
  replaced.forEach((response, i) => {
    assert.equal(docsOf(response).ids, docsOf(sent[i]!).ids.map((id) => `new-${id}`));
  });
  assert.equal(docsOf(replaced[0]!).texts, ["was a", "was b"]);
  const counted = await Promise.all(["a", "b", "c", "d"].map((text) => client.process_single_data(request("/count", [text], { k: 1 }))));
  for (const [i, response] of counted.entries()) {
    assert.equal(response.parameters?.__results__, { returner: { batch: 4 } });
    assert.equal(docsOf(response).texts, [["a", "b", "c", "d"][i]]);
  }
});

test("a returned DocumentArray of another length fails every request of the batch with a clear message", async () => {
  const executor = new Returner({ metas: { name: "returner" } });
  const responses = await Promise.all(["a", "b", "c", "d"].map((text) => single(executor).process_single_data(request("/shrink", [text]))));
  for (const [i, response] of responses.entries()) {
    const status = response.header?.status;
    assert.is(status?.code, 1);
    assert.match(status?.exception?.args[0] ?? "", /returner\.shrink \(endpoint "\/shrink", dynamic batching\) returned 3 documents for a batch of 4/);
    assert.match(status?.exception?.args[0] ?? "", /same length/);
    assert.equal(docsOf(response).texts, [["a", "b", "c", "d"][i]]);
  }
});

test("close() answers the queued requests first, then runs the executor's own close(); later requests run at once", async () => {
  const executor = new Embedder();
  const client = single(executor);
  const started = performance.now();
  const pending = ["a", "b", "c"].map((text) => client.process_single_data(request("/embed", [text])));
  await until(() => queuedRequests(executor) === 3);
  assert.is(executor.calls.length, 0, "still waiting for 16 docs or 10 s");
  const closed = executor.close();
  const responses = await Promise.all(pending);
  await closed;
  assert.equal(responses.map((r) => docsOf(r).texts[0]), ["A", "B", "C"]);
  assert.equal(executor.calls.map((call) => call.ids.length), [3]);
  assert.equal(executor.events, ["close"]);
  const late = await client.process_single_data(request("/embed", ["late"]));
  assert.equal(docsOf(late).texts, ["LATE"]);
  assert.ok(performance.now() - started < 5000, "nothing waited for the 10 s timeout");
});

test("a caller that aborts while queued leaves the queue with a Canceled in-band error; the handler never sees it", async () => {
  const executor = new Embedder();
  const controller = new AbortController();
  const aborted = handleDataRequest(executor, request("/embed", ["gone"]), controller.signal);
  assert.is(queuedRequests(executor), 1);
  controller.abort();
  assert.is(queuedRequests(executor), 0);
  const response = await aborted;
  assert.is(response.header?.status?.code, 1);
  assert.match(response.header?.status?.exception?.args[0] ?? "", /went away/);
  await executor.close();
  assert.is(executor.calls.length, 0);
});

test("requests for unbound endpoints handled by a batched /default share its queue", async () => {
  const sizes: number[] = [];
  class Fallback extends Executor {
    @requests()
    @dynamicBatching({ preferredBatchSize: 2 })
    any({ docs }: HandlerArgs) {
      sizes.push(docs.length);
    }
  }
  const executor = new Fallback();
  await Promise.all([single(executor).process_single_data(request("/a", ["a"])), single(executor).process_single_data(request("/b", ["b"]))]);
  assert.equal(sizes, [2]);
  assert.equal(batchingOf(executor, "/anything")?.endpoint, "/default");
  await executor.close();
});

test("process_data with several parts is not batched (the handler sees docsMatrix at once)", async () => {
  let matrix: number[] | undefined;
  class Joiner extends Executor {
    @requests("/join")
    @dynamicBatching({ preferredBatchSize: 100 })
    join({ docsMatrix }: HandlerArgs) {
      matrix = docsMatrix?.map((part) => part.length);
    }
  }
  const executor = new Joiner();
  const client = createClient(JinaDataRequestRPC, createExecutorTransport(executor));
  await client.process_data(create(DataRequestListProtoSchema, { requests: [request("/join", ["a", "b"]), request("/join", ["c"])] }));
  assert.equal(matrix, [2, 1]);
  await executor.close();
});

test("bad dynamic batching options throw JinaError(InvalidArgument) naming the field; Jina's snake_case is accepted", () => {
  const throwsInvalid = (fn: () => unknown, pattern: RegExp) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof JinaError);
      assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
      assert.match((error as JinaError).rawMessage, pattern);
      return;
    }
    assert.unreachable("expected a JinaError");
  };
  throwsInvalid(() => dynamicBatching({ preferredBatchSize: 0 }), /@dynamicBatching: preferredBatchSize must be a positive integer/);
  throwsInvalid(() => dynamicBatching({ preferredBatchSize: 4, timeout: -1 }), /timeout must be a number of milliseconds/);
  throwsInvalid(() => dynamicBatching({ batchSize: 4 } as never), /unknown option "batchSize"/);
  throwsInvalid(() => bindDynamicBatching(Plain, { "/embed": 3 as never }), /bindDynamicBatching\(Plain\)\["\/embed"\]: expected an object/);
  throwsInvalid(() => new Embedder({ dynamicBatching: { embedd: { preferredBatchSize: 2 } } }), /"embedd", which is neither an endpoint/);
  const options: ExecutorOptions = { dynamicBatching: { "/embed": { preferred_batch_size: 5, timeout: 7 } as never } };
  assert.equal(batchingOf(new Embedder(options), "/embed"), { endpoint: "/embed", preferredBatchSize: 5, timeout: 7 });
});

/** Serves `executor` on port 0 and gives a gRPC client to it; the server and sessions are closed after `fn`. */
async function overGrpc(executor: Executor, fn: (client: ReturnType<typeof single>, server: Server) => Promise<void>) {
  const server = await serveExecutor(executor, { port: 0 });
  const sessions = new Http2SessionManager(server.url);
  try {
    await fn(createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: server.url, sessionManager: sessions })), server);
  } finally {
    sessions.abort();
    await server.close();
    await executor.close();
  }
}

test("over gRPC (serveExecutor on port 0): concurrent requests are batched and each caller gets its own docs", async () => {
  const executor = new Embedder({ dynamicBatching: { embed: { preferredBatchSize: 4 } } });
  await overGrpc(executor, async (client) => {
    const sent = Array.from({ length: 8 }, (_, i) => request("/embed", [`g${i}`]));
    const responses: DataRequestProto[] = await Promise.all(sent.map((r) => client.process_single_data(r)));
    assert.equal(executor.calls.map((call) => call.ids.length), [4, 4]);
    assert.equal(responses.map((r) => docsOf(r).ids), sent.map((r) => docsOf(r).ids));
    assert.equal(responses.map((r) => docsOf(r).texts[0]), sent.map((_, i) => `G${i}`));
  });
});

test(
  "over gRPC: closing the server first answers the requests still queued",
  async () => {
    const executor = new Embedder();
    await overGrpc(executor, async (client, server) => {
      const queued = [request("/embed", ["q1"]), request("/embed", ["q2"])].map((r) => client.process_single_data(r));
      await until(() => queuedRequests(executor) === 2);
      await server.close();
      assert.equal((await Promise.all(queued)).map((r) => docsOf(r).texts[0]), ["Q1", "Q2"]);
      assert.equal(executor.calls.map((call) => call.ids.length), [2]);
    });
  },
);

test.run();
