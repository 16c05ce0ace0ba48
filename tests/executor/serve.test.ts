import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { create, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { type Executor, isServing, serveExecutor, setServing } from "../../executor/mod.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../../proto/gen/grpc/health_pb.ts";
import { ServerReflection, type ServerReflectionRequest, ServerReflectionRequestSchema } from "../../proto/gen/grpc/reflection_pb.ts";
import { JinaDiscoverEndpointsRPC, JinaInfoRPC, JinaRPC, JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import type { Server } from "../../runtime/mod.ts";
import { Closer, Upper } from "./fixtures/executors.ts";

const docs = (...texts: string[]) => new DocumentArray(texts.map((text) => new Document({ text })));

/** Serves `executor` on port 0 and gives a gRPC transport to it; everything is closed after `fn`. */
async function withServer(executor: Executor, fn: (transport: Transport, server: Server) => Promise<void>, readMaxBytes?: number) {
  const server = await serveExecutor(executor, { port: 0, ...(readMaxBytes ? { readMaxBytes } : {}) });
  const sessions = new Http2SessionManager(server.url);
  try {
    await fn(createGrpcTransport({ baseUrl: server.url, sessionManager: sessions }), server);
  } finally {
    sessions.abort();
    await server.close();
  }
}

async function reflect(transport: Transport, ...requests: Partial<ServerReflectionRequest>[]) {
  const client = createClient(ServerReflection, transport);
  async function* input() {
    for (const request of requests) yield create(ServerReflectionRequestSchema, request as never);
  }
  const out = [];
  for await (const response of client.serverReflectionInfo(input())) out.push(response);
  return out;
}

/** Posts raw bytes with node:http2; resolves with the HTTP status, headers + trailers, and the body. */
function rawPost(url: string, path: string, contentType: string, body: Uint8Array) {
  return new Promise<{ status: number; headers: Record<string, string>; body: string }>((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType, te: "trailers" });
    const headers: Record<string, string> = {};
    let status = 0;
    let text = "";
    const read = (h: http2.IncomingHttpHeaders) => {
      for (const [key, value] of Object.entries(h)) if (typeof value === "string") headers[key] ??= value;
    };
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      read(h);
    });
    stream.on("trailers", read);
    stream.setEncoding("latin1");
    stream.on("data", (chunk: string) => (text += chunk));
    stream.on("error", reject);
    stream.on("close", () => {
      session.close();
      resolve({ status, headers, body: text });
    });
    stream.end(body);
  });
}

/** One gRPC length-prefixed message. */
function grpcFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + payload.byteLength);
  new DataView(frame.buffer).setUint32(1, payload.byteLength);
  frame.set(payload, 5);
  return frame;
}

test("process_single_data over gRPC on a real port", async () => {
  await withServer(new Upper(), async (transport) => {
    const response = await createClient(JinaSingleDataRequestRPC, transport).process_single_data(createDataRequest({ endpoint: "/index", docs: docs("a", "b") }));
    assert.equal(docsOf(response).texts, ["A", "B"]);
  });
});

test("Call (bidi) over gRPC answers 3 requests in order, an in-band error in the middle does not end the stream", async () => {
  await withServer(new Closer({ metas: { name: "closer" } }), async (transport) => {
    async function* input() {
      yield createDataRequest({ endpoint: "/tag", docs: docs("1") });
      yield createDataRequest({ endpoint: "/fail", docs: docs("2") });
      yield createDataRequest({ endpoint: "/tag", docs: docs("3") });
    }
    const responses = [];
    let trailer: Headers | undefined;
    for await (const response of createClient(JinaRPC, transport).call(input(), { onTrailer: (t) => (trailer = t) })) {
      responses.push(response);
    }
    assert.equal(responses.map((r) => docsOf(r).texts[0]), ["1", "2", "3"]);
    assert.equal(responses.map((r) => r.header?.status?.code ?? 0), [0, 1, 0]);
    assert.is(docsOf(responses[2]!).at(0)?.tags.tag, "none");
    assert.is(trailer?.get("is-error"), "true");
  });
});

test("endpoint_discovery lists the bound endpoints, with _jina_dry_run_", async () => {
  await withServer(new Upper(), async (transport) => {
    const endpoints = await createClient(JinaDiscoverEndpointsRPC, transport).endpoint_discovery({});
    assert.equal(endpoints.endpoints.sort(), ["/count", "/default", "/index", "/tally", "_jina_dry_run_"]);
  });
});

test("_status answers Jina-compatible version info and the JINA_* environment", async () => {
  await withServer(new Upper(), async (transport) => {
    const info = await createClient(JinaInfoRPC, transport)._status({});
    assert.is(info.jina.jina, "3.14.2");
    assert.ok(info.jina.docarray);
    assert.ok(info.jina["proto-backend"]);
    assert.ok(info.jina["jina-ts"]);
    assert.ok(["node", "deno", "bun"].includes(info.jina.runtime ?? ""));
    assert.is(typeof info.envs.JINA_LOG_LEVEL, "string");
  });
});

test("health is SERVING while serving, NOT_SERVING when told, NOT_FOUND for an unknown service", async () => {
  const executor = new Upper();
  await withServer(executor, async (transport) => {
    const health = createClient(Health, transport);
    assert.is((await health.check({})).status, HealthCheckResponse_ServingStatus.SERVING);
    assert.is((await health.check({ service: "jina.JinaRPC" })).status, HealthCheckResponse_ServingStatus.SERVING);
    setServing(executor, false);
    assert.is((await health.check({})).status, HealthCheckResponse_ServingStatus.NOT_SERVING);
    setServing(executor, true);
    try {
      await health.check({ service: "no.Such" });
      assert.unreachable();
    } catch (error) {
      assert.is(ConnectError.from(error).code, Code.NotFound);
    }
  });
  assert.not.ok(isServing(executor), "closing the server reports NOT_SERVING");
});

test("reflection list_services names every served service; file_containing_symbol gives descriptors", async () => {
  await withServer(new Upper(), async (transport) => {
    const [list, file, missing] = await reflect(
      transport,
      { messageRequest: { case: "listServices", value: "*" } },
      { messageRequest: { case: "fileContainingSymbol", value: "jina.JinaRPC" } },
      { messageRequest: { case: "fileContainingSymbol", value: "no.Such" } },
    );
    assert.is(list?.messageResponse.case, "listServicesResponse");
    const names = list?.messageResponse.case === "listServicesResponse" ? list.messageResponse.value.service.map((s) => s.name) : [];
    assert.equal(names.sort(), [
      "grpc.health.v1.Health",
      "grpc.reflection.v1alpha.ServerReflection",
      "jina.JinaDataRequestRPC",
      "jina.JinaDiscoverEndpointsRPC",
      "jina.JinaInfoRPC",
      "jina.JinaRPC",
      "jina.JinaSingleDataRequestRPC",
    ]);
    assert.is(file?.messageResponse.case, "fileDescriptorResponse");
    const protos = file?.messageResponse.case === "fileDescriptorResponse" ? file.messageResponse.value.fileDescriptorProto : [];
    const fileNames = protos.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
    assert.is(fileNames[0], "jina.proto");
    assert.ok(fileNames.includes("docarray.proto"));
    assert.is(missing?.messageResponse.case, "errorResponse");
  });
});

test("bytes that are not a DataRequestProto answer INVALID_ARGUMENT and the server keeps serving", async () => {
  await withServer(new Upper(), async (transport, server) => {
    const garbage = new Uint8Array([0x0a, 0x64, 0x01, 0x02, 0x03]); // field 1 claims 100 bytes, 3 follow
    const path = "/jina.JinaSingleDataRequestRPC/process_single_data";
    const grpc = await rawPost(server.url, path, "application/grpc+proto", grpcFrame(garbage));
    assert.is(grpc.headers["grpc-status"], String(Code.InvalidArgument), `got ${grpc.headers["grpc-status"]} ${grpc.headers["grpc-message"]}`);
    assert.match(decodeURIComponent(grpc.headers["grpc-message"] ?? ""), /parse/);
    const connect = await rawPost(server.url, path, "application/proto", garbage);
    assert.is(connect.status, 400);
    assert.is(JSON.parse(connect.body).code, "invalid_argument");
    const bidi = await rawPost(server.url, "/jina.JinaRPC/Call", "application/grpc+proto", grpcFrame(garbage));
    assert.is(bidi.headers["grpc-status"], String(Code.InvalidArgument));
    const response = await createClient(JinaSingleDataRequestRPC, transport).process_single_data(createDataRequest({ endpoint: "/index", docs: docs("ok") }));
    assert.equal(docsOf(response).texts, ["OK"]);
  });
});

test("a request above readMaxBytes is RESOURCE_EXHAUSTED and the server keeps serving", async () => {
  await withServer(new Upper(), async (transport) => {
    const client = createClient(JinaSingleDataRequestRPC, transport);
    try {
      await client.process_single_data(createDataRequest({ endpoint: "/index", docs: docs("x".repeat(4096)) }));
      assert.unreachable();
    } catch (error) {
      assert.is(ConnectError.from(error).code, Code.ResourceExhausted);
    }
    const response = await client.process_single_data(createDataRequest({ endpoint: "/index", docs: docs("small") }));
    assert.equal(docsOf(response).texts, ["SMALL"]);
  }, 1024);
});

test("GET / on the executor's port answers {} (Jina's HTTP health check)", async () => {
  await withServer(new Upper(), async (_transport, server) => {
    const body = await new Promise<string>((resolve, reject) => {
      const session = http2.connect(server.url);
      session.on("error", reject);
      const stream = session.request({ ":method": "GET", ":path": "/" });
      let text = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (text += chunk));
      stream.on("error", reject);
      stream.on("end", () => {
        session.close();
        resolve(text);
      });
    });
    assert.equal(JSON.parse(body), {});
  });
});

test("Executor.serve serves the class alone with usesWith; closing the server closes the executor", async () => {
  const server = await Closer.serve({ port: 0, usesWith: { tag: "served" }, metas: { name: "solo", workspace: ".workspace-test" } });
  const sessions = new Http2SessionManager(server.url);
  try {
    const transport = createGrpcTransport({ baseUrl: server.url, sessionManager: sessions });
    const response = await createClient(JinaSingleDataRequestRPC, transport).process_single_data(createDataRequest({ endpoint: "/tag", docs: docs("a") }));
    assert.is(docsOf(response).at(0)?.tags.tag, "served");
    assert.is(docsOf(response).at(0)?.tags.name, "solo");
  } finally {
    sessions.abort();
    await server.close();
  }
  const { existsSync, rmSync } = await import("node:fs");
  assert.ok(existsSync(".workspace-test/solo/0/closed.txt"));
  rmSync(".workspace-test", { recursive: true, force: true });
});

test.run();
