import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Client } from "../../client/mod.ts";
import { Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { assertUnclosedClientExits } from "./fixtures/unclosed.ts";
import { freePort, startHttpGateway } from "./fixtures/fake-gateways.ts";
import { rejection } from "../_setup.ts";

const numbered = (n: number, tags: (i: number) => Record<string, number | boolean> = () => ({})) =>
  new DocumentArray(Array.from({ length: n }, (_, i) => new Document({ id: `doc-${i}`, text: `t${i}`, tags: tags(i) })));


test("http: requestSize splits into one POST /post per request with Jina's body, results in input order", async () => {
  await using gateway = await startHttpGateway();
  using client = new Client({ port: gateway.port, protocol: "http" });
  const result = await client.post("/index", numbered(25), { requestSize: 10, parameters: { limit: 2 }, targetExecutor: "idx" });
  assert.is(gateway.seen.bodies.length, 3);
  const body = gateway.seen.bodies[0]!;
  assert.equal(Object.keys(body).sort(), ["data", "execEndpoint", "parameters", "targetExecutor"]);
  assert.is(body.execEndpoint, "/index");
  assert.is(body.targetExecutor, "idx");
  assert.equal(body.parameters, { limit: 2 });
  assert.ok(Array.isArray(body.data));
  assert.equal((body.data as { id: string }[]).map((doc) => doc.id).slice(0, 2), ["doc-0", "doc-1"]);
  assert.equal(gateway.seen.requests.map((request) => docsOf(request).length).sort(), [10, 10, 5]);
  assert.equal(result.map((doc) => doc.id), numbered(25).map((doc) => doc.id));
  assert.equal(result.at(24)?.tags, { endpoint: "/index", target: "idx", parameters: { limit: 2 }, batchSize: 5 });
});

test("http: requests run concurrently up to prefetch and are joined in input order even when they finish out of order", async () => {
  await using gateway = await startHttpGateway();
  using client = new Client({ port: gateway.port, protocol: "http" });
  const docs = numbered(6, (i) => ({ delayMs: (6 - i) * 15 }));
  const order: string[] = [];
  const result = await client.post("/index", docs, { requestSize: 1, prefetch: 3, onAlways: (r) => order.push(docsOf(r).at(0)!.id) });
  assert.equal(result.map((doc) => doc.id), docs.map((doc) => doc.id));
  assert.equal(order, docs.map((doc) => doc.id));
  assert.ok(gateway.seen.maxOutstanding <= 3, `saw ${gateway.seen.maxOutstanding} in flight`);
  assert.ok(gateway.seen.maxOutstanding >= 2, "requests overlapped");
});

test("http: callbacks and continueOnError; returnResponses gives every response", async () => {
  await using gateway = await startHttpGateway();
  using client = new Client({ port: gateway.port, protocol: "http" });
  const calls: string[] = [];
  const docs = numbered(3, (i) => (i === 1 ? { fail: true } : {}));
  const result = await client.post("/index", docs, {
    requestSize: 1,
    continueOnError: true,
    onDone: () => calls.push("done"),
    onError: (r) => calls.push(`error ${r.header?.status?.exception?.name}`),
    onAlways: () => calls.push("always"),
  });
  assert.equal(calls, ["done", "always", "error RangeError", "always", "done", "always"]);
  assert.equal(result.map((doc) => doc.id), ["doc-0", "doc-1", "doc-2"]);
  const responses = await client.post("/index", docs, { requestSize: 1, continueOnError: true, returnResponses: true });
  assert.equal(responses.map((r) => r.header?.status?.code ?? 0), [0, 1, 0]);
  assert.is(responses[1]?.header?.status?.exception?.executor, "thrower");
});

test("http: an in-band error rejects post() naming the exception, its message and the executor", async () => {
  await using gateway = await startHttpGateway();
  using client = new Client({ port: gateway.port, protocol: "http" });
  const error = await rejection(client.post("/fail", numbered(2, () => ({ fail: true }))));
  assert.match(error.message, 'RangeError("cannot handle 2 docs") in executor "thrower"');
  assert.is(error.executor, "thrower");
});

test("http: error statuses map back to codes with the server's message", async () => {
  await using gateway = await startHttpGateway();
  using client = new Client({ port: gateway.port, protocol: "http" });
  const bad = await rejection(client.post("/bad", numbered(1)));
  assert.is(bad.code, ErrorCode.InvalidArgument);
  assert.is(bad.httpStatus, 400);
  assert.match(bad.message, 'field "data" must be a list of documents');
  assert.match(bad.message, `http://127.0.0.1:${gateway.port}`);
  const down = await rejection(client.post("/down", numbered(1)));
  assert.is(down.code, ErrorCode.Unavailable);
  assert.is(down.httpStatus, 503);
  assert.match(down.message, 'InternalNetworkError("executor \\"encoder\\" at grpc://127.0.0.1:1 is unavailable")');
  const busy = await rejection(client.post("/busy", numbered(1)));
  assert.is(busy.code, ErrorCode.ResourceExhausted);
  assert.match(busy.message, "too many requests in flight");
});

test("http: an unreachable port rejects with Unavailable naming the address", async () => {
  const port = await freePort();
  using client = new Client({ port, protocol: "http" });
  const error = await rejection(client.post("/index", numbered(1)));
  assert.is(error.code, ErrorCode.Unavailable);
  assert.match(error.message, `cannot reach the gateway at http://127.0.0.1:${port}`);
  assert.is(await client.isFlowReady(), false);
});

test("http: aborting the signal rejects with Canceled", async () => {
  const controller = new AbortController();
  await using gateway = await startHttpGateway({ onRequest: () => controller.abort() });
  using client = new Client({ port: gateway.port, protocol: "http" });
  const error = await rejection(client.post("/slow", numbered(3), { requestSize: 1, signal: controller.signal }));
  assert.is(error.code, ErrorCode.Canceled);
  assert.match(error.message, /aborted/);
});

test("http: close() cancels calls in flight", async () => {
  let client: Client | undefined;
  await using gateway = await startHttpGateway({ onRequest: () => client?.close() });
  client = new Client({ port: gateway.port, protocol: "http" });
  const error = await rejection(client.post("/slow", numbered(1)));
  assert.is(error.code, ErrorCode.Canceled);
  assert.match(error.message, /closed/);
});

test("http: a Client that is never closed does not keep its process alive (idle keep-alive sockets are unref'd)", async () => {
  await using gateway = await startHttpGateway();
  await assertUnclosedClientExits("http", gateway.port);
});

test("http: a kept-alive connection the gateway dropped between posts is replaced", async () => {
  // a gateway that answers, then drops the connection shortly after, without saying so (no `connection: close`)
  const sockets = new Set<string>();
  const server = http.createServer((request, response) => {
    sockets.add(`${request.socket.remotePort}`);
    let text = "";
    request.on("data", (chunk: Uint8Array) => (text += new TextDecoder().decode(chunk)));
    request.on("end", () => {
      const body = JSON.parse(text) as { data: unknown[] };
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ header: { requestId: "r" }, data: body.data }));
      setTimeout(() => request.socket.destroy(), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    using client = new Client({ port: (server.address() as AddressInfo).port, protocol: "http" });
    for (let i = 1; i <= 3; i++) {
      assert.is((await client.post("/index", numbered(i))).length, i);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    assert.is(sockets.size, 3, "one connection per post: each dropped one was replaced");
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("http: a post answered after longer than the idle-socket time (4 s) still gets its answer", async () => {
  const server = http.createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Uint8Array) => (text += new TextDecoder().decode(chunk)));
    request.on("end", () => {
      setTimeout(() => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ header: { requestId: "r" }, data: (JSON.parse(text) as { data: unknown[] }).data }));
      }, 4500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    using client = new Client({ port: (server.address() as AddressInfo).port, protocol: "http" });
    assert.is((await client.post("/index", numbered(2))).length, 2);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("http: aborting while the answer's body is still coming rejects at once with Canceled", async () => {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"header":{"requestId":"r"},"data":['); // and never more
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    using client = new Client({ port: (server.address() as AddressInfo).port, protocol: "http" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const error = await rejection(client.post("/index", numbered(1), { signal: controller.signal }));
    assert.is((error as JinaError).code, ErrorCode.Canceled);
    assert.ok(performance.now() - started < 3000, "not left waiting for the rest of the body");
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("http: dryRun and isFlowReady over GET /dry_run", async () => {
  await using ready = await startHttpGateway();
  await using broken = await startHttpGateway({ dryRunError: true });
  using readyClient = new Client({ port: ready.port, protocol: "http" });
  using brokenClient = new Client({ port: broken.port, protocol: "http" });
  assert.is((await readyClient.dryRun()).code, 0);
  assert.is(await readyClient.isFlowReady(), true);
  const status = await brokenClient.dryRun();
  assert.is(status.code, 1);
  assert.is(status.exception?.name, "Error");
  assert.is(await brokenClient.isFlowReady(), false);
});

test("http: CRUD shortcuts post with their endpoint", async () => {
  await using gateway = await startHttpGateway();
  using client = new Client({ port: gateway.port, protocol: "http" });
  await client.index([{ text: "a" }]);
  await client.search([{ text: "a" }]);
  await client.update([{ text: "a" }]);
  await client.delete([{ text: "a" }]);
  assert.equal(gateway.seen.bodies.map((body) => body.execEndpoint), ["/index", "/search", "/update", "/delete"]);
});

test.run();
