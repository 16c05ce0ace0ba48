/**
 * `maxDocs` on the executor's port (issue 14: bounds on every port): a data message with more documents than the
 * limit answers RESOURCE_EXHAUSTED, counted from its bytes before the decode, on `process_single_data` (the fast
 * path), `process_data` (a list: its requests' documents summed) and `Call` (Connect's handlers).
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { countRequestListDocs, createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { serveExecutor } from "../../executor/mod.ts";
import { DataRequestListProtoSchema, JinaDataRequestRPC, JinaRPC, JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { Flow } from "../../flow/mod.ts";
import { Upper } from "./fixtures/executors.ts";

const fixtures = new URL("./fixtures/executors.ts", import.meta.url).pathname;

const request = (count: number) =>
  createDataRequest({ endpoint: "/index", docs: new DocumentArray(Array.from({ length: count }, (_, i) => new Document({ text: `d${i}` }))) });

async function withExecutor(maxDocs: number, fn: (transport: Transport) => Promise<void>): Promise<void> {
  const server = await serveExecutor(new Upper(), { port: 0, maxDocs });
  const sessions = new Http2SessionManager(server.url);
  try {
    await fn(createGrpcTransport({ baseUrl: server.url, sessionManager: sessions }));
  } finally {
    sessions.abort();
    await server.close();
  }
}

async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(() => undefined, (caught: unknown) => ConnectError.from(caught));
  assert.ok(error, "the call should be refused");
  return error!;
}

test("countRequestListDocs sums the documents of a DataRequestListProto's requests", () => {
  const list = create(DataRequestListProtoSchema, { requests: [request(2), request(3), request(0)] });
  assert.is(countRequestListDocs(toBinary(DataRequestListProtoSchema, list)), 5);
  assert.is(countRequestListDocs(new Uint8Array(0)), 0);
  assert.is(countRequestListDocs(new Uint8Array([0x0a, 0x05, 0x22])), undefined, "a length past the end");
});

test("an executor refuses more than maxDocs documents on every data method and serves the rest", async () => {
  await withExecutor(10, async (transport) => {
    const single = createClient(JinaSingleDataRequestRPC, transport);
    const ok = await single.process_single_data(request(10));
    assert.equal(docsOf(ok).texts, Array.from({ length: 10 }, (_, i) => `D${i}`));

    const tooMany = await refusal(single.process_single_data(request(11)));
    assert.is(tooMany.code, Code.ResourceExhausted);
    assert.match(tooMany.rawMessage, /11 documents, more than maxDocs=10/);

    const list = createClient(JinaDataRequestRPC, transport);
    const listed = await refusal(list.process_data({ requests: [request(6), request(6)] }));
    assert.is(listed.code, Code.ResourceExhausted, "a list counts all its requests' documents");

    async function* one() {
      yield request(11);
    }
    const streamed = await refusal((async () => {
      for await (const _ of createClient(JinaRPC, transport).call(one())) void _;
    })());
    assert.is(streamed.code, Code.ResourceExhausted);

    assert.is(docsOf(await single.process_single_data(request(1))).texts[0], "D0", "the port keeps serving");
  });
});

test("maxDocs 0 means no limit", async () => {
  await withExecutor(0, async (transport) => {
    const answer = await createClient(JinaSingleDataRequestRPC, transport).process_single_data(request(200));
    assert.is(docsOf(answer).length, 200);
  });
});

test("a flow's maxDocs reaches its replica processes (--max-docs): their own port refuses more", async () => {
  await using flow = await new Flow({ maxDocs: 3 }).add({ name: "upper", uses: `${fixtures}#Upper` }).start();
  const replica = flow.pods[0]!.shards[0]![0]!;
  const url = String(replica.target).replace(/^grpc:/, "http:");
  const sessions = new Http2SessionManager(url);
  try {
    const direct = createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: url, sessionManager: sessions }));
    assert.is(docsOf(await direct.process_single_data(request(3))).length, 3);
    assert.is((await refusal(direct.process_single_data(request(4)))).code, Code.ResourceExhausted);
  } finally {
    sessions.abort();
  }
});

test.run();
