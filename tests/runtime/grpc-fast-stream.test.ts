/**
 * The server fast path of a bidirectional method with one answer per request message (`runtime/grpc-fast-stream.ts`,
 * what serves the gateway's `jina.JinaRPC/Call`), driven by a raw node:http2 client: messages split across chunks
 * and several in one chunk, answer order, the concurrency bound, a handler's failure, cancellation, the deadline,
 * gzip both ways, the handler's trailers and a body that ends within a message.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import * as http2 from "node:http2";
import { gunzipSync, gzipSync } from "node:zlib";
import { type DataRequestProto, DataRequestProtoSchema, JinaRPC } from "../../proto/gen/jina_pb.ts";
import { fastStreamRoute, type FastStreamSettings } from "../../runtime/grpc-fast-stream.ts";
import type { FastUnaryCall } from "../../runtime/grpc-fast-unary.ts";
import { grpcEnvelope } from "../../runtime/grpc-frame.ts";
import { serveGrpc } from "../../runtime/serve-grpc.ts";
import { spawnScript } from "../../runtime/spawn.ts";
import type { Server } from "../../runtime/server.ts";

const path = "/jina.JinaRPC/Call";

/** A request whose id says what the handler does: `<n>`, `<n>:wait<ms>`, `<n>:fail`, `<n>:big`. */
function request(id: string): Uint8Array {
  return toBinary(DataRequestProtoSchema, create(DataRequestProtoSchema, { header: { requestId: id } }));
}

interface Answer {
  ids: string[];
  status: string | undefined;
  message: string;
  trailers: http2.IncomingHttpHeaders;
  encoding: string | undefined;
  flags: number[];
}

/** Sends `frames` as one body cut into pieces of `pieceBytes` (all at once when 0), and collects the answer. */
function call(server: Server, frames: Uint8Array[], options: { headers?: Record<string, string>; pieceBytes?: number; cancelAfterMs?: number } = {}): Promise<Answer> {
  const session = http2.connect(server.url);
  return new Promise<Answer>((resolve, reject) => {
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...options.headers });
    let head: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (head = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("close", () => {
      const body = Buffer.concat(chunks);
      const ids: string[] = [];
      const flags: number[] = [];
      for (let at = 0; at + 5 <= body.byteLength; at += 5 + body.readUInt32BE(at + 1)) {
        const bytes = body.subarray(at + 5, at + 5 + body.readUInt32BE(at + 1));
        flags.push(body[at]!);
        ids.push(fromBinary(DataRequestProtoSchema, body[at] === 1 ? gunzipSync(bytes) : bytes).header!.requestId);
      }
      const status = (trailers["grpc-status"] ?? head["grpc-status"]) as string | undefined;
      resolve({ ids, status, message: decodeURIComponent(String(trailers["grpc-message"] ?? "")), trailers, encoding: head["grpc-encoding"] as string | undefined, flags });
    });
    const body = Buffer.concat(frames);
    const piece = options.pieceBytes ?? 0;
    if (options.cancelAfterMs !== undefined) {
      stream.write(body);
      setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), options.cancelAfterMs);
    } else if (piece === 0) stream.end(body);
    else {
      for (let at = 0; at < body.byteLength; at += piece) stream.write(body.subarray(at, at + piece));
      stream.end();
    }
  }).finally(() => session.close());
}

/** A server of one stream route, and what its handler saw. */
async function serve(settings: FastStreamSettings) {
  const seen = { running: 0, mostRunning: 0, cancelled: [] as string[] };
  const handle = async (message: DataRequestProto, call: FastUnaryCall) => {
    const id = message.header!.requestId;
    call.onCancel(() => seen.cancelled.push(id));
    seen.running++;
    seen.mostRunning = Math.max(seen.mostRunning, seen.running);
    try {
      const wait = /:wait(\d+)/.exec(id);
      await new Promise((resolve) => setTimeout(resolve, wait ? Number(wait[1]) : 1));
      if (id.endsWith(":fail")) throw new ConnectError(`request ${id} failed`, Code.FailedPrecondition);
      if (id.endsWith(":trailer")) call.responseTrailer.set("is-error", "true");
      if (id.endsWith(":big")) message.header!.execEndpoint = "/x".repeat(2048);
      return message;
    } finally {
      seen.running--;
    }
  };
  const server = await serveGrpc({ routes: () => {}, fastStream: [fastStreamRoute(JinaRPC.method.call, handle, () => settings)] });
  return { server, seen };
}

const ids = (count: number, suffix = "") => Array.from({ length: count }, (_, i) => `${i}${suffix}`);
const frames = (list: string[]) => list.map((id) => grpcEnvelope(request(id), false));

test("messages cut at every 7 bytes, and 40 in one chunk, are each answered once, in request order", async () => {
  const { server } = await serve({ limit: 0, inOrder: true });
  try {
    const list = ids(40).map((id, i) => (i % 3 === 0 ? `${id}:wait${40 - i}` : id));
    for (const pieceBytes of [7, 0]) {
      const answer = await call(server, frames(list), { pieceBytes });
      assert.is(answer.status, "0");
      assert.equal(answer.ids, list, `pieces of ${pieceBytes || "all"} bytes`);
    }
  } finally {
    await server.close();
  }
});

test("without inOrder, answers go out as they are ready", async () => {
  const { server } = await serve({ limit: 0, inOrder: false });
  try {
    const answer = await call(server, frames(["0:wait150", "1", "2:wait50"]));
    assert.equal(answer.ids, ["1", "2:wait50", "0:wait150"]);
  } finally {
    await server.close();
  }
});

test("limit bounds the messages handled at once; the rest wait and are all answered", async () => {
  const { server, seen } = await serve({ limit: 3, inOrder: true });
  try {
    const answer = await call(server, frames(ids(30, ":wait5")));
    assert.is(answer.ids.length, 30);
    assert.is(seen.mostRunning, 3);
  } finally {
    await server.close();
  }
});

test("a failing handler ends the call with its status after the answers before it, and cancels the ones still running", async () => {
  const { server, seen } = await serve({ limit: 0, inOrder: true });
  try {
    const answer = await call(server, frames(["0", "1", "2:wait20:fail", "3:wait300", "4"]));
    assert.equal(answer.ids, ["0", "1"]);
    assert.is(answer.status, String(Code.FailedPrecondition));
    assert.match(answer.message, "request 2:wait20:fail failed");
    assert.ok(seen.cancelled.includes("3:wait300"), `cancelled: ${seen.cancelled}`);
  } finally {
    await server.close();
  }
});

test("the client resetting the stream cancels the handlers; a passed grpc-timeout answers DEADLINE_EXCEEDED and cancels them too", async () => {
  const { server, seen } = await serve({ limit: 0, inOrder: true });
  try {
    await call(server, frames(["a:wait500"]), { cancelAfterMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(seen.cancelled, ["a:wait500"]);
    const answer = await call(server, frames(["b:wait500", "c"]), { headers: { "grpc-timeout": "80m" } });
    assert.is(answer.status, String(Code.DeadlineExceeded));
    assert.equal(answer.ids, []);
    assert.ok(seen.cancelled.includes("b:wait500"), `cancelled: ${seen.cancelled}`);
  } finally {
    await server.close();
  }
});

test("gzip: compressed messages in; answers of 1 KiB or more gzipped, smaller ones not", async () => {
  const { server } = await serve({ limit: 0, inOrder: true });
  try {
    const zipped = ["0:big", "1"].map((id) => grpcEnvelope(gzipSync(request(id)), true));
    const answer = await call(server, zipped, { headers: { "grpc-encoding": "gzip" } });
    assert.is(answer.status, "0");
    assert.is(answer.encoding, "gzip");
    assert.equal(answer.ids, ["0:big", "1"]);
    assert.equal(answer.flags, [1, 0]);
    const undeclared = await call(server, zipped);
    assert.is(undeclared.status, String(Code.InvalidArgument));
  } finally {
    await server.close();
  }
});

test("the handler's trailers go out beside grpc-status; a body that ends within a message answers INVALID_ARGUMENT", async () => {
  const { server } = await serve({ limit: 0, inOrder: true });
  try {
    const answer = await call(server, frames(["0", "1:trailer"]));
    assert.equal([answer.status, answer.trailers["is-error"]], ["0", "true"]);
    const cut = grpcEnvelope(request("2"), false).subarray(0, 9);
    const truncated = await call(server, [...frames(["0", "1"]), cut]);
    assert.is(truncated.status, String(Code.InvalidArgument));
    assert.match(truncated.message, "promised");
  } finally {
    await server.close();
  }
});

test("a client resetting a fast unary or stream call with an error code does not take the server down", async () => {
  // Before: the reset stream emitted 'error' with no listener, an uncaught exception on Node and Deno.
  const child = spawnScript(new URL("./fixtures/fast-routes-server.ts", import.meta.url));
  try {
    const port = await child.waitForLine((line) => (line.startsWith("port ") ? Number(line.slice(5)) : undefined));
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", () => {});
    for (const target of ["/jina.JinaSingleDataRequestRPC/process_single_data", path]) {
      for (const code of [http2.constants.NGHTTP2_INTERNAL_ERROR, http2.constants.NGHTTP2_PROTOCOL_ERROR, http2.constants.NGHTTP2_ENHANCE_YOUR_CALM]) {
        const stream = session.request({ ":method": "POST", ":path": target, "content-type": "application/grpc" });
        stream.on("error", () => {});
        stream.write(new Uint8Array([0, 0, 0, 0, 10])); // a message still coming
        await new Promise((resolve) => setTimeout(resolve, 30));
        stream.close(code);
        await new Promise((resolve) => stream.once("close", resolve));
      }
    }
    session.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.not.ok(child.hasExited, `the server exited:\n${child.lastOutput()}`);
    const server = { url: `http://127.0.0.1:${port}` } as Server;
    assert.equal((await call(server, frames(["still serving"]))).ids, ["still serving"]);
  } finally {
    await child.stop();
  }
});

test.run();
