import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway, type GatewayDeployment } from "../../gateway/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { StatusProto_StatusCode } from "../../proto/gen/jina_pb.ts";
import { closedPort, type Fake, fakeExecutor, recordingLogger, sleep } from "./fakes.ts";

const deploymentsOf = (...fakes: Fake[]): GatewayDeployment[] => fakes.map((fake) => ({ name: fake.name, shards: [[fake.transport]] }));
const request = (endpoint = "/index", extra: { parameters?: Record<string, never> | object; targetExecutor?: string } = {}) =>
  createDataRequest({
    endpoint,
    docs: new DocumentArray(["hello", "world"].map((text, i) => new Document({ id: `d${i}`, text }))),
    ...(extra as object),
  });
const routeNames = (response: { routes: { executor: string }[] }) => response.routes.map((route) => route.executor);

test("a chain: each executor sees the previous one's docs, with the endpoint as metadata; routes list gateway then both", async () => {
  const a = fakeExecutor("a", ({ docs }) => {
    for (const doc of docs) doc.tags = { a: true };
  });
  const b = fakeExecutor("b", ({ docs }) => {
    for (const doc of docs) doc.text = `${doc.text}!${doc.tags.a ? "a" : "-"}`;
  });
  const gateway = createGateway({ graph: { "start-gateway": ["a"], a: ["b"], b: ["end-gateway"] }, deployments: deploymentsOf(a, b) });
  try {
    const input = request("/index");
    const response = await gateway.handle(input);
    assert.equal(docsOf(response).texts, ["hello!a", "world!a"]);
    assert.is(a.calls[0]?.endpoint, "/index");
    assert.is(b.calls[0]?.endpoint, "/index");
    assert.is(response.header?.requestId, input.header?.requestId);
    assert.is(response.header?.execEndpoint, "/index");
    assert.equal(routeNames(response), ["gateway", "a", "b"]);
    for (const route of response.routes) {
      assert.ok(route.startTime && route.endTime, `${route.executor} has start and end times`);
      assert.ok(Number(route.endTime.seconds) * 1e9 + route.endTime.nanos >= Number(route.startTime.seconds) * 1e9 + route.startTime.nanos);
    }
    assert.is(response.routes[1]?.status?.code ?? 0, StatusProto_StatusCode.SUCCESS);
    assert.is(input.routes.length, 0, "the caller's request is not changed");
  } finally {
    await gateway.close();
  }
});

test("a diamond reduces both branches by id: fields set in either, matches of both, the first part's tags win", async () => {
  const encoder = fakeExecutor("encoder", ({ docs }) => {
    for (const doc of docs) doc.embedding = new Float32Array([doc.text?.length ?? 0, 1]);
  });
  const a = fakeExecutor("a", ({ docs }) => {
    for (const doc of docs) {
      doc.tags = { from: "a" };
      doc.matches.push({ id: `a-${doc.id}` });
    }
  });
  const b = fakeExecutor("b", async ({ docs }) => {
    await sleep(20);
    for (const doc of docs) {
      doc.tags = { from: "b" };
      doc.modality = "text";
      doc.matches.push({ id: `b-${doc.id}` });
    }
  });
  const joiner = fakeExecutor("joiner", ({ docs }) => {
    for (const doc of docs) doc.tags = { ...doc.tags, joined: true };
  });
  const gateway = createGateway({
    graph: { "start-gateway": ["encoder"], encoder: ["a", "b"], a: ["joiner"], b: ["joiner"], joiner: ["end-gateway"] },
    deployments: deploymentsOf(encoder, a, b, joiner),
  });
  try {
    const response = await gateway.handle(request());
    const docs = docsOf(response);
    assert.is(joiner.calls.length, 1, "the joiner runs once, after both parts arrived");
    assert.equal(docs.ids, ["d0", "d1"]);
    const first = docs.at(0)!;
    assert.equal(first.tags, { from: "a", joined: true });
    assert.is(first.modality, "text");
    assert.equal(first.embedding?.toList(), [5, 1]);
    assert.equal(first.matches.ids, ["a-d0", "b-d0"]);
    assert.equal(routeNames(response).slice(0, 2), ["gateway", "encoder"]);
    assert.equal(routeNames(response).slice(2, 4).sort(), ["a", "b"]);
    assert.is(routeNames(response)[4], "joiner");
  } finally {
    await gateway.close();
  }
});

test("a floating node is fired but not awaited; its error is logged, not returned", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const main = fakeExecutor("main", ({ docs }) => {
    for (const doc of docs) doc.tags = { main: true };
  });
  const floating = fakeExecutor("floating", async () => {
    await gate;
    throw new TypeError("the archive is full");
  });
  const logger = recordingLogger();
  const gateway = createGateway({
    graph: { "start-gateway": ["main", "floating"], main: ["end-gateway"], floating: [] },
    deployments: deploymentsOf(main, floating),
    logger,
  });
  try {
    const response = await gateway.handle(request());
    assert.is(response.header?.status?.code ?? 0, StatusProto_StatusCode.SUCCESS, "the floating node's error is not returned");
    assert.equal(routeNames(response), ["gateway", "main"]);
    assert.is(floating.calls.length, 1, "the floating node was called");
    assert.equal(logger.warnings, [], "and it has not finished: the response did not wait for it");
    release();
  } finally {
    await gateway.close();
  }
  assert.is(logger.warnings.length, 1);
  assert.match(logger.warnings[0]!, /Floating deployment "floating" answered with an error/);
  assert.match(logger.warnings[0]!, /the archive is full/);
});

test("a floating node that cannot be reached is logged, and the response is unaffected", async () => {
  const main = fakeExecutor("main");
  const logger = recordingLogger();
  const gateway = createGateway({
    graph: { "start-gateway": ["main", "ghost"], main: ["end-gateway"], ghost: [] },
    deployments: [...deploymentsOf(main), { name: "ghost", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 }],
    logger,
  });
  try {
    const response = await gateway.handle(request());
    assert.is(docsOf(response).length, 2);
  } finally {
    await gateway.close();
  }
  assert.is(logger.warnings.length, 1);
  assert.match(logger.warnings[0]!, /Floating deployment "ghost" failed: .*unavailable/);
});

test("an executor error comes back in-band and stops the nodes after it", async () => {
  const a = fakeExecutor("a", ({ docs }) => {
    throw new RangeError(`cannot handle ${docs.length} docs`);
  });
  const b = fakeExecutor("b");
  const gateway = createGateway({ graph: { "start-gateway": ["a"], a: ["b"], b: ["end-gateway"] }, deployments: deploymentsOf(a, b) });
  try {
    const response = await gateway.handle(request());
    const status = response.header?.status;
    assert.is(status?.code, StatusProto_StatusCode.ERROR);
    assert.is(status?.exception?.name, "RangeError");
    assert.equal(status?.exception?.args, ["cannot handle 2 docs"]);
    assert.is(status?.exception?.executor, "a");
    assert.is(b.calls.length, 0, "b is not called after a failed");
    assert.equal(routeNames(response), ["gateway", "a"]);
    assert.is(response.routes[1]?.status?.code, StatusProto_StatusCode.ERROR);
  } finally {
    await gateway.close();
  }
});

test("an error in one branch of a diamond stops the joiner and is returned", async () => {
  const a = fakeExecutor("a", () => {
    throw new Error("branch a broke");
  });
  const b = fakeExecutor("b");
  const joiner = fakeExecutor("joiner");
  const gateway = createGateway({
    graph: { "start-gateway": ["a", "b"], a: ["joiner"], b: ["joiner"], joiner: ["end-gateway"] },
    deployments: deploymentsOf(a, b, joiner),
  });
  try {
    const response = await gateway.handle(request());
    assert.is(response.header?.status?.exception?.executor, "a");
    assert.is(joiner.calls.length, 0);
  } finally {
    await gateway.close();
  }
});

test("a network error rejects with a JinaError naming the deployment, and later nodes are not called", async () => {
  const b = fakeExecutor("b");
  const gateway = createGateway({
    graph: { "start-gateway": ["a"], a: ["b"], b: ["end-gateway"] },
    deployments: [{ name: "a", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 }, ...deploymentsOf(b)],
  });
  try {
    await gateway.handle(request());
    assert.unreachable("should reject");
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.Unavailable);
    assert.match((error as Error).message, /Deployment "a" is unavailable/);
    assert.is(b.calls.length, 0);
  } finally {
    await gateway.close();
  }
});

test("targetExecutor is a regex matched at the start of node names; other nodes pass the request through", async () => {
  const fakes = ["encoder", "ranker", "re-encoder"].map((name) =>
    fakeExecutor(name, ({ docs }) => {
      for (const doc of docs) doc.tags = { ...doc.tags, [name]: true };
    })
  );
  const gateway = createGateway({
    graph: { "start-gateway": ["encoder"], encoder: ["ranker"], ranker: ["re-encoder"], "re-encoder": ["end-gateway"] },
    deployments: deploymentsOf(...fakes),
  });
  try {
    const response = await gateway.handle(request("/index", { targetExecutor: "enc|rank" }));
    assert.equal(docsOf(response).at(0)?.tags, { encoder: true, ranker: true });
    assert.equal(fakes.map((fake) => fake.calls.length), [1, 1, 0]);
    assert.equal(routeNames(response), ["gateway", "encoder", "ranker"]);
    assert.is(fakes[0]!.calls[0]!.request.header?.targetExecutor, undefined, "the target is not forwarded to executors");
    try {
      await gateway.handle(request("/index", { targetExecutor: "(" }));
      assert.unreachable("an invalid regex should reject");
    } catch (error) {
      assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
      assert.match((error as Error).message, /targetExecutor "\(" is not a valid regular expression/);
    }
  } finally {
    await gateway.close();
  }
});

test("executor-specific parameters reach only their executor, and the original ones are restored after each node", async () => {
  const a = fakeExecutor("a", ({ parameters }) => ({ seen: parameters }));
  const b = fakeExecutor("b", ({ parameters }) => ({ seen: parameters }));
  const gateway = createGateway({ graph: { "start-gateway": ["a"], a: ["b"], b: ["end-gateway"] }, deployments: deploymentsOf(a, b) });
  try {
    const parameters = { top_k: 3, a__top_k: 1, b__mode: "fast", b: { device: "cpu" }, __hidden__: 1 };
    const response = await gateway.handle(request("/search", { parameters }));
    const seenByA = a.calls[0]!.parameters;
    const seenByB = b.calls[0]!.parameters;
    assert.equal({ ...seenByA }, { top_k: 1, b: { device: "cpu" }, __hidden__: 1 });
    assert.equal(
      Object.fromEntries(Object.entries(seenByB).filter(([key]) => key !== "__results__")),
      { top_k: 3, mode: "fast", b: { device: "cpu" }, device: "cpu", __hidden__: 1 },
    );
    assert.equal((seenByB.__results__ as Record<string, unknown>).a, { seen: seenByA }, "b sees a's results");
    const { __results__, ...rest } = response.parameters ?? {};
    assert.equal(rest, parameters, "the client's parameters come back as sent");
    assert.equal(Object.keys(__results__ as object).sort(), ["a", "b"]);
  } finally {
    await gateway.close();
  }
});

test("__results__ of parallel branches are merged at the join and returned", async () => {
  const a = fakeExecutor("a", ({ docs }) => ({ count: docs.length }));
  const b = fakeExecutor("b", () => ({ ok: true }));
  const joiner = fakeExecutor("joiner", ({ parameters }) => {
    assert.equal(Object.keys(parameters.__results__ as object).sort(), ["a", "b"]);
  });
  const gateway = createGateway({
    graph: { "start-gateway": ["a", "b"], a: ["joiner"], b: ["joiner"], joiner: ["end-gateway"] },
    deployments: deploymentsOf(a, b, joiner),
  });
  try {
    const response = await gateway.handle(request("/index", { parameters: { __results__: { earlier: { x: 1 } } } }));
    assert.equal(response.parameters?.__results__, { earlier: { x: 1 }, a: { count: 2 }, b: { ok: true } });
    assert.is(joiner.calls.length, 1);
  } finally {
    await gateway.close();
  }
});

test("aborting the caller's signal cancels the executor call and rejects with Canceled", async () => {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let executorAborted = false;
  const slow = fakeExecutor("slow", async ({ signal }) => {
    started();
    await sleep(10_000, signal);
    executorAborted = signal.aborted;
  });
  const gateway = createGateway({ graph: { "start-gateway": ["slow"], slow: ["end-gateway"] }, deployments: deploymentsOf(slow) });
  try {
    const controller = new AbortController();
    const pending = gateway.handle(request(), controller.signal);
    await running;
    controller.abort();
    try {
      await pending;
      assert.unreachable("should reject");
    } catch (error) {
      assert.is((error as JinaError).code, ErrorCode.Canceled);
    }
    for (let i = 0; i < 50 && !executorAborted; i++) await sleep(10);
    assert.ok(executorAborted, "the executor saw the abort");
  } finally {
    await gateway.close();
  }
});

test("50 requests in flight on one signal (a gRPC Call stream's) add one abort listener to it, not 50, and an abort still cancels them all", async () => {
  let entered = 0;
  const slow = fakeExecutor("slow", async ({ signal }) => {
    entered++;
    await sleep(10_000, signal);
  });
  const gateway = createGateway({ graph: { "start-gateway": ["slow"], slow: ["end-gateway"] }, deployments: deploymentsOf(slow) });
  try {
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((type: string, ...rest: [EventListenerOrEventListenerObject, AddEventListenerOptions?]) => {
      if (type === "abort") listeners++;
      add(type, ...rest);
    }) as typeof controller.signal.addEventListener;
    const pending = Array.from({ length: 50 }, () => gateway.handle(request(), controller.signal).then(() => undefined, (error: JinaError) => error.code));
    for (let i = 0; i < 200 && entered < 50; i++) await sleep(10);
    assert.is(entered, 50);
    assert.is(listeners, 1, "one listener on the shared signal (Node warns past 10)");
    controller.abort();
    assert.equal(new Set(await Promise.all(pending)), new Set([ErrorCode.Canceled]));
  } finally {
    await gateway.close();
  }
});

test("start-gateway straight to end-gateway echoes the request with the gateway route", async () => {
  const gateway = createGateway({ graph: { "start-gateway": ["end-gateway"] }, deployments: [] });
  try {
    const response = await gateway.handle(request());
    assert.equal(docsOf(response).texts, ["hello", "world"]);
    assert.equal(routeNames(response), ["gateway"]);
  } finally {
    await gateway.close();
  }
});

test("docs_bytes (a Python pickle in Jina) is rejected with InvalidArgument before any executor is called", async () => {
  const a = fakeExecutor("a");
  const gateway = createGateway({ graph: { "start-gateway": ["a"], a: ["end-gateway"] }, deployments: deploymentsOf(a) });
  try {
    const pickled = request();
    pickled.data!.documents = { case: "docsBytes", value: new Uint8Array([0x80, 0x04]) };
    try {
      await gateway.handle(pickled);
      assert.unreachable("should reject");
    } catch (error) {
      assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
      assert.match((error as Error).message, /docs_?[bB]ytes/);
    }
    assert.is(a.calls.length, 0);
  } finally {
    await gateway.close();
  }
});

test("createGateway rejects a graph node without a deployment, naming it", () => {
  assert.throws(
    () => createGateway({ graph: { "start-gateway": ["a"], a: ["end-gateway"] }, deployments: [] }),
    (error: Error) => error instanceof JinaError && /The graph names "a" but no deployment has that name/.test(error.message),
  );
});

test.run();
