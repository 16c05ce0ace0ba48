/**
 * runtime/http2-request.ts: `requestStream` opens a working client stream, leaves `AsyncResource.prototype.bind` as
 * it found it (also when `request` throws, and when something else replaced it), and keeps the async context of a
 * request queued while its session connects, as `session.request` does.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import * as http2 from "node:http2";
import { requestStream } from "../../runtime/http2-request.ts";

/** An h2c server answering every stream with 200 and its request body; closed by the returned function. */
async function echoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http2.createServer();
  server.on("stream", (stream) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      stream.respond({ ":status": 200 });
      stream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The status and body of one stream's answer, and the async context seen when its headers arrived. */
function answerOf(stream: http2.ClientHttp2Stream, storage?: AsyncLocalStorage<string>): Promise<{ status: number; body: string; store?: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let store: string | undefined;
    const chunks: Buffer[] = [];
    stream.on("response", (headers) => {
      status = Number(headers[":status"]);
      store = storage?.getStore();
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("close", () => resolve({ status, body: Buffer.concat(chunks).toString(), ...(store !== undefined ? { store } : {}) }));
  });
}

const headers = { ":method": "POST", ":path": "/echo" };

test("a stream from requestStream carries its request and answer; AsyncResource#bind is the same after", async () => {
  const server = await echoServer();
  const session = http2.connect(server.url);
  const bind = AsyncResource.prototype.bind;
  try {
    for (const text of ["one", "two"]) {
      const stream = requestStream(session, headers);
      assert.is(AsyncResource.prototype.bind, bind);
      stream.end(text);
      assert.equal(await answerOf(stream), { status: 200, body: text });
    }
  } finally {
    session.close();
    await server.close();
  }
});

test("a request that throws (closed session) leaves AsyncResource#bind as it was", async () => {
  const server = await echoServer();
  const session = http2.connect(server.url);
  await new Promise((resolve) => session.once("connect", resolve));
  session.close();
  const bind = AsyncResource.prototype.bind;
  try {
    assert.throws(() => requestStream(session, headers));
    assert.is(AsyncResource.prototype.bind, bind);
  } finally {
    await server.close();
  }
});

test("a bind replaced by someone else is used as it is, and left in place", async () => {
  const server = await echoServer();
  const session = http2.connect(server.url);
  const nodeBind = AsyncResource.prototype.bind;
  let calls = 0;
  const replaced = function (this: AsyncResource, ...args: Parameters<typeof nodeBind>) {
    calls++;
    return nodeBind.apply(this, args);
  };
  AsyncResource.prototype.bind = replaced as typeof nodeBind;
  try {
    const plain = session.request(headers);
    plain.end("plain");
    await answerOf(plain);
    const before = calls; // what the runtime's own request calls (Node: once per stream; Deno, Bun: none)
    const stream = requestStream(session, headers);
    stream.end("x");
    assert.equal(await answerOf(stream), { status: 200, body: "x" });
    assert.is(calls, before * 2);
    assert.is(AsyncResource.prototype.bind, replaced);
  } finally {
    AsyncResource.prototype.bind = nodeBind;
    session.close();
    await server.close();
  }
});

test("a request queued while its session connects keeps the caller's async context, as session.request does", async () => {
  const server = await echoServer();
  const storage = new AsyncLocalStorage<string>();
  const seen: (string | undefined)[] = [];
  try {
    for (const open of [(session: http2.ClientHttp2Session) => session.request(headers), (session: http2.ClientHttp2Session) => requestStream(session, headers)]) {
      const session = http2.connect(server.url); // still connecting when the request is made
      const stream = storage.run("caller", () => open(session));
      stream.end("ctx");
      const answer = await answerOf(stream, storage);
      assert.is(answer.body, "ctx");
      seen.push(answer.store);
      session.close();
    }
    assert.is(seen[1], seen[0]);
  } finally {
    await server.close();
  }
});

test.run();
