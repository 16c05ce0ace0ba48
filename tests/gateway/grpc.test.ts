import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway, type Gateway, type GatewayOptions } from "../../gateway/mod.ts";
import { Health } from "../../proto/gen/grpc/health_pb.ts";
import { ServerReflection, ServerReflectionRequestSchema } from "../../proto/gen/grpc/reflection_pb.ts";
import {
  type DataRequestProto,
  JinaGatewayDryRunRPC,
  JinaInfoRPC,
  JinaRPC,
  JinaSingleDataRequestRPC,
  StatusProto_StatusCode,
} from "../../proto/gen/jina_pb.ts";
import type { Server } from "../../runtime/mod.ts";
import { closedPort, type Fake, fakeExecutor, serveFake, sleep } from "./fakes.ts";

interface Served {
  gateway: Gateway;
  server: Server;
  sessions: Http2SessionManager;
  transport: ReturnType<typeof createGrpcTransport>;
  close(): Promise<void>;
}

/** A gateway served over gRPC on port 0 with `local` in memory and `remote` behind its own gRPC port. */
async function serveFlow(options: Partial<GatewayOptions> = {}, fakes?: { local: Fake; remote: Fake }): Promise<Served & { local: Fake; remote: Fake }> {
  const local = fakes?.local ?? fakeExecutor("local", ({ docs, endpoint }) => {
    if (endpoint === "/fail") throw new RangeError("local refuses");
    for (const doc of docs) doc.tags = { ...doc.tags, local: true };
  });
  const remote = fakes?.remote ?? fakeExecutor("remote", ({ docs }) => {
    for (const doc of docs) doc.text = `${doc.text}!`;
  });
  const remoteServer = await serveFake(remote);
  const gateway = createGateway({
    graph: { "start-gateway": ["local"], local: ["remote"], remote: ["end-gateway"] },
    deployments: [{ name: "local", shards: [[local.transport]] }, { name: "remote", shards: [[remoteServer.address]] }],
    ...options,
  });
  const server = await gateway.serve({ protocol: "grpc", port: 0 });
  const sessions = new Http2SessionManager(server.url);
  const transport = createGrpcTransport({ baseUrl: server.url, sessionManager: sessions });
  return {
    gateway,
    server,
    sessions,
    transport,
    local,
    remote,
    async close() {
      sessions.abort();
      await gateway.close();
      await remoteServer.server.close();
    },
  };
}

const request = (text: string, endpoint = "/index") =>
  createDataRequest({ endpoint, docs: new DocumentArray([new Document({ id: text, text })]) });

async function* stream(requests: DataRequestProto[]): AsyncIterable<DataRequestProto> {
  for (const item of requests) yield item;
}

test("process_single_data runs the flow through an in-memory and a networked executor", async () => {
  const flow = await serveFlow();
  try {
    const client = createClient(JinaSingleDataRequestRPC, flow.transport);
    let trailer: Headers | undefined;
    const response = await client.process_single_data(request("hello", "/search"), { onTrailer: (t) => (trailer = t) });
    const doc = docsOf(response).at(0)!;
    assert.is(doc.text, "hello!");
    assert.equal(doc.tags, { local: true });
    assert.equal(response.routes.map((route) => route.executor), ["gateway", "local", "remote"]);
    assert.is(flow.remote.calls[0]?.endpoint, "/search");
    assert.is(trailer?.get("is-error"), null);
  } finally {
    await flow.close();
  }
});

test("Call streams every response back, each request handled concurrently", async () => {
  const flow = await serveFlow();
  try {
    const client = createClient(JinaRPC, flow.transport);
    const requests = ["a", "b", "c", "d", "e"].map((text) => request(text));
    const responses: DataRequestProto[] = [];
    for await (const response of client.call(stream(requests))) responses.push(response);
    assert.equal(
      responses.map((response) => response.header?.requestId).sort(),
      requests.map((item) => item.header?.requestId).sort(),
    );
    assert.equal(responses.map((response) => docsOf(response).at(0)?.text).sort(), ["a!", "b!", "c!", "d!", "e!"]);
  } finally {
    await flow.close();
  }
});

test("an executor error comes back in-band with trailer is-error: true, on process_single_data and Call", async () => {
  const flow = await serveFlow();
  try {
    let trailer: Headers | undefined;
    const single = await createClient(JinaSingleDataRequestRPC, flow.transport).process_single_data(request("x", "/fail"), {
      onTrailer: (t) => (trailer = t),
    });
    assert.is(single.header?.status?.code, StatusProto_StatusCode.ERROR);
    assert.is(single.header?.status?.exception?.name, "RangeError");
    assert.is(trailer?.get("is-error"), "true");
    assert.is(flow.remote.calls.length, 0, "the node after the failing one is not called");

    let streamTrailer: Headers | undefined;
    const responses: DataRequestProto[] = [];
    for await (const response of createClient(JinaRPC, flow.transport).call(stream([request("ok"), request("bad", "/fail")]), {
      onTrailer: (t) => (streamTrailer = t),
    })) responses.push(response);
    assert.is(responses.length, 2, "the stream goes on after an in-band error");
    assert.equal(responses.map((response) => response.header?.status?.code ?? 0).sort(), [0, 1]);
    assert.is(streamTrailer?.get("is-error"), "true");
  } finally {
    await flow.close();
  }
});

test("network failures end the call with their gRPC status: UNAVAILABLE, DEADLINE_EXCEEDED", async () => {
  const slow = fakeExecutor("remote", ({ signal }) => sleep(5000, signal));
  const timeoutFlow = await serveFlow({ timeoutSend: 150 }, { local: fakeExecutor("local"), remote: slow });
  const ghost = createGateway({
    graph: { "start-gateway": ["ghost"], ghost: ["end-gateway"] },
    deployments: [{ name: "ghost", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 }],
  });
  const ghostServer = await ghost.serve({ protocol: "grpc" });
  const ghostSessions = new Http2SessionManager(ghostServer.url);
  try {
    const cases: [ReturnType<typeof createGrpcTransport>, Code, RegExp][] = [
      [createGrpcTransport({ baseUrl: ghostServer.url, sessionManager: ghostSessions }), Code.Unavailable, /Deployment "ghost" is unavailable/],
      [timeoutFlow.transport, Code.DeadlineExceeded, /Deployment "remote" did not answer within timeoutSend=150 ms/],
    ];
    for (const [transport, code, message] of cases) {
      try {
        await createClient(JinaSingleDataRequestRPC, transport).process_single_data(request("x"));
        assert.unreachable("should fail");
      } catch (error) {
        assert.instance(error, ConnectError);
        assert.is((error as ConnectError).code, code);
        assert.match((error as ConnectError).rawMessage, message);
      }
      try {
        for await (const _ of createClient(JinaRPC, transport).call(stream([request("y")]))) void _;
        assert.unreachable("Call should fail");
      } catch (error) {
        assert.is((error as ConnectError).code, code);
      }
    }
  } finally {
    ghostSessions.abort();
    await ghost.close();
    await timeoutFlow.close();
  }
});

interface RawAnswer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Uint8Array;
}

/** Sends raw bytes to `path` over HTTP/2 with `contentType` (gRPC / gRPC-web bodies framed, Connect unary as is). */
function rawCall(url: string, path: string, contentType: string, payload: Uint8Array): Promise<RawAnswer> {
  const framed = contentType.startsWith("application/grpc");
  const body = framed ? new Uint8Array(5 + payload.byteLength) : payload;
  if (framed) {
    new DataView(body.buffer).setUint32(1, payload.byteLength);
    body.set(payload, 5);
  }
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType, te: "trailers" });
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (headers = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      session.close();
      resolve({ status: Number(headers[":status"]), headers, trailers, body: new Uint8Array(Buffer.concat(chunks)) });
    });
    stream.on("error", reject);
    stream.end(body);
  });
}

test("bytes that are not a DataRequestProto answer INVALID_ARGUMENT, and the server keeps serving", async () => {
  const flow = await serveFlow();
  try {
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x67, 0x61, 0x72, 0x62, 0x61, 0x67, 0x65]);
    for (const path of ["/jina.JinaSingleDataRequestRPC/process_single_data", "/jina.JinaRPC/Call"]) {
      const answer = await rawCall(flow.server.url, path, "application/grpc", garbage);
      const status = answer.trailers["grpc-status"] ?? answer.headers["grpc-status"];
      assert.is(status, String(Code.InvalidArgument), `gRPC ${path}`);
      const web = await rawCall(flow.server.url, path, "application/grpc-web+proto", garbage);
      assert.match(new TextDecoder().decode(web.body), /grpc-status: ?3\b/, `gRPC-web ${path}`);
    }
    const connect = await rawCall(flow.server.url, "/jina.JinaSingleDataRequestRPC/process_single_data", "application/proto", garbage);
    assert.is(connect.status, 400);
    assert.is(JSON.parse(new TextDecoder().decode(connect.body)).code, "invalid_argument");
    const response = await createClient(JinaSingleDataRequestRPC, flow.transport).process_single_data(request("after"));
    assert.is(docsOf(response).at(0)?.text, "after!");
  } finally {
    await flow.close();
  }
});

test("prefetch bounds how many requests of one Call stream are in flight", async () => {
  for (const [prefetch, check] of [[1, (max: number) => max === 1], [100, (max: number) => max > 1]] as const) {
    let inFlight = 0;
    let max = 0;
    const counting = fakeExecutor("remote", async () => {
      max = Math.max(max, ++inFlight);
      await sleep(30);
      inFlight--;
    });
    const flow = await serveFlow({ prefetch }, { local: fakeExecutor("local"), remote: counting });
    try {
      let count = 0;
      for await (const _ of createClient(JinaRPC, flow.transport).call(stream(["a", "b", "c", "d"].map((t) => request(t))))) count++;
      assert.is(count, 4);
      assert.ok(check(max), `prefetch ${prefetch}: at most ${max} in flight`);
    } finally {
      await flow.close();
    }
  }
});

test("_status, dry_run, health and reflection answer like Jina's gateway", async () => {
  const flow = await serveFlow();
  try {
    const info = await createClient(JinaInfoRPC, flow.transport)._status({});
    assert.is(info.jina["jina-ts"], "0.1.0");
    const status = await createClient(JinaGatewayDryRunRPC, flow.transport).dry_run({});
    assert.is(status.code, StatusProto_StatusCode.SUCCESS);
    assert.is(flow.remote.calls[0]?.endpoint, "_jina_dry_run_");
    const health = createClient(Health, flow.transport);
    assert.is((await health.check({ service: "" })).status, 1);
    assert.is((await health.check({ service: "jina.JinaRPC" })).status, 1);
    try {
      await health.check({ service: "no.Such" });
      assert.unreachable("unknown service");
    } catch (error) {
      assert.is((error as ConnectError).code, Code.NotFound);
    }
    const reflection = createClient(ServerReflection, flow.transport);
    const names: string[] = [];
    for await (const answer of reflection.serverReflectionInfo(
      (async function* () {
        yield create(ServerReflectionRequestSchema, { messageRequest: { case: "listServices", value: "" } });
      })(),
    )) {
      if (answer.messageResponse.case === "listServicesResponse") names.push(...answer.messageResponse.value.service.map((s) => s.name));
    }
    for (const name of ["jina.JinaRPC", "jina.JinaSingleDataRequestRPC", "jina.JinaGatewayDryRunRPC", "jina.JinaInfoRPC", "grpc.health.v1.Health"]) {
      assert.ok(names.includes(name), `reflection lists ${name}`);
    }
  } finally {
    await flow.close();
  }
});

test("the HTTP routes answer on the gRPC port too (h2c fallback)", async () => {
  const flow = await serveFlow();
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const session = http2.connect(flow.server.url);
      session.on("error", reject);
      const stream = session.request({ ":method": "GET", ":path": "/status" });
      let text = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => (text += chunk));
      stream.on("end", () => {
        session.close();
        resolve(text);
      });
      stream.end();
    });
    assert.is(JSON.parse(body).jina["jina-ts"], "0.1.0");
  } finally {
    await flow.close();
  }
});

test.run();
