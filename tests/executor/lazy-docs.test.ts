/**
 * The executor's gRPC fast path reads a request's documents lazily (executor/dispatch.ts): they are decoded before the
 * handler runs (bad bytes answer INVALID_ARGUMENT, bound endpoint or not), and when the handler neither reads `docs`
 * nor returns documents, the answer carries the very bytes the caller sent instead of an encoding of the decoded
 * documents. Told apart here with documents whose bytes are not what an encoder writes (the `id` field twice: a
 * decoder keeps the last one, an encoder writes it once).
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import * as http2 from "node:http2";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createDataRequest, Document, DocumentArray, docsOf, encodeDocument, lazyBytesOf, lazyData, lazyDataRequestCodec } from "../../docarray/mod.ts";
import { bindRequests, enableExecutorMetrics, Executor, type HandlerArgs, serveExecutor } from "../../executor/mod.ts";
import { grpcEnvelope } from "../../runtime/grpc-frame.ts";
import { sample } from "../_prometheus.ts";

class Mixed extends Executor {
  noop(): void {}
  params(): Record<string, number> {
    return { seen: 1 };
  }
  upper({ docs }: HandlerArgs): void {
    for (const doc of docs) doc.text = (doc.text ?? "").toUpperCase();
  }
  replace(): DocumentArray {
    return new DocumentArray([new Document({ id: "new", text: "n" })]);
  }
}
bindRequests(Mixed, { "/noop": "noop", "/params": "params", "/upper": "upper", "/replace": "replace" });

/** A field-1 (length-delimited) entry: tag 0x0a, a one-byte length, the payload (payloads here are < 128 bytes). */
const field1 = (payload: Uint8Array) => Uint8Array.of(0x0a, payload.length, ...payload);

/** `DataContentProto { docs { docs: [doc] } }` where the document's `id` comes twice ("x", then the real "y"). */
const odd = field1(field1(Uint8Array.of(0x0a, 1, 0x78, ...encodeDocument(new Document({ id: "y", text: "a" }).proto))));

/** POSTs one request with `data` as the given bytes; resolves with the gRPC status and the answer's data bytes. */
async function post(port: number, endpoint: string, data: Uint8Array): Promise<{ status: string; data?: Uint8Array | undefined }> {
  const request = createDataRequest({ endpoint });
  request.data = lazyData(data);
  const { status, message } = await postRaw(port, lazyDataRequestCodec.encode(request));
  return message.length === 0 ? { status } : { status, data: lazyBytesOf(lazyDataRequestCodec.decode(message).data) };
}

test("unread documents go back as the bytes received; read or replaced ones are encoded again; bad bytes are INVALID_ARGUMENT", async () => {
  const executor = new Mixed();
  const served = await serveExecutor(executor, { port: 0 });
  try {
    for (const endpoint of ["/noop", "/params", "/unbound"]) {
      const answer = await post(served.port, endpoint, odd);
      assert.is(answer.status, "0", endpoint);
      assert.equal(Uint8Array.from(answer.data ?? []), odd, `${endpoint}: the bytes received`);
    }
    const upper = await post(served.port, "/upper", odd);
    assert.is.not(Buffer.compare(Buffer.from(upper.data!), Buffer.from(odd)), 0, "/upper: encoded again");
    const decoded = { ...createDataRequest({ endpoint: "/upper" }), data: lazyData(upper.data!) };
    assert.equal([docsOf(decoded).ids, docsOf(decoded).texts], [["y"], ["A"]]);
    const replaced = await post(served.port, "/replace", odd);
    assert.equal(docsOf({ ...createDataRequest({ endpoint: "/replace" }), data: lazyData(replaced.data!) }).ids, ["new"]);
    const bad = field1(Uint8Array.of(0x0a, 3, 0x0a, 0x7f, 0x01)); // a document whose id claims 127 bytes of 1
    for (const endpoint of ["/noop", "/unbound"]) assert.is((await post(served.port, endpoint, bad)).status, "3", `${endpoint}: INVALID_ARGUMENT`);
  } finally {
    await served.close();
    await executor.close();
  }
});

/** POSTs `message` (a DataRequestProto's bytes) as it is; resolves with the gRPC status and the answer's message bytes. */
async function postRaw(port: number, message: Uint8Array): Promise<{ status: string; message: Uint8Array }> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": "/jina.JinaSingleDataRequestRPC/process_single_data", "content-type": "application/grpc", te: "trailers" });
      const chunks: Buffer[] = [];
      let status = "";
      stream.on("response", (headers) => (status = String(headers["grpc-status"] ?? "")));
      stream.on("trailers", (trailers) => (status = String(trailers["grpc-status"] ?? status)));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", reject);
      stream.on("close", () => resolve({ status, message: Uint8Array.from(Buffer.concat(chunks).subarray(5)) }));
      stream.end(grpcEnvelope(message, false));
    });
  } finally {
    session.close();
  }
}

test("a request the handler left as it came (nothing read, nothing returned) is answered with the very bytes received; any change is encoded", async () => {
  const executor = new Mixed();
  const served = await serveExecutor(executor, { port: 0 });
  try {
    for (const endpoint of ["/noop", "/unbound", "/params", "/upper"]) {
      // An unknown field (number 15, varint 1) after the real ones: an encoder of the decoded request drops it.
      const sent = Uint8Array.from([...lazyDataRequestCodec.encode({ ...createDataRequest({ endpoint }), data: lazyData(odd) }), 0x78, 0x01]);
      const answer = await postRaw(served.port, sent);
      assert.is(answer.status, "0", endpoint);
      const same = Buffer.compare(Buffer.from(answer.message), Buffer.from(sent)) === 0;
      assert.is(same, endpoint === "/noop" || endpoint === "/unbound", `${endpoint}: answered with the bytes received?`);
      const response = lazyDataRequestCodec.decode(answer.message);
      assert.is(response.header?.execEndpoint, endpoint);
      if (endpoint === "/params") assert.equal(response.parameters, { __results__: { [executor.metas.name]: { seen: 1 } } });
      if (endpoint === "/upper") assert.equal(docsOf(response).texts, ["A"]);
    }
  } finally {
    await served.close();
    await executor.close();
  }
});

test("with monitoring on, unread documents still go back as the bytes received: the metrics count and measure the bytes", async () => {
  const executor = new Mixed();
  const served = await serveExecutor(executor, { port: 0, monitoring: true });
  try {
    const sent = lazyDataRequestCodec.encode({ ...createDataRequest({ endpoint: "/noop" }), data: lazyData(odd) });
    const answer = await postRaw(served.port, sent);
    assert.is(answer.status, "0");
    assert.equal(answer.message, sent, "the very bytes received");
    const text = await (await enableExecutorMetrics(executor)).metrics();
    const labels = { executor_endpoint: "/noop" };
    assert.is(sample(text, "jina_document_processed_total", labels), 1, "counted on the bytes");
    assert.is(sample(text, "jina_received_request_bytes_sum", labels), sent.length, "the request's size on the wire");
    assert.is(sample(text, "jina_sent_response_bytes_sum", labels), sent.length);
    assert.is(sample(text, "jina_process_request_seconds_count", { executor_endpoint: "/noop" }), 1);
  } finally {
    await served.close();
    await executor.close();
  }
});

test("with tracing on, unread documents still go back as the bytes received: the handler's span counts the bytes", async () => {
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  const executor = new Mixed();
  const served = await serveExecutor(executor, { port: 0 });
  try {
    for (const endpoint of ["/noop", "/upper"]) {
      const sent = lazyDataRequestCodec.encode({ ...createDataRequest({ endpoint }), data: lazyData(odd) });
      const answer = await postRaw(served.port, sent);
      assert.is(answer.status, "0", endpoint);
      assert.is(Buffer.compare(Buffer.from(answer.message), Buffer.from(sent)) === 0, endpoint === "/noop", `${endpoint}: answered with the bytes received?`);
    }
    const spans = exporter.getFinishedSpans();
    assert.equal(spans.map((span) => [span.name, span.attributes["jina.docs"]]), [["noop", 1], ["upper", 1]]);
  } finally {
    await served.close();
    await executor.close();
    trace.disable();
  }
});

test.run();
