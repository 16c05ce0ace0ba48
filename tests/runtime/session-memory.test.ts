/**
 * A gRPC server's HTTP/2 sessions take new streams while earlier answers wait for a slow reader. On Bun a session's
 * memory bound (10 MB by default, counting the answers queued to send) refused new streams with ENHANCE_YOUR_CALM
 * once a gateway read four 3 MB answers slower than the executor wrote them (CI, tests/flow/lifecycle: 24 requests
 * of 3 MB at once, one failed after its retries on a loaded machine).
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import * as http2 from "node:http2";
import { createDataRequest, Document, DocumentArray, docsOf, encodeDataRequest } from "../../docarray/mod.ts";
import { JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { fastUnaryRoute, serveGrpc } from "../../runtime/mod.ts";
import { sleep } from "../gateway/fakes.ts";

/** A 3 MB answer: 1,000 documents with 768 float32 each. */
const bigAnswer = () =>
  createDataRequest({ endpoint: "/big", docs: new DocumentArray(Array.from({ length: 1000 }, (_, i) => new Document({ id: `${i}`, embedding: new Float32Array(768).fill(i) }))) });

/** The gRPC frame of a one-document request. */
function requestFrame(): Uint8Array {
  const message = encodeDataRequest(createDataRequest({ endpoint: "/big", docs: new DocumentArray([new Document({ text: "hi" })]) }));
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  return frame;
}

/** Opens a process_single_data stream on `session` and sends one request. */
function call(session: http2.ClientHttp2Session): http2.ClientHttp2Stream {
  const stream = session.request({ ":method": "POST", ":path": "/jina.JinaSingleDataRequestRPC/process_single_data", "content-type": "application/grpc", te: "trailers" });
  stream.on("error", () => {});
  stream.end(requestFrame());
  return stream;
}

/** The answer's status (response headers, then trailers) and how many bytes came, once the stream has closed. */
function answerOf(stream: http2.ClientHttp2Stream): Promise<{ grpcStatus: string | undefined; bytes: number; rstCode: number }> {
  return new Promise((resolve) => {
    let grpcStatus: string | undefined;
    let bytes = 0;
    stream.on("response", (headers) => (grpcStatus ??= headers["grpc-status"] as string | undefined));
    stream.on("trailers", (trailers) => (grpcStatus ??= trailers["grpc-status"] as string | undefined));
    stream.on("data", (chunk: Uint8Array) => (bytes += chunk.length));
    stream.on("close", () => resolve({ grpcStatus, bytes, rstCode: stream.rstCode ?? 0 }));
    stream.resume();
  });
}

test("a new stream is taken while 15 MB of answers wait for a client that has not read them yet", async () => {
  const answer = bigAnswer();
  const server = await serveGrpc({ routes: () => {}, fastUnary: [fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, () => answer)] });
  const session = http2.connect(`http://127.0.0.1:${server.port}`);
  session.on("error", () => {});
  try {
    // Five 3 MB answers the client does not read: beyond the streams' windows they wait in the server's session.
    const unread = Array.from({ length: 5 }, () => call(session));
    for (const stream of unread) stream.pause();
    await sleep(500);
    const timer = new AbortController();
    const late = await Promise.race([answerOf(call(session)), sleep(10_000, timer.signal).then(() => "no answer within 10 s", () => "")]);
    timer.abort();
    const expected = encodeDataRequest(answer).length + 5;
    assert.equal(late, { grpcStatus: "0", bytes: expected, rstCode: 0 });
    const earlier = await Promise.all(unread.map(answerOf));
    assert.equal(earlier.map((result) => result.bytes), Array(5).fill(expected));
    assert.equal(docsOf(answer).length, 1000);
  } finally {
    session.destroy();
    await server.close();
  }
});

test.run();
