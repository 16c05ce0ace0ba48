import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createConnectTransport as createWebTransport } from "@connectrpc/connect-web";
import { createDataRequest, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway, type Gateway, type GatewayOptions } from "../../gateway/mod.ts";
import { JinaGatewayDryRunRPC, JinaInfoRPC, JinaRPC, JinaSingleDataRequestRPC, type DataRequestProto } from "../../proto/gen/jina_pb.ts";
import type { Server } from "../../runtime/mod.ts";
import { type Fake, fakeExecutor, sleep } from "./fakes.ts";

function upper(): Fake {
  return fakeExecutor("upper", async ({ docs, endpoint, signal }) => {
    if (endpoint === "/fail") throw new RangeError("no such luck");
    if (endpoint === "/slow") await sleep(300, signal);
    for (const doc of docs) doc.text = doc.text?.toUpperCase() ?? "";
  });
}

async function serveHttp(options: Partial<GatewayOptions> = {}): Promise<{ gateway: Gateway; server: Server; fake: Fake }> {
  const fake = upper();
  const gateway = createGateway({
    graph: { "start-gateway": [fake.name], [fake.name]: ["end-gateway"] },
    deployments: [{ name: fake.name, shards: [[fake.transport]] }],
    ...options,
  });
  const server = await gateway.serve({ protocol: "http", port: 0 });
  return { gateway, server, fake };
}

const request = (endpoint: string, ...texts: string[]): DataRequestProto =>
  createDataRequest({ endpoint, docs: new DocumentArray(texts.map((text) => ({ text }))) });
const texts = (response: DataRequestProto) => docsOf(response).texts;

const transports: [string, (baseUrl: string) => Transport][] = [
  ["connect-node Connect binary", (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true })],
  ["connect-node Connect JSON", (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" })],
  ["connect-node gRPC-web", (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" })],
  ["connect-web (fetch) Connect binary", (baseUrl) => createWebTransport({ baseUrl, useBinaryFormat: true })],
  ["connect-web (fetch) Connect JSON", (baseUrl) => createWebTransport({ baseUrl })],
];
for (const [name, make] of transports) {
  test(`the HTTP port answers the gateway's unary Connect services: ${name}`, async () => {
    const { gateway, server, fake } = await serveHttp();
    try {
      const transport = make(server.url);
      const single = createClient(JinaSingleDataRequestRPC, transport);
      const response = await single.process_single_data(request("/search", "a", "b"));
      assert.equal(texts(response), ["A", "B"]);
      assert.is(fake.calls.at(-1)?.endpoint, "/search");
      const failed = await single.process_single_data(request("/fail", "x"));
      assert.is(failed.header?.status?.code, 1, "an executor error comes back in-band");
      assert.is(failed.header?.status?.exception?.name, "RangeError");
      const status = await createClient(JinaGatewayDryRunRPC, transport).dry_run({});
      assert.is(status.code, 0);
      const info = await createClient(JinaInfoRPC, transport)._status({});
      assert.is(info.jina["jina-ts"], "0.1.0");
    } finally {
      await gateway.close();
    }
  });
}

test("bidi jina.JinaRPC/Call runs over HTTP/1.1 with connect-node (binary and JSON)", async () => {
  const { gateway, server } = await serveHttp();
  try {
    for (const useBinaryFormat of [true, false]) {
      const rpc = createClient(JinaRPC, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat }));
      async function* requests() {
        for (let i = 0; i < 5; i++) yield request("/index", `doc ${i}`);
      }
      const seen: string[] = [];
      for await (const response of rpc.call(requests(), { headers: { __results_in_order__: "true" } })) seen.push(...texts(response));
      assert.equal(seen, ["DOC 0", "DOC 1", "DOC 2", "DOC 3", "DOC 4"], `useBinaryFormat: ${useBinaryFormat}`);
    }
  } finally {
    await gateway.close();
  }
});

test("a message over maxRequestBytes fails with RESOURCE_EXHAUSTED; the HTTP routes keep their 413", async () => {
  const { gateway, server, fake } = await serveHttp({ maxRequestBytes: 1024 });
  try {
    const single = createClient(JinaSingleDataRequestRPC, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat: true }));
    try {
      await single.process_single_data(request("/index", "x".repeat(2000)));
      assert.unreachable("should fail");
    } catch (error) {
      assert.instance(error, ConnectError);
      assert.is((error as ConnectError).code, Code.ResourceExhausted);
    }
    assert.is(fake.calls.length, 0);
    assert.equal(texts(await single.process_single_data(request("/index", "small"))), ["SMALL"]);
    const http = await fetch(`${server.url}/post`, { method: "POST", body: JSON.stringify({ data: [{ text: "x".repeat(2000) }] }) });
    assert.is(http.status, 413);
    await http.body?.cancel();
  } finally {
    await gateway.close();
  }
});

test("unary calls beyond prefetch fail at once with RESOURCE_EXHAUSTED (shared with the HTTP routes)", async () => {
  const { gateway, server } = await serveHttp({ prefetch: 1 });
  try {
    const single = createClient(JinaSingleDataRequestRPC, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat: true }));
    const slow = single.process_single_data(request("/slow", "s"));
    await sleep(50);
    try {
      await single.process_single_data(request("/index", "x"));
      assert.unreachable("should fail");
    } catch (error) {
      assert.is((error as ConnectError).code, Code.ResourceExhausted);
      assert.match((error as ConnectError).rawMessage, /prefetch = 1/);
    }
    const http = await fetch(`${server.url}/post`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.is(http.status, 429);
    await http.body?.cancel();
    assert.equal(texts(await slow), ["S"]);
    assert.equal(texts(await single.process_single_data(request("/index", "y"))), ["Y"]);
  } finally {
    await gateway.close();
  }
});

test("bytes that are not a DataRequestProto answer invalid_argument in Connect's error shape", async () => {
  const { gateway, server, fake } = await serveHttp();
  try {
    const response = await fetch(`${server.url}/jina.JinaSingleDataRequestRPC/process_single_data`, {
      method: "POST",
      headers: { "content-type": "application/proto", "connect-protocol-version": "1" },
      body: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]),
    });
    assert.is(response.status, 400);
    const json = await response.json();
    assert.is(json.code, "invalid_argument");
    assert.is(fake.calls.length, 0);
  } finally {
    await gateway.close();
  }
});

test("the gRPC port still serves the same services once (Connect over h2c through the node adapter)", async () => {
  const fake = upper();
  const gateway = createGateway({
    graph: { "start-gateway": [fake.name], [fake.name]: ["end-gateway"] },
    deployments: [{ name: fake.name, shards: [[fake.transport]] }],
  });
  try {
    const server = await gateway.serve({ protocol: "grpc", port: 0 });
    const single = createClient(JinaSingleDataRequestRPC, createConnectTransport({ baseUrl: server.url, httpVersion: "2", useBinaryFormat: true }));
    assert.equal(texts(await single.process_single_data(request("/index", "h2"))), ["H2"]);
    assert.is(fake.calls.length, 1);
  } finally {
    await gateway.close();
  }
});

test.run();
