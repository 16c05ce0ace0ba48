/**
 * Fuzz of the gRPC ports (issue 4, "Bad input"): 1,000 raw bodies, framed the gRPC way (and mis-framed), sent with
 * node:http2 to `process_single_data`, `Call`, the other services and unknown methods — on a gateway's gRPC port and
 * on an executor served alone (Jina gateways call executors directly). Every call must end with a sensible status
 * (OK, maybe with an in-band error; INVALID_ARGUMENT for undecodable messages; RESOURCE_EXHAUSTED over
 * `maxRequestBytes`; UNIMPLEMENTED for unknown methods — or HTTP 404, which gRPC clients read as UNIMPLEMENTED — and
 * HTTP 415 for a content type that is not gRPC), never INTERNAL/UNKNOWN/UNAVAILABLE, a reset or a hang; afterwards
 * a normal call works. `FUZZ_SEED` replays a run.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import * as http2 from "node:http2";
import { createDataRequest, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { bindRequests, Executor, type HandlerArgs, serveExecutor } from "../../executor/mod.ts";
import { createGateway } from "../../gateway/mod.ts";
import { DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import type { Server } from "../../runtime/mod.ts";
import { fakeExecutor } from "../gateway/fakes.ts";
import { fuzzMaxRequestBytes, serveFuzzGateway } from "./_gateway.ts";
import { type Bytes, concat, createRng, type FuzzCase, fuzzSeed, grpcFrame, protoCases, type Rng, runCases, assertFuzzPassed } from "./_corpus.ts";

const maxRequestBytes = fuzzMaxRequestBytes;
const single = "/jina.JinaSingleDataRequestRPC/process_single_data";
const call = "/jina.JinaRPC/Call";
const unknownMethods = ["/jina.JinaRPC/Nope", "/nope.Service/Call", `${single}x`, "/jina.JinaSingleDataRequestRPC/", "/", "/jina.JinaRPC"];

/** What a raw HTTP/2 call got back. */
interface Answer {
  httpStatus: number;
  grpcStatus: number | undefined;
  grpcMessage: string;
  body: Uint8Array;
}

/** One HTTP/2 session to `url`, reconnected when it closes. */
function sessions(url: string): { get(): http2.ClientHttp2Session; close(): void } {
  let session: http2.ClientHttp2Session | undefined;
  return {
    get() {
      if (!session || session.closed || session.destroyed) {
        session = http2.connect(url);
        session.on("error", () => {}); // a broken session shows up as stream errors of the calls on it
      }
      return session;
    },
    close: () => session?.close(),
  };
}

/** POSTs `body` as is (already framed) to `path`; rejects on a stream error (a reset is a failure). */
function rawCall(session: http2.ClientHttp2Session, path: string, body: Uint8Array, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": "POST", ":path": path, te: "trailers", ...headers }, { signal });
    let head: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Uint8Array[] = [];
    stream.on("response", (h) => (head = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    stream.on("error", (error) => reject(new Error(`stream error: ${error.message}`)));
    stream.on("close", () => {
      const status = trailers["grpc-status"] ?? head["grpc-status"];
      const message = String(trailers["grpc-message"] ?? head["grpc-message"] ?? "");
      let grpcMessage = message;
      try {
        grpcMessage = decodeURIComponent(message);
      } catch { /* keep it encoded */ }
      resolve({ httpStatus: Number(head[":status"] ?? 0), grpcStatus: status === undefined ? undefined : Number(status), grpcMessage, body: concat(...chunks) });
    });
    stream.end(body);
  });
}

/** The messages of a gRPC response body (length-prefixed frames). */
function messagesOf(body: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 5 <= body.byteLength) {
    const length = new DataView(body.buffer, body.byteOffset + at + 1, 4).getUint32(0);
    out.push(body.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return out;
}

interface GrpcCase extends FuzzCase {
  path: string;
  headers: Record<string, string>;
  /** The statuses this case may end with (gRPC codes; "404"/"415" for HTTP answers without a gRPC status). */
  accept: ReadonlyArray<number | "200" | "400" | "404" | "415">;
  /** Decode answered messages as DataRequestProtos. */
  dataMethod: boolean;
}

const ok = 0;
const invalidArgument = 3;
const notFound = 5;
const resourceExhausted = 8;
const unimplemented = 12;

/** Frames (or mis-frames) a message body; says how and which statuses that allows on top of the usual ones. */
function frame(rng: Rng, message: Uint8Array, unary: boolean): { how: string; body: Bytes; headers: Record<string, string>; extra: GrpcCase["accept"] } {
  const roll = rng.int(100);
  if (roll < 75) return { how: "framed", body: grpcFrame(message), headers: {}, extra: [] };
  const misframed = rng.pick<() => ReturnType<typeof frame>>([
    () => ({ how: "length prefix too long", body: grpcFrame(message, 0, message.byteLength + 1 + rng.int(100)), headers: {}, extra: [] }),
    () => ({ how: "length prefix too short", body: grpcFrame(message, 0, Math.max(0, message.byteLength - 1 - rng.int(10))), headers: {}, extra: [] }),
    () => ({ how: "length prefix over the limit", body: grpcFrame(message, 0, maxRequestBytes + 1 + rng.int(2 ** 31)), headers: {}, extra: [] }),
    () => ({ how: "frame cut inside its header", body: grpcFrame(message).slice(0, rng.int(5)), headers: {}, extra: [] }),
    () => ({ how: "no frame", body: new Uint8Array(), headers: {}, extra: [] }),
    () => ({ how: "two frames", body: concat(grpcFrame(message), grpcFrame(message)), headers: {}, extra: [] }),
    () => ({ how: "compressed flag without grpc-encoding", body: grpcFrame(message, 1), headers: {}, extra: [] }),
    () => ({ how: "compressed flag, gzip, not gzip", body: grpcFrame(message, 1), headers: { "grpc-encoding": "gzip" }, extra: [] }),
    // An unknown grpc-encoding is UNIMPLEMENTED in the gRPC spec.
    () => ({ how: "unknown grpc-encoding", body: grpcFrame(message, 1), headers: { "grpc-encoding": "zstd9" }, extra: [unimplemented] }),
    () => ({ how: "flags 0x80", body: grpcFrame(message, 0x80), headers: {}, extra: [] }),
    () => ({ how: "content-type not gRPC", body: grpcFrame(message), headers: { "content-type": rng.pick(["text/plain", "application/grpc+zzz"]) }, extra: ["415"] }),
    // The gRPC port also speaks the Connect protocol: its JSON errors come with an HTTP status (400 invalid_argument).
    () => ({ how: "Connect JSON on the gRPC port", body: new Uint8Array(message), headers: { "content-type": "application/json" }, extra: ["200", "400", "415"] }), // 415: streams take application/connect+json
    () => ({ how: "bad grpc-timeout", body: grpcFrame(message), headers: { "grpc-timeout": rng.pick(["-1S", "zz", "99999999999H", ""]) }, extra: [] }),
  ])();
  // Connect answers a unary call whose body holds no whole message with UNIMPLEMENTED ("missing input message").
  return unary ? { ...misframed, extra: [...misframed.extra, unimplemented] } : misframed;
}

/** `n` cases for a server whose data methods are `dataPaths` (the other paths are its non-data services). */
function buildCases(seed: number, n: number, dataPaths: readonly string[], otherPaths: readonly string[]): GrpcCase[] {
  const rng = createRng(seed);
  return protoCases(rng, n).map((c): GrpcCase => {
    const roll = rng.int(100);
    const path = roll < 80 ? rng.pick(dataPaths) : roll < 90 ? rng.pick(otherPaths) : rng.pick(unknownMethods);
    const unary = path !== call && !path.endsWith("/ServerReflectionInfo") && !path.endsWith("/Watch");
    const framed = frame(rng, c.body, unary);
    const known = dataPaths.includes(path) || otherPaths.includes(path);
    // Health answers NOT_FOUND for a service name it does not know (random bytes decode to one).
    const health = path.endsWith("Health/Check") ? [notFound] : [];
    const accept: GrpcCase["accept"] = known ? [ok, invalidArgument, resourceExhausted, ...health, ...framed.extra] : [unimplemented, "404", "415"];
    return {
      label: `${path} ${framed.how}: ${c.label}`,
      body: framed.body,
      path,
      headers: { "content-type": "application/grpc", ...framed.headers },
      accept,
      dataMethod: dataPaths.includes(path),
    };
  });
}

/** Checks one answer against what the case allows; OK answers of data methods must decode as DataRequestProtos. */
function checkAnswer(c: GrpcCase, answer: Answer): string | undefined {
  const got = answer.grpcStatus ?? (String(answer.httpStatus) as "404");
  const what = answer.grpcStatus === undefined ? `HTTP ${answer.httpStatus} without grpc-status` : `grpc-status ${answer.grpcStatus} (${answer.grpcMessage.slice(0, 200)})`;
  if (!c.accept.includes(got)) return `${what}; want one of ${c.accept.join(", ")}`;
  if (answer.grpcStatus !== undefined && answer.grpcStatus !== ok && answer.grpcMessage.trim() === "") return `${what} without a grpc-message saying what was wrong`;
  if (answer.grpcStatus === ok && c.dataMethod) {
    for (const message of messagesOf(answer.body)) {
      try {
        const response = fromBinary(DataRequestProtoSchema, message);
        const status = response.header?.status;
        if (status?.code === 1 && !status.description && !status.exception?.args?.[0]) return "an in-band error without a description";
      } catch (error) {
        return `OK with a response that is not a DataRequestProto: ${(error as Error).message}`;
      }
    }
  }
  return undefined;
}

/** A normal call still works after the fuzz. */
async function normalCallWorks(url: string, expectText: string): Promise<void> {
  const pool = sessions(url);
  try {
    const request = createDataRequest({ endpoint: "/search", docs: new DocumentArray([{ id: "after", text: "still serving" }]) });
    const answer = await rawCall(pool.get(), single, grpcFrame(toBinary(DataRequestProtoSchema, request)), { "content-type": "application/grpc" }, AbortSignal.timeout(10_000));
    assert.is(answer.grpcStatus, ok, `the normal call after the fuzz: ${answer.grpcMessage}`);
    const [message] = messagesOf(answer.body);
    assert.ok(message, "the normal call got a response message");
    const response = fromBinary(DataRequestProtoSchema, message);
    assert.is(response.header?.status?.code ?? 0, 0, response.header?.status?.description);
    assert.equal(docsOf(response).texts, [expectText]);
  } finally {
    pool.close();
  }
}

async function fuzz(suite: string, server: Server, dataPaths: readonly string[], otherPaths: readonly string[]): Promise<void> {
  const seed = fuzzSeed(suite);
  const cases = buildCases(seed, 1000, dataPaths, otherPaths);
  const pool = sessions(server.url);
  try {
    const result = await runCases(suite, seed, cases, 16, async (c, _, signal) => checkAnswer(c, await rawCall(pool.get(), c.path, c.body, c.headers, signal)));
    assertFuzzPassed(result);
    console.log(result.report);
  } finally {
    pool.close();
  }
}

const gatewayOther = [
  "/jina.JinaGatewayDryRunRPC/dry_run",
  "/jina.JinaInfoRPC/_status",
  "/grpc.health.v1.Health/Check",
  "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

test("gateway gRPC port: 1,000 raw and mis-framed bodies get a sensible grpc-status, then a normal call works", async () => {
  const { gateway, server } = await serveFuzzGateway("grpc");
  try {
    await fuzz("grpc-gateway", server, [single, single, call], gatewayOther);
    await normalCallWorks(server.url, "STILL SERVING");
  } finally {
    await server.close();
    await gateway.close();
  }
});

test("bad input the fuzzer found: an execEndpoint unfit for gRPC metadata answers INVALID_ARGUMENT, not UNAVAILABLE", async () => {
  const gateway = createGateway({
    graph: { "start-gateway": ["fuzz"], fuzz: ["end-gateway"] },
    deployments: [{ name: "fuzz", shards: [[fakeExecutor("fuzz").transport]] }],
  });
  const server = await gateway.serve({ protocol: "grpc", port: 0 });
  const pool = sessions(server.url);
  try {
    // Today: grpc-status 14 "Deployment "fuzz" is unavailable: 4 attempt(s) failed … "/a\u0000b" is an invalid header value"
    for (const endpoint of ["/a\u0000b", "/a\nb"]) {
      const request = createDataRequest({ endpoint, docs: new DocumentArray([{ text: "x" }]) });
      const answer = await rawCall(pool.get(), single, grpcFrame(toBinary(DataRequestProtoSchema, request)), { "content-type": "application/grpc" }, AbortSignal.timeout(10_000));
      assert.is(answer.grpcStatus, invalidArgument, `${JSON.stringify(endpoint)}: grpc-status ${answer.grpcStatus} ${answer.grpcMessage}`);
    }
  } finally {
    pool.close();
    await server.close();
    await gateway.close();
  }
});

/** The executor served alone: reads every tensor and embedding (bad ones fail in-band) and upper-cases texts. */
class FuzzExecutor extends Executor {
  touch({ docs }: HandlerArgs) {
    for (const doc of docs) {
      void doc.tensor?.toList();
      void doc.embedding?.shape;
      if (doc.text) doc.text = doc.text.toUpperCase();
    }
  }
}
bindRequests(FuzzExecutor, { "/default": "touch" });

const executorOther = [
  "/jina.JinaDataRequestRPC/process_data",
  "/jina.JinaDiscoverEndpointsRPC/endpoint_discovery",
  "/jina.JinaInfoRPC/_status",
  "/grpc.health.v1.Health/Check",
  "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

test("executor served alone: 1,000 raw and mis-framed bodies get a sensible grpc-status, then a normal call works", async () => {
  const executor = new FuzzExecutor();
  const server = await serveExecutor(executor, { port: 0, readMaxBytes: maxRequestBytes });
  try {
    await fuzz("grpc-executor", server, [single, single, call], executorOther);
    await normalCallWorks(server.url, "STILL SERVING");
  } finally {
    await server.close();
    await executor.close();
  }
});

test("FUZZ_SEED=4039783985: a frame flagged compressed under grpc-encoding gzip whose payload is not gzip answers INVALID_ARGUMENT on the gateway and the executor", async () => {
  const gateway = createGateway({
    graph: { "start-gateway": ["fuzz"], fuzz: ["end-gateway"] },
    deployments: [{ name: "fuzz", shards: [[fakeExecutor("fuzz").transport]] }],
  });
  const executor = new FuzzExecutor();
  const servers = [await gateway.serve({ protocol: "grpc", port: 0 }), await serveExecutor(executor, { port: 0 })];
  try {
    for (const server of servers) {
      const pool = sessions(server.url);
      try {
        for (const path of [single, call]) {
          for (const payload of [new Uint8Array([0x0a]), new Uint8Array([1, 2, 3, 4, 5, 6]), new Uint8Array([0x1f, 0x8b, 8, 0])]) {
            const answer = await rawCall(pool.get(), path, grpcFrame(payload, 1), { "content-type": "application/grpc", "grpc-encoding": "gzip" }, AbortSignal.timeout(10_000));
            assert.is(answer.grpcStatus, invalidArgument, `${server.url}${path} [${payload}]: ${answer.grpcStatus} ${answer.grpcMessage}`);
          }
        }
      } finally {
        pool.close();
      }
    }
  } finally {
    for (const server of servers) await server.close();
    await gateway.close();
    await executor.close();
  }
});

test("messages over maxRequestBytes answer RESOURCE_EXHAUSTED on the gateway and the executor, and both keep serving", async () => {
  const gateway = createGateway({
    graph: { "start-gateway": ["fuzz"], fuzz: ["end-gateway"] },
    deployments: [{ name: "fuzz", shards: [[fakeExecutor("fuzz", ({ docs }) => void (docs.at(0)!.text = "STILL SERVING")).transport]] }],
    maxRequestBytes,
  });
  const executor = new FuzzExecutor();
  const servers = [await gateway.serve({ protocol: "grpc", port: 0 }), await serveExecutor(executor, { port: 0, readMaxBytes: maxRequestBytes })];
  try {
    const big = toBinary(DataRequestProtoSchema, createDataRequest({ docs: new DocumentArray([{ text: "x".repeat(maxRequestBytes) }]) }));
    for (const server of servers) {
      const pool = sessions(server.url);
      try {
        for (const path of [single, call]) {
          const answer = await rawCall(pool.get(), path, grpcFrame(big), { "content-type": "application/grpc" }, AbortSignal.timeout(10_000));
          assert.is(answer.grpcStatus, resourceExhausted, `${server.url}${path}: ${answer.grpcMessage}`);
          assert.match(answer.grpcMessage, /larger than/);
        }
      } finally {
        pool.close();
      }
      await normalCallWorks(server.url, "STILL SERVING");
    }
  } finally {
    for (const server of servers) await server.close();
    await gateway.close();
    await executor.close();
  }
});

test.run();
