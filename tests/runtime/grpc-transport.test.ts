/**
 * The lean hop (runtime/grpc-transport.ts ↔ runtime/grpc-fast-unary.ts) keeps the gRPC behaviour Jina peers rely
 * on: metadata, trailers (`is-error`), deadlines, cancellation reaching the handler, gzip both ways, the request size
 * bound, UNAVAILABLE for a closed port, and calls multiplexed on one HTTP/2 session.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { type Client, createClient } from "@connectrpc/connect";
import * as http2 from "node:http2";
import * as net from "node:net";
import { codecArena, createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { bindRequests, Executor, type HandlerArgs, serveExecutor } from "../../executor/mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { JinaSingleDataRequestRPC, StatusProto_StatusCode } from "../../proto/gen/jina_pb.ts";
import { cancelContext, createLeanGrpcTransport, fastUnaryRoute, serveGrpc } from "../../runtime/mod.ts";
import { LazyAbort } from "../../proto/server/lazy-abort.ts";
import type { Cancellation } from "../../proto/server/cancellation.ts";
import { closedPort, sleep } from "../gateway/fakes.ts";

class Probe extends Executor {
  seen: { endpoint: string; aborted: boolean; texts: string[] }[] = [];
  upper({ docs }: HandlerArgs) {
    for (const doc of docs) doc.text = (doc.text ?? "").toUpperCase();
  }
  fail() {
    throw new Error("on purpose");
  }
  async slow({ signal, docs }: HandlerArgs) {
    const entry = { endpoint: "/slow", aborted: false, texts: docs.texts };
    this.seen.push(entry);
    await sleep(5_000, signal).catch(() => {});
    entry.aborted = signal.aborted;
  }
}
bindRequests(Probe, { "/upper": "upper", "/fail": "fail", "/slow": "slow" });

const request = (endpoint: string, text = "hello") => createDataRequest({ endpoint, docs: new DocumentArray([new Document({ text })]) });

/** Runs `run` with a client on the lean transport to a fresh Probe executor; closes both after. */
async function withClient(run: (client: Client<typeof JinaSingleDataRequestRPC>, probe: Probe) => Promise<void>, readMaxBytes?: number): Promise<void> {
  const probe = new Probe();
  const server = await serveExecutor(probe, { port: 0, ...(readMaxBytes ? { readMaxBytes } : {}) });
  const transport = createLeanGrpcTransport({ baseUrl: `http://${server.host}:${server.port}` });
  try {
    await run(createClient(JinaSingleDataRequestRPC, transport), probe);
  } finally {
    transport.close();
    await server.close();
    await probe.close();
  }
}

test("a unary call answers with the executor's docs; an in-band error comes with trailer is-error: true", async () => {
  await withClient(async (client) => {
    let trailer: Headers | undefined;
    const ok = await client.process_single_data(request("/upper"), { headers: { endpoint: "/upper" }, onTrailer: (t) => (trailer = t) });
    assert.equal(docsOf(ok).texts, ["HELLO"]);
    assert.is(trailer?.get("is-error"), null);
    const failed = await client.process_single_data(request("/fail"), { onTrailer: (t) => (trailer = t) });
    assert.is(failed.header?.status?.code, StatusProto_StatusCode.ERROR);
    assert.is(trailer?.get("is-error"), "true");
  });
});

test("timeoutMs sends grpc-timeout: the call fails DEADLINE_EXCEEDED and the handler's signal aborts", async () => {
  await withClient(async (client, probe) => {
    const started = Date.now();
    const error = await client.process_single_data(request("/slow"), { timeoutMs: 200 }).then(() => undefined, (e) => e);
    assert.is(error?.code, ErrorCode.DeadlineExceeded);
    assert.ok(Date.now() - started < 3_000);
    for (let i = 0; i < 100 && !probe.seen[0]?.aborted; i++) await sleep(20);
    assert.ok(probe.seen[0]?.aborted, "the handler saw the deadline");
  });
});

test("aborting the caller's signal cancels the call (CANCELED) and the cancellation reaches the handler", async () => {
  await withClient(async (client, probe) => {
    const controller = new AbortController();
    const pending = client.process_single_data(request("/slow"), { signal: controller.signal }).then(() => undefined, (e) => e);
    for (let i = 0; i < 100 && probe.seen.length === 0; i++) await sleep(20);
    controller.abort();
    assert.is((await pending)?.code, ErrorCode.Canceled);
    for (let i = 0; i < 100 && !probe.seen[0]?.aborted; i++) await sleep(20);
    assert.ok(probe.seen[0]?.aborted, "the handler saw the cancellation");
  });
});

test("a lazy cancellation in the context values (cancelContext) cancels the call without making an AbortSignal", async () => {
  await withClient(async (client, probe) => {
    const lazy = new LazyAbort<Error>();
    // reading `signal` would fail the call: the transport must only subscribe
    const cancel: Cancellation = {
      get aborted() { return lazy.aborted; },
      get reason() { return lazy.reason; },
      get signal(): AbortSignal { throw new Error("the transport read the signal"); },
      subscribe: (listener) => lazy.subscribe(listener),
    };
    const done = await client.process_single_data(request("/upper"), { contextValues: cancelContext(cancel) });
    assert.equal(docsOf(done).texts, ["HELLO"]);
    const pending = client.process_single_data(request("/slow"), { contextValues: cancelContext(cancel) }).then(() => undefined, (e) => e);
    for (let i = 0; i < 100 && probe.seen.length === 0; i++) await sleep(20);
    lazy.abort(new Error("the caller went away"));
    const error = await pending;
    assert.is(error?.code, ErrorCode.Canceled);
    for (let i = 0; i < 100 && !probe.seen[0]?.aborted; i++) await sleep(20);
    assert.ok(probe.seen[0]?.aborted, "the handler saw the cancellation");
    const late = await client.process_single_data(request("/upper"), { contextValues: cancelContext(cancel) }).then(() => undefined, (e) => e);
    assert.is(late?.code, ErrorCode.Canceled, "an aborted cancellation fails the call before it is sent");
  });
});

test("frames in reused buffers (the codec's arena, released after the write): 48 concurrent calls of 10 B to 300 kB each get their own answer", async () => {
  await withClient(async (client) => {
    for (let round = 0; round < 2; round++) {
      const texts = Array.from({ length: 48 }, (_, i) => `${round}-${i}-`.padEnd([10, 1_000, 70_000, 300_000][i % 4]!, String.fromCharCode(97 + (i % 26))));
      const answers = await Promise.all(texts.map((text) => client.process_single_data(request("/upper", text), { headers: { endpoint: "/upper" } })));
      assert.equal(answers.map((answer) => docsOf(answer).texts[0]), texts.map((text) => text.toUpperCase()));
    }
    // the client and the executor (one process here) gave their frames' buffers back
    assert.ok(codecArena.pooledBytes > 0, "slabs came back to the arena");
  });
});

test("24 concurrent 3 MB calls on one session all answer (72 MB in flight: over the 10 MB default session memory)", async () => {
  await withClient(async (client) => {
    const big = (i: number) =>
      createDataRequest({ endpoint: "/upper", docs: new DocumentArray(Array.from({ length: 1000 }, (_, d) => new Document({ id: `${i}-${d}`, text: "x", embedding: new Float32Array(768).fill(i) }))) });
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => client.process_single_data(big(i), { headers: { endpoint: "/upper" } })));
    assert.equal(answers.map((answer) => docsOf(answer).length), Array(24).fill(1000));
    assert.equal(answers.map((answer) => docsOf(answer).ids[999]), Array.from({ length: 24 }, (_, i) => `${i}-999`));
  });
});

test("gzip: a large request goes compressed and the answer comes back compressed, intact", async () => {
  const encodings: string[] = [];
  const answers: boolean[] = [];
  const server = await serveGrpc({
    routes: () => {},
    fastUnary: [fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, (req, call) => {
      encodings.push(call.requestHeader.get("grpc-encoding") ?? "identity");
      return req;
    })],
  });
  const transport = createLeanGrpcTransport({ baseUrl: `http://${server.host}:${server.port}`, sendCompression: "gzip" });
  try {
    const client = createClient(JinaSingleDataRequestRPC, transport);
    const text = "jina ".repeat(2_000);
    const response = await client.process_single_data(request("/x", text), { onHeader: (h) => answers.push(h.get("grpc-encoding") === "gzip") });
    assert.equal(docsOf(response).texts, [text]);
    const small = await client.process_single_data(request("/x", "tiny"));
    assert.equal(docsOf(small).texts, ["tiny"]);
    assert.equal(encodings, ["gzip", "identity"], "small messages are not compressed");
    assert.equal(answers, [true]);
  } finally {
    transport.close();
    await server.close();
  }
});

test("gzip answers are asked for only with compression (or acceptCompression), and decoded either way", async () => {
  const accepted: (string | null)[] = [];
  const server = await serveGrpc({
    routes: () => {},
    compressAnswers: true, // by default a server gzips only the answers to gzipped requests (tests/runtime/answer-compression)
    fastUnary: [fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, (req, call) => {
      accepted.push(call.requestHeader.get("grpc-accept-encoding"));
      return req;
    })],
  });
  const baseUrl = `http://${server.host}:${server.port}`;
  const text = "jina ".repeat(2_000);
  const answerEncoding = async (transport: ReturnType<typeof createLeanGrpcTransport>) => {
    try {
      let encoding: string | null = null;
      const response = await createClient(JinaSingleDataRequestRPC, transport).process_single_data(request("/x", text), { onHeader: (h) => (encoding = h.get("grpc-encoding")) });
      assert.equal(docsOf(response).texts, [text]);
      return encoding;
    } finally {
      transport.close();
    }
  };
  try {
    assert.is(await answerEncoding(createLeanGrpcTransport({ baseUrl })), null, "no compression: the answer comes uncompressed");
    assert.is(await answerEncoding(createLeanGrpcTransport({ baseUrl, acceptCompression: true })), "gzip");
    assert.is(await answerEncoding(createLeanGrpcTransport({ baseUrl, sendCompression: "gzip" })), "gzip");
    assert.equal(accepted, [null, "gzip", "gzip"]);
  } finally {
    await server.close();
  }
});

test("a request over the server's readMaxBytes answers RESOURCE_EXHAUSTED, and the session keeps serving", async () => {
  await withClient(async (client) => {
    const error = await client.process_single_data(request("/upper", "x".repeat(20_000))).then(() => undefined, (e) => e);
    assert.is(error?.code, ErrorCode.ResourceExhausted);
    assert.match(error.rawMessage, /larger than/);
    assert.equal(docsOf(await client.process_single_data(request("/upper"))).texts, ["HELLO"]);
  }, 10_000);
});

test("a closed port fails UNAVAILABLE; 40 calls at once share one HTTP/2 session", async () => {
  const refused = createLeanGrpcTransport({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
  const error = await createClient(JinaSingleDataRequestRPC, refused).process_single_data(request("/x")).then(() => undefined, (e) => e);
  refused.close();
  assert.is(error?.code, ErrorCode.Unavailable);

  let sessions = 0;
  const raw = http2.createServer();
  raw.on("session", () => sessions++);
  raw.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "x-path": String(headers[":path"]) }));
      stream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  const port = (raw.address() as { port: number }).port;
  const transport = createLeanGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` });
  try {
    const client = createClient(JinaSingleDataRequestRPC, transport);
    const texts = await Promise.all(Array.from({ length: 40 }, (_, i) => client.process_single_data(request("/x", `t${i}`)).then((r) => docsOf(r).texts[0])));
    assert.equal(texts, Array.from({ length: 40 }, (_, i) => `t${i}`));
    assert.is(sessions, 1);
  } finally {
    transport.close();
    await new Promise<void>((resolve) => raw.close(() => resolve()));
  }
});

test("a peer that accepts the connection but never speaks HTTP/2: the deadline and the caller's abort still end the call", async () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => sockets.add(socket.on("error", () => {})));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const transport = createLeanGrpcTransport({ baseUrl: `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}` });
  try {
    const client = createClient(JinaSingleDataRequestRPC, transport);
    const started = performance.now();
    const late = await client.process_single_data(request("/x"), { timeoutMs: 300 }).then(() => undefined, (e) => e);
    assert.is(late?.code, ErrorCode.DeadlineExceeded);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const cancelled = await client.process_single_data(request("/x"), { signal: abort.signal }).then(() => undefined, (e) => e);
    assert.is(cancelled?.code, ErrorCode.Canceled);
    assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
  } finally {
    transport.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test("400 calls at once on a new session to an executor allowing 256 streams all answer (the rest wait for a free stream)", async () => {
  // Bun's client opened all 400 streams before the server's SETTINGS came: the server refused the ones over its
  // limit, and a Bun server then closed the session (ENHANCE_YOUR_CALM), failing every call.
  await withClient(async (client) => {
    const texts = Array.from({ length: 400 }, (_, i) => `t${i}`);
    const answers = await Promise.all(texts.map((text) => client.process_single_data(request("/upper", text), { headers: { endpoint: "/upper" } }).then((r) => docsOf(r).texts[0], (e) => String(e))));
    assert.equal(answers, texts.map((text) => text.toUpperCase()));
  });
});

test.run();
