import { test } from "../_uvu.ts";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import * as assert from "uvu/assert";
import { Code, ConnectError } from "@connectrpc/connect";
import { Client } from "../../client/mod.ts";
import { serveGrpc } from "../../runtime/mod.ts";
import { Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import type { DataRequestProto } from "../../proto/gen/jina_pb.ts";
import { assertUnclosedClientExits } from "./fixtures/unclosed.ts";
import { freePort, startGrpcGateway } from "./fixtures/fake-gateways.ts";

const numbered = (n: number, tags: (i: number) => Record<string, number | boolean> = () => ({})) =>
  new DocumentArray(Array.from({ length: n }, (_, i) => new Document({ id: `doc-${i}`, tags: tags(i) })));

test("grpc: 250 docs with requestSize 100 go as 3 requests on one stream, results in input order", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  const result = await client.post("/index", numbered(250), { requestSize: 100 });
  assert.equal(gateway.seen.requests.map((request) => docsOf(request).length), [100, 100, 50]);
  assert.is(gateway.seen.headers.length, 1, "one JinaRPC/Call stream");
  assert.is(gateway.seen.headers[0]?.get("__results_in_order__"), "true");
  assert.is(gateway.seen.headers[0]?.get("__prefetch__"), "1000");
  assert.is(result.length, 250);
  assert.equal(result.map((doc) => doc.id), numbered(250).map((doc) => doc.id));
  assert.equal(result.map((doc) => doc.tags.batchSize).slice(198, 202), [100, 100, 50, 50]);
});

test("grpc: execEndpoint, parameters and targetExecutor reach the gateway on every request", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ host: "127.0.0.1", port: gateway.port, protocol: "grpc" });
  const result = await client.post("/search", [{ text: "a" }, new Document({ text: "b" }), { text: "c" }], {
    requestSize: 2,
    parameters: { limit: 3, nested: { on: true } },
    targetExecutor: "enc.*",
  });
  assert.is(gateway.seen.requests.length, 2);
  for (const request of gateway.seen.requests) {
    assert.is(request.header?.execEndpoint, "/search");
    assert.is(request.header?.targetExecutor, "enc.*");
    assert.equal(request.parameters, { limit: 3, nested: { on: true } });
  }
  assert.equal(result.texts, ["a", "b", "c"]);
  assert.equal(result.at(2)?.tags, { endpoint: "/search", target: "enc.*", parameters: { limit: 3, nested: { on: true } }, batchSize: 1 });
});

test("grpc: responses the gateway sends out of order are put back in input order (also for callbacks)", async () => {
  await using gateway = await startGrpcGateway({ reverse: 5 });
  using client = new Client({ port: gateway.port });
  const order: string[] = [];
  const result = await client.post("/index", numbered(5), { requestSize: 1, onAlways: (r) => order.push(docsOf(r).at(0)!.id) });
  assert.equal(result.map((doc) => doc.id), ["doc-0", "doc-1", "doc-2", "doc-3", "doc-4"]);
  assert.equal(order, ["doc-0", "doc-1", "doc-2", "doc-3", "doc-4"]);
});

test("grpc: onDone, onError and onAlways with continueOnError: the error is reported and all docs come back", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  const done: number[] = [];
  const errors: string[] = [];
  let always = 0;
  const docs = numbered(6, (i) => (i === 2 ? { fail: true } : {}));
  const result = await client.post("/index", docs, {
    requestSize: 2,
    continueOnError: true,
    onDone: (r) => done.push(docsOf(r).length),
    onError: (r) => errors.push(r.header?.status?.exception?.name ?? ""),
    onAlways: () => always++,
  });
  assert.equal(done, [2, 2]);
  assert.equal(errors, ["RangeError"]);
  assert.is(always, 3);
  assert.equal(result.map((doc) => doc.id), docs.map((doc) => doc.id));
});

test("grpc: an in-band error rejects post() naming the exception, its message and the executor", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  try {
    await client.post("/fail", numbered(2, () => ({ fail: true })));
    assert.unreachable("post should reject");
  } catch (error) {
    assert.instance(error, JinaError);
    const jinaError = error as JinaError;
    assert.match(jinaError.message, 'RangeError("cannot handle 2 docs") in executor "thrower"');
    assert.match(jinaError.message, '"/fail"');
    assert.is(jinaError.executor, "thrower");
    assert.is(jinaError.code, ErrorCode.Internal);
  }
  const ok = await client.post("/ok", numbered(1));
  assert.is(ok.at(0)?.tags.endpoint, "/ok", "the client serves on after an error");
});

test("grpc: returnResponses resolves with every response, the failed one with its in-band status", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  const responses: DataRequestProto[] = await client.post("/index", numbered(3, (i) => (i === 1 ? { fail: true } : {})), {
    requestSize: 1,
    returnResponses: true,
    continueOnError: true,
  });
  assert.is(responses.length, 3);
  assert.equal(responses.map((r) => r.header?.status?.code ?? 0), [0, 1, 0]);
  assert.equal(responses[1]?.header?.status?.exception?.args, ["cannot handle 1 docs"]);
  assert.equal(responses.map((r) => docsOf(r).at(0)?.id), ["doc-0", "doc-1", "doc-2"]);
});

test("grpc: onError without continueOnError handles the error as Jina's callback_exec does (no rejection)", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  let errors = 0;
  const result = await client.post("/index", numbered(2, () => ({ fail: true })), { onError: () => errors++ });
  assert.is(errors, 1);
  assert.is(result.length, 2);
});

test("grpc: at most `prefetch` requests are unanswered at the gateway", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  const result = await client.post("/index", numbered(20), { requestSize: 1, prefetch: 2 });
  assert.is(result.length, 20);
  assert.is(gateway.seen.requests.length, 20);
  assert.ok(gateway.seen.maxOutstanding <= 2, `saw ${gateway.seen.maxOutstanding} in flight`);
});

test("grpc: 6 posts of 3 MB at once to a gateway slow to read them all answer (over 10 MB waits on the client's session)", async () => {
  // A client session's default memory bound (10 MB in node:http2, counting what waits to be sent) made Node reset
  // all six calls as their answers began (ENHANCE_YOUR_CALM). The gateway here reads nothing for a second, then
  // echoes each Call's requests (raw node:http2: it honours flow control, as a busy gateway does).
  const server = http2.createServer({ maxSessionMemory: 1024 }, (request, response) => {
    request.pause();
    setTimeout(() => {
      response.writeHead(200, { "content-type": "application/grpc" });
      request.on("data", (chunk: Buffer) => response.write(chunk));
      request.on("end", () => {
        response.addTrailers({ "grpc-status": "0" });
        response.end();
      });
      request.resume();
    }, 1000);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    using client = new Client({ port: (server.address() as AddressInfo).port });
    const batch = (n: number) => new DocumentArray(Array.from({ length: 1000 }, (_, i) => new Document({ id: `${n}-${i}`, embedding: new Float32Array(768).fill(n) })));
    const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => client.post("/index", batch(n), { requestSize: 1000 })));
    assert.equal(answers.map((docs) => docs.length), Array(6).fill(1000));
    assert.equal(answers.map((docs) => docs.at(999)?.id), Array.from({ length: 6 }, (_, n) => `${n}-999`));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("grpc: 400 posts at once on a new Client to a gateway allowing 256 streams all answer", async () => {
  // Bun's node:http2 opened all 400 streams before the gateway's SETTINGS came: 144 were refused, and a gateway on
  // Bun then closed the session (ENHANCE_YOUR_CALM), failing every post.
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => client.post("/index", numbered(1)).then((docs) => docs.length, (error) => String(error))));
  assert.equal(answers, Array(400).fill(1));
});

test("grpc: after the gateway restarts on its port, 400 posts at once on the same Client all answer (a new session)", async () => {
  // The opening gate opens again for the new session: on Bun all 400 failed without it.
  const first = await startGrpcGateway();
  const port = first.port;
  using client = new Client({ port });
  const burst = () => Promise.all(Array.from({ length: 400 }, (_, i) => client.post("/index", numbered(1)).then((docs) => docs.length, (error) => `${i}: ${error}`)));
  assert.equal(await burst(), Array(400).fill(1));
  await first.close();
  await using again = await startGrpcGateway({ port });
  assert.equal(await burst(), Array(400).fill(1));
});

test("grpc: an unreachable port rejects with Unavailable naming the address", async () => {
  const port = await freePort();
  using client = new Client({ port });
  try {
    await client.post("/index", numbered(1));
    assert.unreachable("post should reject");
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.Unavailable);
    assert.match((error as Error).message, `cannot reach the gateway at grpc://127.0.0.1:${port}`);
  }
  assert.is(await client.isFlowReady(), false);
});

test("grpc: aborting the signal rejects with Canceled and stops the call", async () => {
  const controller = new AbortController();
  await using gateway = await startGrpcGateway({ onRequest: () => controller.abort() });
  using client = new Client({ port: gateway.port });
  try {
    await client.post("/slow", numbered(3), { requestSize: 1, signal: controller.signal });
    assert.unreachable("post should reject");
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.Canceled);
    assert.match((error as Error).message, /aborted/);
  }
  const again = new AbortController();
  again.abort();
  await client.post("/index", numbered(1), { signal: again.signal }).then(
    () => assert.unreachable("an aborted signal rejects at once"),
    (error) => assert.is((error as JinaError).code, ErrorCode.Canceled),
  );
  const timeout = await client.post("/slow", numbered(1), { signal: AbortSignal.timeout(50) }).then(() => undefined, (error: JinaError) => error);
  assert.is(timeout?.code, ErrorCode.DeadlineExceeded);
});

test("grpc: a status the gateway ends the call with rejects post() with its code and message; so does an HTTP 404", async () => {
  await using gateway = await startGrpcGateway({
    onRequest: (request) => {
      if (request.header?.execEndpoint === "/refuse") throw new ConnectError("too many documents: at most 10", Code.ResourceExhausted);
    },
  });
  using client = new Client({ port: gateway.port });
  const error = await client.post("/refuse", numbered(1)).then(() => undefined, (reason: JinaError) => reason);
  assert.instance(error, JinaError);
  assert.is(error!.code, ErrorCode.ResourceExhausted);
  assert.match(error!.message, "too many documents: at most 10");
  assert.is((await client.post("/index", numbered(2))).length, 2, "the next post on the same connection works");
  await using notAGateway = await serveGrpc({ routes: () => {} });
  using lost = new Client({ port: notAGateway.port });
  const notFound = await lost.post("/index", numbered(1)).then(() => undefined, (reason: JinaError) => reason);
  assert.is(notFound?.code, ErrorCode.Unimplemented);
  assert.match(notFound!.message, "HTTP 404 without a gRPC status: is this the gateway's gRPC port?");
});

test("grpc: a Client that is never closed does not keep its process alive once its post is answered", async () => {
  await using gateway = await startGrpcGateway();
  await assertUnclosedClientExits("grpc", gateway.port);
});

test("grpc: dryRun and isFlowReady", async () => {
  await using ready = await startGrpcGateway();
  await using broken = await startGrpcGateway({ dryRunError: true });
  using readyClient = new Client({ port: ready.port });
  using brokenClient = new Client({ port: broken.port });
  assert.is((await readyClient.dryRun()).code, 0);
  assert.is(await readyClient.isFlowReady(), true);
  const status = await brokenClient.dryRun();
  assert.is(status.code, 1);
  assert.is(status.exception?.executor, "broken");
  assert.is(await brokenClient.isFlowReady(), false);
});

test("grpc: no inputs send one request without docs; an empty array sends none", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  const result = await client.post("/status", undefined, { parameters: { ping: true } });
  assert.is(result.length, 0);
  assert.is(gateway.seen.requests.length, 1);
  assert.equal(gateway.seen.requests[0]?.parameters, { ping: true });
  assert.is((await client.post("/index", [])).length, 0);
  assert.is(gateway.seen.requests.length, 1);
});

test("grpc: an error thrown by the inputs generator rejects post() with that error", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
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

test("grpc: CRUD shortcuts post to /index, /search, /update and /delete; close() then reuse reconnects", async () => {
  await using gateway = await startGrpcGateway();
  const client = new Client({ port: gateway.port });
  assert.is((await client.index([{ text: "a" }])).at(0)?.tags.endpoint, "/index");
  assert.is((await client.search([{ text: "a" }])).at(0)?.tags.endpoint, "/search");
  client.close();
  assert.is((await client.update([{ text: "a" }])).at(0)?.tags.endpoint, "/update");
  const responses = await client.delete([{ text: "a" }], { returnResponses: true });
  assert.is(responses[0]?.header?.execEndpoint, "/delete");
  client.close();
  assert.equal(gateway.seen.requests.map((r) => r.header?.execEndpoint), ["/index", "/search", "/update", "/delete"]);
});

test("grpc: stream() yields responses one by one in input order", async () => {
  await using gateway = await startGrpcGateway();
  using client = new Client({ port: gateway.port });
  const sizes: number[] = [];
  for await (const response of client.stream("/index", numbered(5), { requestSize: 2 })) sizes.push(docsOf(response).length);
  assert.equal(sizes, [2, 2, 1]);
});

test.run();
