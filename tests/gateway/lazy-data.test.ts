/**
 * Lazy documents (docarray/lazy-data.ts): a request decoded by the data codec keeps its documents as bytes until
 * someone reads them, is written back byte for byte, and every exit of the gateway (gRPC fast path, Call, HTTP)
 * answers with the documents whether or not a node decoded them.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import { createDataRequest, Document, DocumentArray, docsOf, encodeDataRequest, lazyBytesOf, lazyDataRequestCodec as dataRequestCodec, setDocs } from "../../docarray/mod.ts";
import { bindRequests, Executor, type HandlerArgs, serveExecutor } from "../../executor/mod.ts";
import { createGateway } from "../../gateway/mod.ts";
import { type DataRequestProto, DataRequestProtoSchema, JinaRPC, JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { grpcEnvelope } from "../../runtime/grpc-frame.ts";
import { fastUnaryRoute, serveGrpc } from "../../runtime/mod.ts";

const request = (endpoint = "/x") =>
  createDataRequest({ endpoint, docs: new DocumentArray(["a", "b"].map((text, i) => new Document({ id: `d${i}`, text, tags: { lang: i ? "de" : "en" } }))) });

test("decoding leaves documents as bytes; encoding writes them back unchanged; docsOf decodes them; setDocs replaces them", () => {
  const bytes = toBinary(DataRequestProtoSchema, request());
  const lazy = dataRequestCodec.decode(bytes);
  assert.ok(lazyBytesOf(lazy.data), "documents still bytes");
  assert.equal(dataRequestCodec.encode(lazy), bytes);
  const forwarded = { ...lazy, parameters: { k: 1 } };
  assert.equal(docsOf(forwarded).texts, ["a", "b"]);
  assert.is(lazyBytesOf(lazy.data), undefined, "decoded in place: the shared data is decoded for every holder");
  assert.equal(docsOf(lazy).texts, ["a", "b"]);
  const replaced = dataRequestCodec.decode(bytes);
  setDocs(replaced, new DocumentArray([new Document({ text: "new" })]));
  assert.equal(docsOf(dataRequestCodec.decode(dataRequestCodec.encode(replaced))).texts, ["new"]);
});

class Upper extends Executor {
  upper({ docs }: HandlerArgs) {
    for (const doc of docs) doc.text = (doc.text ?? "").toUpperCase();
  }
}
bindRequests(Upper, { "/upper": "upper" });

for (const when of [undefined, { tags__lang: { $in: ["en", "de"] } }]) test(`through a gRPC gateway and executor (${when ? "a node with when: decoded at the gateway" : "no node needs documents: forwarded as bytes"}); every exit answers with the documents`, async () => {
  const executor = new Upper();
  const served = await serveExecutor(executor, { port: 0 });
  const address = `grpc://${served.host}:${served.port}`;
  const gateway = createGateway({
    graph: { "start-gateway": ["one"], one: ["two"], two: ["end-gateway"] },
    deployments: [{ name: "one", shards: [[address]] }, { name: "two", shards: [[address]], ...(when ? { when } : {}) }],
  } as Parameters<typeof createGateway>[0]);
  const grpc = await gateway.serve({ protocol: "grpc", port: 0 });
  const http = await gateway.serve({ protocol: "http", port: 0 });
  try {
    const transport = createGrpcTransport({ baseUrl: `http://127.0.0.1:${grpc.port}` });
    for (const endpoint of ["/upper", "/unbound"]) {
      const single = await createClient(JinaSingleDataRequestRPC, transport).process_single_data(request(endpoint));
      const expected = endpoint === "/upper" ? ["A", "B"] : ["a", "b"];
      assert.equal(docsOf(single).texts, expected, `process_single_data ${endpoint}`);
      for await (const streamed of createClient(JinaRPC, transport).call((async function* () {
        yield request(endpoint);
      })())) {
        assert.equal(docsOf(streamed).texts, expected, `Call ${endpoint}`);
      }
      const body = await (await fetch(`http://127.0.0.1:${http.port}/post`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ execEndpoint: endpoint, data: [{ id: "d0", text: "a", tags: { lang: "en" } }, { id: "d1", text: "b", tags: { lang: "de" } }] }),
      })).json() as { data: { text: string }[] };
      assert.equal(body.data.map((doc) => doc.text), expected, `HTTP ${endpoint}`);
    }
  } finally {
    await grpc.close();
    await http.close();
    await gateway.close();
    await served.close();
    await executor.close();
  }
});

test("a gRPC client's documents reach the executor as the bytes the client sent (not decoded and encoded again at the gateway)", async () => {
  // The client's data carries a field the codec does not know (15, varint 1): a decode and encode would drop it.
  const plain = encodeDataRequest({ ...request("/x"), data: undefined } as DataRequestProto);
  const data = [...lazyBytesOf(dataRequestCodec.decode(toBinary(DataRequestProtoSchema, request("/x"))).data)!, 15 << 3, 1];
  const sent = new Uint8Array([...plain, 0x22, data.length, ...data]);
  const received: Uint8Array[] = [];
  const recording = { ...dataRequestCodec, decode: (bytes: Uint8Array) => (received.push(bytes.slice()), dataRequestCodec.decode(bytes)) };
  const executor = await serveGrpc({
    routes: () => {},
    fastUnary: [fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, (request) => request, [recording])],
  });
  const gateway = createGateway({
    graph: { "start-gateway": ["one"], one: ["end-gateway"] },
    deployments: [{ name: "one", shards: [[`grpc://127.0.0.1:${executor.port}`]] }],
  } as Parameters<typeof createGateway>[0]);
  const grpc = await gateway.serve({ protocol: "grpc", port: 0 });
  const session = http2.connect(`http://127.0.0.1:${grpc.port}`);
  try {
    const answer = await new Promise<{ status: unknown; body: Buffer }>((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": "/jina.JinaSingleDataRequestRPC/process_single_data", "content-type": "application/grpc", te: "trailers" });
      const chunks: Buffer[] = [];
      let status: unknown;
      stream.on("trailers", (trailers) => (status = trailers["grpc-status"]));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", reject);
      stream.on("close", () => resolve({ status, body: Buffer.concat(chunks) }));
      stream.end(grpcEnvelope(sent, false));
    });
    assert.is(answer.status, "0");
    assert.is(received.length, 1);
    assert.equal([...lazyBytesOf(dataRequestCodec.decode(received[0]!).data)!], data, "the executor got the client's data bytes");
    const back = dataRequestCodec.decode(answer.body.subarray(5));
    assert.equal([...lazyBytesOf(back.data)!], data, "and the client got them back");
    assert.equal(docsOf(back).texts, ["a", "b"]);
  } finally {
    session.close();
    await grpc.close();
    await gateway.close();
    await executor.close();
  }
});

test.run();
