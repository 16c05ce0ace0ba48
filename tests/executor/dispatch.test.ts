import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createExecutorTransport, Executor, handleDataRequest, type HandlerArgs, requests } from "../../executor/mod.ts";
import {
  DataRequestListProtoSchema,
  JinaDataRequestRPC,
  JinaRPC,
  JinaSingleDataRequestRPC,
  RouteProtoSchema,
} from "../../proto/gen/jina_pb.ts";
import { Closer, Returns, Upper } from "./fixtures/executors.ts";

const docs = (...texts: string[]) => new DocumentArray(texts.map((text, i) => new Document({ id: `d${i}`, text })));

function single(executor: Executor) {
  return createClient(JinaSingleDataRequestRPC, createExecutorTransport(executor));
}

test("a bound endpoint runs its handler; mutated docs go on when it returns nothing", async () => {
  const response = await single(new Upper()).process_single_data(createDataRequest({ endpoint: "/index", docs: docs("a", "b") }));
  assert.equal(docsOf(response).texts, ["A", "B"]);
  assert.is(response.header?.status?.code ?? 0, 0);
});

test("an unbound endpoint goes to /default; with no /default the request comes back untouched", async () => {
  const fallback = await single(new Upper()).process_single_data(createDataRequest({ endpoint: "/other", docs: docs("a") }));
  assert.is(docsOf(fallback).at(0)?.tags.fallback, true);
  const request = createDataRequest({ endpoint: "/nothing", docs: docs("a"), parameters: { k: 1 } });
  const untouched = await single(new Returns()).process_single_data(request);
  assert.equal(docsOf(untouched).texts, ["a"]);
  assert.equal(untouched.parameters, { k: 1 });
  assert.is(untouched.header?.requestId, request.header?.requestId);
});

test("a returned DocumentArray replaces the docs", async () => {
  const response = await single(new Returns()).process_single_data(createDataRequest({ endpoint: "/replace", docs: docs("a", "b") }));
  assert.equal(docsOf(response).ids, ["new-d0", "new-d1"]);
  assert.equal(docsOf(response).texts, ["replaced", "replaced"]);
});

test("a returned plain object goes to parameters.__results__[metas.name] and the docs are kept", async () => {
  const executor = new Upper({ metas: { name: "upper" } });
  const request = createDataRequest({ endpoint: "/tally", docs: docs("a", "b", "c"), parameters: { limit: 3, __results__: { earlier: { x: 1 } } } });
  const response = await single(executor).process_single_data(request);
  const results = response.parameters?.__results__ as Record<string, { count: number }>;
  assert.equal(results.earlier, { x: 1 });
  assert.is(results.upper?.count, 3);
  assert.equal(docsOf(response).texts, ["a", "b", "c"]);
  assert.is(response.parameters?.limit, 3);
});

test("a shard's plain object goes to parameters.__results__[<metas.name>/shard-<id>], so shards do not hide each other", async () => {
  const executor = new Upper({ metas: { name: "upper" }, runtimeArgs: { name: "upper/shard-1/rep-0", shardId: 1, shards: 2, replicas: 1 } });
  const response = await single(executor).process_single_data(createDataRequest({ endpoint: "/tally", docs: docs("a", "b") }));
  assert.equal(Object.keys(response.parameters?.__results__ as object), ["upper/shard-1"]);
});

test("parameters[metas.name] is merged into the handler's parameters, the request's parameters stay as sent", async () => {
  const request = createDataRequest({ endpoint: "/count", docs: docs("a"), parameters: { limit: 1, upper: { limit: 5, only: true }, other: { limit: 9 } } });
  const response = await single(new Upper({ metas: { name: "upper" } })).process_single_data(request);
  const seen = (response.parameters?.__results__ as Record<string, { parameters: Record<string, unknown> }>).upper?.parameters;
  assert.is(seen?.limit, 5);
  assert.is(seen?.only, true);
  assert.equal(seen?.other, { limit: 9 });
  assert.is(response.parameters?.limit, 1);
});

for (const endpoint of ["/bad-number", "/bad-array"]) {
  test(`a handler returning something else gives an in-band TypeError (${endpoint})`, async () => {
    const response = await single(new Returns()).process_single_data(createDataRequest({ endpoint, docs: docs("a") }));
    assert.is(response.header?.status?.code, 1);
    assert.is(response.header?.status?.exception?.name, "TypeError");
    assert.match(response.header?.status?.exception?.args[0] ?? "", /DocumentArray/);
    assert.equal(docsOf(response).texts, ["a"]);
  });
}

test("a handler that throws gives an in-band error with name, args, stack and executor, then the next request succeeds", async () => {
  const executor = new Closer({ metas: { name: "closer" } });
  const client = single(executor);
  const failed = await client.process_single_data(createDataRequest({ endpoint: "/fail", docs: docs("a", "b") }));
  const status = failed.header?.status;
  assert.is(status?.code, 1);
  assert.is(status?.exception?.name, "RangeError");
  assert.equal(status?.exception?.args, ["closer cannot do that"]);
  assert.ok(status?.exception?.stacks.join("").includes("RangeError: closer cannot do that"));
  assert.is(status?.exception?.executor, "closer");
  assert.match(status?.description ?? "", /RangeError/);
  assert.equal(docsOf(failed).texts, ["a", "b"], "the response keeps the input docs");
  const ok = await client.process_single_data(createDataRequest({ endpoint: "/tag", docs: docs("a") }));
  assert.is(ok.header?.status?.code ?? 0, 0);
  assert.is(docsOf(ok).at(0)?.tags.name, "closer");
});

test("an in-band error sets the trailer is-error: true", async () => {
  let trailer: Headers | undefined;
  await single(new Closer()).process_single_data(createDataRequest({ endpoint: "/fail", docs: docs("a") }), {
    onTrailer: (t) => (trailer = t),
  });
  assert.is(trailer?.get("is-error"), "true");
  let okTrailer: Headers | undefined;
  await single(new Closer()).process_single_data(createDataRequest({ endpoint: "/tag", docs: docs("a") }), {
    onTrailer: (t) => (okTrailer = t),
  });
  assert.is(okTrailer?.get("is-error"), null);
});

test("handleDataRequest works without a transport and passes the signal", async () => {
  let seen: AbortSignal | undefined;
  class Watcher extends Executor {
    @requests()
    watch({ signal }: HandlerArgs) {
      seen = signal;
    }
  }
  const controller = new AbortController();
  const response = await handleDataRequest(new Watcher(), createDataRequest({ endpoint: "/x", docs: docs("a") }), controller.signal);
  assert.equal(docsOf(response).texts, ["a"]);
  assert.is(seen, controller.signal);
});

test("async handlers are awaited; the dry-run endpoint is a no-op", async () => {
  class Slow extends Executor {
    @requests()
    async slow({ docs }: HandlerArgs) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const doc of docs) doc.text = "slow";
    }
  }
  const client = single(new Slow());
  assert.equal(docsOf(await client.process_single_data(createDataRequest({ endpoint: "/x", docs: docs("a") }))).texts, ["slow"]);
  assert.equal(docsOf(await client.process_single_data(createDataRequest({ endpoint: "_jina_dry_run_", docs: docs("a") }))).texts, ["a"]);
});

test("Call (bidi, in memory) answers every request in order", async () => {
  const client = createClient(JinaRPC, createExecutorTransport(new Upper()));
  async function* input() {
    for (const text of ["x", "y", "z"]) yield createDataRequest({ endpoint: "/index", docs: docs(text) });
  }
  const texts: string[] = [];
  for await (const response of client.call(input())) texts.push(...docsOf(response).texts.map(String));
  assert.equal(texts, ["X", "Y", "Z"]);
});

test("process_data: docs are all parts concatenated, docsMatrix one per part, docsMap by last route executor", async () => {
  let seen: HandlerArgs | undefined;
  class Joiner extends Executor {
    @requests()
    join(args: HandlerArgs) {
      seen = args;
      for (const doc of args.docs) doc.tags = { ...doc.tags, joined: true };
    }
  }
  const part = (executor: string, ...texts: string[]) => {
    const request = createDataRequest({ endpoint: "/join", docs: new DocumentArray(texts.map((text) => ({ id: `${executor}-${text}`, text }))) });
    request.routes.push(create(RouteProtoSchema, { executor: "gateway" }), create(RouteProtoSchema, { executor }));
    return request;
  };
  const client = createClient(JinaDataRequestRPC, createExecutorTransport(new Joiner()));
  const response = await client.process_data(create(DataRequestListProtoSchema, { requests: [part("a", "1", "2"), part("b", "3")] }));
  assert.equal(seen?.docs.ids, ["a-1", "a-2", "b-3"]);
  assert.equal(seen?.docsMatrix?.map((m) => m.ids), [["a-1", "a-2"], ["b-3"]]);
  assert.equal(Object.keys(seen?.docsMap ?? {}).sort(), ["a", "b"]);
  assert.equal(seen?.docsMap?.b?.ids, ["b-3"]);
  assert.equal(docsOf(response).ids, ["a-1", "a-2", "b-3"]);
  assert.ok(docsOf(response).map((doc) => doc.tags.joined).every(Boolean));
});

test("process_data with one part, or only empty parts, gives no docsMatrix/docsMap", async () => {
  const calls: HandlerArgs[] = [];
  class Probe extends Executor {
    @requests()
    probe(args: HandlerArgs) {
      calls.push(args);
    }
  }
  const client = createClient(JinaDataRequestRPC, createExecutorTransport(new Probe()));
  await client.process_data(create(DataRequestListProtoSchema, { requests: [createDataRequest({ endpoint: "/p", docs: docs("a") })] }));
  await client.process_data(create(DataRequestListProtoSchema, { requests: [createDataRequest({ endpoint: "/p" }), createDataRequest({ endpoint: "/p" })] }));
  assert.is(calls.length, 2);
  assert.is(calls[0]?.docsMatrix, undefined);
  assert.is(calls[1]?.docsMatrix, undefined);
  assert.is(calls[1]?.docsMap, undefined);
});

test("process_data with no parts is INVALID_ARGUMENT", async () => {
  const client = createClient(JinaDataRequestRPC, createExecutorTransport(new Upper()));
  try {
    await client.process_data(create(DataRequestListProtoSchema, { requests: [] }));
    assert.unreachable();
  } catch (error) {
    assert.match(String(error), /invalid_argument/);
  }
});

test.run();
