import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Client } from "../../client/mod.ts";
import { Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway, type Gateway, type GatewayOptions } from "../../gateway/mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import type { Server } from "../../runtime/mod.ts";
import { rejection } from "../_setup.ts";
import { closedPort, type Fake, fakeExecutor, sleep } from "../gateway/fakes.ts";

const numbered = (n: number, tags: (i: number) => Record<string, number | boolean> = () => ({})) =>
  new DocumentArray(Array.from({ length: n }, (_, i) => new Document({ id: `doc-${i}`, text: `t${i}`, tags: tags(i) })));

/** Tags docs with what it saw; `delayMs` delays, `fail` fails in-band, `/slow` waits for the abort. */
function tagger(record: { inFlight: number; max: number; aborted: number } = { inFlight: 0, max: 0, aborted: 0 }): Fake {
  return fakeExecutor("tagger", async ({ docs, parameters, endpoint, signal }) => {
    record.max = Math.max(record.max, ++record.inFlight);
    try {
      if (endpoint === "/slow") {
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        record.aborted++;
        return;
      }
      const delay = Math.max(0, ...docs.map((doc) => (typeof doc.tags.delayMs === "number" ? doc.tags.delayMs : 0)));
      if (delay) await sleep(delay, signal);
      if (docs.map((doc) => doc.tags.fail === true).some(Boolean)) throw new RangeError(`cannot handle ${docs.length} docs`);
      for (const doc of docs) doc.tags = { ...doc.tags, endpoint: endpoint ?? "", parameters, batchSize: docs.length };
    } finally {
      record.inFlight--;
    }
  });
}

interface Served extends AsyncDisposable {
  gateway: Gateway;
  ws: Server;
  http: Server;
}

async function serveBoth(fake: Fake, options: Partial<GatewayOptions> = {}): Promise<Served> {
  const gateway = createGateway({
    graph: { "start-gateway": [fake.name], [fake.name]: ["end-gateway"] },
    deployments: [{ name: fake.name, shards: [[fake.transport]] }],
    ...options,
  });
  const ws = await gateway.serve({ protocol: "websocket", port: 0 });
  const http = await gateway.serve({ protocol: "http", port: 0 });
  return { gateway, ws, http, [Symbol.asyncDispose]: () => gateway.close() };
}

test("websocket: post() answers the same as http for the same request, in input order", async () => {
  await using served = await serveBoth(tagger());
  using ws = new Client({ port: served.ws.port, protocol: "websocket" });
  using http = new Client({ port: served.http.port, protocol: "http" });
  assert.is(ws.address, `ws://127.0.0.1:${served.ws.port}`);
  const docs = numbered(25, (i) => ({ delayMs: (i % 3) * 10 }));
  const options = { requestSize: 4, parameters: { limit: 2 } };
  const overWs = await ws.post("/search", docs, options);
  const overHttp = await http.post("/search", docs, options);
  assert.equal(overWs.map((doc) => doc.id), docs.map((doc) => doc.id));
  assert.equal(overWs.toJSON(), overHttp.toJSON());
  assert.equal(overWs.at(24)?.tags, { delayMs: 0, endpoint: "/search", parameters: { limit: 2 }, batchSize: 1 });
});

test("websocket: stream() yields in input order although answers finish out of order; prefetch bounds requests in flight", async () => {
  const record = { inFlight: 0, max: 0, aborted: 0 };
  await using served = await serveBoth(tagger(record));
  using client = new Client({ port: served.ws.port, protocol: "websocket" });
  const docs = numbered(8, (i) => ({ delayMs: (8 - i) * 10 }));
  const order: string[] = [];
  for await (const response of client.stream("/index", docs, { requestSize: 1, prefetch: 3 })) order.push(docsOf(response).at(0)!.id);
  assert.equal(order, docs.map((doc) => doc.id));
  assert.is(record.max, 3);
});

test("websocket: in-band errors reject post() naming the executor, or come back with continueOnError", async () => {
  await using served = await serveBoth(tagger());
  using client = new Client({ port: served.ws.port, protocol: "websocket" });
  const docs = numbered(3, (i) => (i === 1 ? { fail: true } : {}));
  const error = await rejection(client.post("/index", docs, { requestSize: 1 }));
  assert.match(error.message, /RangeError/);
  assert.match(error.message, /cannot handle 1 docs/);
  assert.match(error.message, /tagger/);
  const calls: string[] = [];
  const responses = await client.post("/index", docs, {
    requestSize: 1,
    continueOnError: true,
    returnResponses: true,
    onError: (r) => calls.push(`error ${r.header?.status?.exception?.name}`),
    onDone: () => calls.push("done"),
  });
  assert.equal(responses.map((r) => r.header?.status?.code ?? 0), [0, 1, 0]);
  assert.equal(calls, ["done", "error RangeError", "done"]);
});

test("websocket: an unreachable port rejects with Unavailable naming the ws:// address", async () => {
  const port = await closedPort();
  using client = new Client({ port, protocol: "websocket" });
  const error = await rejection(client.post("/index", numbered(1)));
  assert.is(error.code, ErrorCode.Unavailable);
  assert.match(error.message, `cannot reach the gateway at ws://127.0.0.1:${port}`);
  assert.is(await client.isFlowReady(), false);
});

test("websocket: an unreachable executor (socket closed with 1011) rejects with Unavailable and the gateway's reason", async () => {
  const gateway = createGateway({
    graph: { "start-gateway": ["ghost"], ghost: ["end-gateway"] },
    deployments: [{ name: "ghost", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 }],
  });
  try {
    const server = await gateway.serve({ protocol: "websocket", port: 0 });
    using client = new Client({ port: server.port, protocol: "websocket" });
    const error = await rejection(client.post("/index", numbered(2)));
    assert.is(error.code, ErrorCode.Unavailable);
    assert.match(error.message, /closed the connection with 1011: .*ghost/);
  } finally {
    await gateway.close();
  }
});

test("websocket: aborting the signal rejects with Canceled and aborts the executor's handler; close() cancels too", async () => {
  const record = { inFlight: 0, max: 0, aborted: 0 };
  await using served = await serveBoth(tagger(record));
  using client = new Client({ port: served.ws.port, protocol: "websocket" });
  const controller = new AbortController();
  const pending = rejection(client.post("/slow", numbered(2), { requestSize: 1, signal: controller.signal }));
  for (let i = 0; i < 500 && record.inFlight < 2; i++) await sleep(10);
  controller.abort();
  const error = await pending;
  assert.is(error.code, ErrorCode.Canceled);
  assert.match(error.message, /aborted/);
  for (let i = 0; i < 500 && record.aborted < 2; i++) await sleep(10);
  assert.is(record.aborted, 2, "both handlers saw their signal fire");

  const closing = rejection(client.post("/slow", numbered(1)));
  for (let i = 0; i < 500 && record.inFlight < 1; i++) await sleep(10);
  client.close();
  const closed = await closing;
  assert.is(closed.code, ErrorCode.Canceled);
  assert.match(closed.message, /closed/);
  assert.is((await client.post("/index", numbered(1))).length, 1, "the client reconnects after close()");
});

test("websocket: an error thrown by the inputs generator rejects post() with that error", async () => {
  await using served = await serveBoth(tagger());
  using client = new Client({ port: served.ws.port, protocol: "websocket" });
  function* inputs() {
    for (let i = 0; i < 5; i++) yield { text: `t${i}` };
    throw new TypeError("the source broke");
  }
  try {
    await client.post("/index", inputs(), { requestSize: 2 });
    assert.unreachable("post should reject");
  } catch (error) {
    assert.instance(error, TypeError);
    assert.is((error as Error).message, "the source broke");
  }
});

test("websocket: dryRun and isFlowReady over ws /dry_run", async () => {
  await using ready = await serveBoth(tagger());
  await using broken = await serveBoth(
    fakeExecutor("broken", () => {
      throw new Error("not ready");
    }),
  );
  using readyClient = new Client({ port: ready.ws.port, protocol: "websocket" });
  using brokenClient = new Client({ port: broken.ws.port, protocol: "websocket" });
  assert.is((await readyClient.dryRun()).code, 0);
  assert.is(await readyClient.isFlowReady(), true);
  const status = await brokenClient.dryRun();
  assert.is(status.code, 1);
  assert.is(status.exception?.executor, "broken");
  assert.is(await brokenClient.isFlowReady(), false);
});

test.run();
