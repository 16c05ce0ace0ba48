import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { Client, type ClientProtocol } from "../../client/mod.ts";
import { createDataRequest, docsOf, DocumentArray } from "../../docarray/mod.ts";
import { Flow } from "../../mod.ts";
import { JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { rejection } from "../_setup.ts";
import { Encoder, Thrower } from "./fixtures/executors.ts";

const input = () => new DocumentArray([{ id: "a", text: "hello" }, { id: "b", text: "jina-ts", tags: { k: 1 } }]);

test("one flow on grpc, http and websocket answers the same request identically on all three, and over Connect", async () => {
  await using flow = await new Flow({ protocol: ["grpc", "http", "websocket"] }).add({ name: "encoder", uses: Encoder }).start();
  const [grpcPort, httpPort, wsPort] = flow.ports;
  const targets: [ClientProtocol, number][] = [["grpc", grpcPort!], ["http", httpPort!], ["websocket", wsPort!], ["connect", httpPort!]];
  const answers: Record<string, unknown> = {};
  for (const [protocol, port] of targets) {
    using client = new Client({ port, protocol });
    const docs = await client.post("/index", input(), { parameters: { p: 1 } });
    answers[protocol] = docs.toJSON();
  }
  assert.equal(answers.http, answers.grpc);
  assert.equal(answers.websocket, answers.grpc);
  assert.equal(answers.connect, answers.grpc);
  assert.equal((answers.grpc as { embedding: number[] }[])[1]!.embedding, [7, 106, 1, 0.5]);

  // A fetch-only Connect client (what a browser runs), straight on the HTTP port.
  const rpc = createClient(JinaSingleDataRequestRPC, createConnectTransport({ baseUrl: `http://127.0.0.1:${httpPort}`, fetch: globalThis.fetch }));
  const response = await rpc.process_single_data(createDataRequest({ endpoint: "/index", docs: input() }));
  assert.equal(docsOf(response).toJSON(), answers.grpc);
});

test("an executor error arrives the same way on every protocol", async () => {
  await using flow = await new Flow({ protocol: ["grpc", "http", "websocket"] }).add({ name: "thrower", uses: Thrower }).start();
  const [grpcPort, httpPort, wsPort] = flow.ports;
  for (const [protocol, port] of [["grpc", grpcPort!], ["http", httpPort!], ["websocket", wsPort!], ["connect", httpPort!]] as const) {
    using client = new Client({ port, protocol });
    const [response] = await client.post("/fail", input(), { returnResponses: true, continueOnError: true });
    assert.is(response?.header?.status?.code, 1, protocol);
    assert.is(response?.header?.status?.exception?.executor, "thrower", protocol);
  }
});

test("Flow.exposeEndpoint serves an executor endpoint as its own HTTP route, listed in /openapi.json", async () => {
  await using flow = await new Flow({ protocol: "http" })
    .add({ name: "encoder", uses: Encoder })
    .exposeEndpoint("/encode", { path: "/embed", methods: ["POST"], summary: "Embed texts", tags: ["Encoding"] })
    .start();
  const response = await fetch(`http://127.0.0.1:${flow.port}/embed`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data: [{ text: "hey" }] }),
  });
  const body = await response.json();
  assert.is(response.status, 200);
  assert.is(body.header.execEndpoint, "/encode");
  assert.equal(body.data[0].embedding, [3, 104, 1, 0.5]);
  const openapi = await (await fetch(`http://127.0.0.1:${flow.port}/openapi.json`)).json();
  assert.equal(openapi.paths["/embed"].post.tags, ["Encoding"]);
  assert.is(openapi.paths["/embed"].post.summary, "Embed texts");
  const bad = await rejection(new Flow().add({ name: "encoder", uses: Encoder }).exposeEndpoint("nope").start());
  assert.match(bad.message, /exposeEndpoints\["nope"\]: the endpoint must start with "\/"/);
});

test.run();
