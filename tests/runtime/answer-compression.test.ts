/**
 * Which gRPC answers a server gzips: a client that merely accepts gzip (every gRPC C-core client, Python Jina's
 * gateway too, says `grpc-accept-encoding: identity,deflate,gzip`) gets its answer uncompressed, as from Jina's
 * Python executors; a request that came gzipped gets a gzipped answer (as grpc-go and Connect answer); `compressAnswers: true`
 * gzips every answer of 1 KiB or more to clients that accept it. Checked on the fast path, on Connect's handlers
 * (gRPC and gRPC-web), and on an executor's server.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { toBinary } from "@bufbuild/protobuf";
import * as http2 from "node:http2";
import { gzipSync } from "node:zlib";
import { createDataRequest, Document, DocumentArray } from "../../docarray/mod.ts";
import { Executor, requests, serveExecutor } from "../../executor/mod.ts";
import { DataRequestProtoSchema, JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { fastUnaryRoute } from "../../runtime/grpc-fast-unary.ts";
import { grpcEnvelope } from "../../runtime/grpc-frame.ts";
import { serveGrpc, type ServeGrpcOptions } from "../../runtime/serve-grpc.ts";
import type { Server } from "../../runtime/server.ts";

const path = "/jina.JinaSingleDataRequestRPC/process_single_data";
const message = toBinary(DataRequestProtoSchema, createDataRequest({ endpoint: "/x", docs: new DocumentArray([new Document({ text: "jina ".repeat(1_000) })]) }));
const acceptsGzip = { "grpc-accept-encoding": "identity,deflate,gzip" };

interface Answer {
  status: string | undefined;
  encoding: string | undefined;
  /** The first frame's compressed flag. */
  flag: number | undefined;
}

/** One raw gRPC call: `gzip` sends the message gzipped (`grpc-encoding: gzip`). */
async function call(server: Server, headers: Record<string, string>, gzip = false, contentType = "application/grpc"): Promise<Answer> {
  const session = http2.connect(server.url);
  try {
    return await new Promise<Answer>((resolve, reject) => {
      const body = gzip ? grpcEnvelope(gzipSync(message), true) : grpcEnvelope(message, false);
      const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType, te: "trailers", ...headers, ...(gzip ? { "grpc-encoding": "gzip" } : {}) });
      let head: http2.IncomingHttpHeaders = {};
      let status: string | undefined;
      const chunks: Buffer[] = [];
      stream.on("response", (h) => ((head = h), (status = h["grpc-status"] as string | undefined)));
      stream.on("trailers", (t) => (status = t["grpc-status"] as string | undefined));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", reject);
      stream.on("close", () => {
        const bytes = Buffer.concat(chunks);
        // gRPC-web sends its trailers as a last frame in the body (flag 0x80)
        if (status === undefined && contentType.startsWith("application/grpc-web")) status = /grpc-status:\s*(\d+)/.exec(bytes.toString("latin1"))?.[1];
        resolve({ status, encoding: head["grpc-encoding"] as string | undefined, flag: bytes[0] });
      });
      stream.end(body);
    });
  } finally {
    session.close();
  }
}

const echo = fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, (request) => request);
const servers: Record<string, Partial<ServeGrpcOptions>> = {
  "fast path": { routes: () => {}, fastUnary: [echo] },
  "Connect's handlers": { routes: (router) => router.service(JinaSingleDataRequestRPC, { process_single_data: (request) => request }) },
};

for (const [name, options] of Object.entries(servers)) {
  test(`${name}: a client that accepts gzip but sends uncompressed gets an uncompressed answer; a gzipped request a gzipped one`, async () => {
    const server = await serveGrpc({ routes: () => {}, ...options });
    try {
      assert.equal(await call(server, acceptsGzip), { status: "0", encoding: undefined, flag: 0 });
      assert.equal(await call(server, acceptsGzip, true), { status: "0", encoding: "gzip", flag: 1 });
      assert.equal(await call(server, {}, true), { status: "0", encoding: "gzip", flag: 1 }, "a client that sent gzip can read it");
    } finally {
      await server.close();
    }
  });

  test(`${name}: compressAnswers gzips every answer of 1 KiB or more to a client that accepts gzip`, async () => {
    const server = await serveGrpc({ routes: () => {}, ...options, compressAnswers: true });
    try {
      assert.equal(await call(server, acceptsGzip), { status: "0", encoding: "gzip", flag: 1 });
      assert.equal(await call(server, {}), { status: "0", encoding: undefined, flag: 0 });
    } finally {
      await server.close();
    }
  });
}

test("gRPC-web on Connect's handlers: uncompressed unless the request came gzipped", async () => {
  const server = await serveGrpc(servers["Connect's handlers"] as ServeGrpcOptions);
  try {
    const web = "application/grpc-web+proto";
    assert.equal(await call(server, acceptsGzip, false, web), { status: "0", encoding: undefined, flag: 0 });
    assert.equal(await call(server, acceptsGzip, true, web), { status: "0", encoding: "gzip", flag: 1 });
  } finally {
    await server.close();
  }
});

class Noop extends Executor {
  @requests()
  noop(): void {}
}

test("an executor answers a client that accepts gzip (as Python Jina's gateway) uncompressed, and a gzipped request gzipped", async () => {
  const server = await serveExecutor(new Noop(), { port: 0 });
  try {
    assert.equal(await call(server, acceptsGzip), { status: "0", encoding: undefined, flag: 0 });
    assert.equal(await call(server, acceptsGzip, true), { status: "0", encoding: "gzip", flag: 1 });
  } finally {
    await server.close();
  }
});

test.run();
