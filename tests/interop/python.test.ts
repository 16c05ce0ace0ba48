/**
 * Wire interop with a real Python gRPC peer (Debian's python3-grpcio and python3-protobuf, run by /usr/bin/python3):
 * `jina_peer.py` plays Jina's Python client against our gateway, and Jina's gateway against one of our executors
 * served alone. Message classes come from our .proto files (a FileDescriptorSet built with buf). Skipped with the
 * reason when those Python modules are missing: `bash scripts/python-interop-deps.sh` installs them (CI runs it).
 * `JINA_INTEROP_PYTHON` names another interpreter.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Flow } from "../../mod.ts";
import { Client } from "../../client/mod.ts";
import { DocumentArray } from "../../docarray/mod.ts";
import { ErrorCode, type JinaError } from "../../proto/errors.ts";
import { serveExecutor } from "../../executor/mod.ts";
import { getEnv, type Server } from "../../runtime/mod.ts";
import { runtimeName } from "../_setup.ts";
import { InteropEncoder } from "./executors.ts";

/** Debian's python3 (the default `python3` here may be another build without Debian's packages). */
const PYTHON = getEnv("JINA_INTEROP_PYTHON") || "/usr/bin/python3";
const root = fileURLToPath(new URL("../../", import.meta.url));
const peerScript = fileURLToPath(new URL("./jina_peer.py", import.meta.url));

/** Why the Python peer cannot run here, or undefined when it can. */
function pythonMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} does not exist (the peer needs Debian's python3 with python3-grpcio)`;
  const probe = spawnSync(PYTHON, ["-c", "import grpc, google.protobuf"], { encoding: "utf8", timeout: 30_000 });
  if (probe.status === 0) return undefined;
  return `${PYTHON} cannot import grpc and google.protobuf (Debian's python3-grpcio, python3-protobuf): ` +
    "run `bash scripts/python-interop-deps.sh` as root to install them";
}

const skipReason = pythonMissing();

/** Why the TLS test cannot run here (it makes a self-signed certificate with openssl), or undefined. */
const tlsSkipReason = skipReason ??
  (spawnSync("openssl", ["version"], { timeout: 30_000 }).status === 0 ? undefined : "openssl is not on PATH (it makes the test certificate)");

/** A test that needs the Python peer: skipped by name with the reason when it cannot run. */
function interop(name: string, fn: () => Promise<void>, reason = skipReason): void {
  if (reason) {
    console.log(`skip ${runtimeName()} ${name}: ${reason}`);
    test.skip(name, fn);
  } else {
    test(name, fn);
  }
}

// --- what jina_peer.py prints ------------------------------------------------------------------------------------

interface Nd { clsName: string; dtype: string; shape: number[]; values: Array<number | string | boolean> }
interface Doc {
  id: string;
  text?: string;
  tensor?: Nd;
  embedding?: Nd;
  tags?: Record<string, unknown>;
  tagKinds?: Record<string, string>;
  scores?: Record<string, { value: number; opName: string }>;
  matches?: Doc[];
}
interface Exception { name: string; args: string[]; executor: string; stacks: string }
interface Status { code: number; codeName: string; description: string; exception: Exception | null }
interface Route { executor: string; hasStartTime: boolean; hasEndTime: boolean; status: number }
interface Response {
  requestId: string;
  execEndpoint: string | null;
  status: Status;
  parameters: Record<string, unknown>;
  routes: Route[];
  documents: string | null;
  docs: Doc[];
}
interface Unary { response: Response; trailers: Record<string, string> }
interface Stream { responses: Response[]; trailers: Record<string, string>; code: string }
interface RpcError { grpcCode: string; details: string }
interface Reflected { files: string[]; methods: string[]; requestType: string }
interface Info { jina: Record<string, string>; envKeys: number }

// --- the servers ---------------------------------------------------------------------------------------------------

let dir = "";
let descriptors = "";
let flow: Flow | undefined;
let executor: Server | undefined;

test.before(async () => {
  if (skipReason) return;
  dir = mkdtempSync(join(tmpdir(), "jina-interop-"));
  descriptors = join(dir, "proto.binpb");
  // every .proto of proto/ with its imports (google/protobuf/*.proto), as a plain FileDescriptorSet
  execFileSync(join(root, "node_modules", ".bin", "buf"), ["build", "proto", "--as-file-descriptor-set", "-o", descriptors], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 60_000,
  });
  flow = await new Flow().add({ name: "interop", uses: InteropEncoder }).start();
  executor = await serveExecutor(new InteropEncoder(), { port: 0 });
});

test.after(async () => {
  await flow?.close();
  await executor?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs one case of jina_peer.py against `port` and returns its JSON (asynchronously: our servers run here). */
function peer<T>(kind: string, port: number, extra: string[] = []): Promise<T> {
  const args = [peerScript, "--descriptors", descriptors, "--target", `127.0.0.1:${port}`, "--case", kind, ...extra];
  return new Promise((resolve, reject) => {
    execFile(PYTHON, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`jina_peer.py --case ${kind} failed (${error.code ?? error.signal}): ${stderr.trim() || error.message}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`jina_peer.py --case ${kind} printed no JSON: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}

// --- expectations --------------------------------------------------------------------------------------------------

const pythonTags = { lang: "en", n: 7, flag: true, nothing: null, list: [1, "a"], deep: { x: 1.5 } };
const ourTags = (by: string) => ({ seen: true, count: 3, by, nested: { list: [1, "two", null, false] } });

function nd(dtype: string, shape: number[], values: Nd["values"]): Nd {
  return { clsName: "numpy", dtype, shape, values };
}

/** The matches `/embed` adds to each doc: float64 and int64 (2×2, beyond 2^53) embeddings with cosine scores. */
function assertMatches(doc: Doc): void {
  const [f8, i8] = doc.matches ?? [];
  assert.is(doc.matches?.length, 2, `${doc.id}: two matches`);
  assert.is(f8?.id, `${doc.id}-f8`);
  assert.equal(f8?.embedding, nd("<f8", [3], [0.1, -2.5, 1e300]));
  assert.equal(f8?.scores, { cosine: { value: 0.25, opName: "" } });
  assert.is(i8?.id, `${doc.id}-i8`);
  assert.equal(i8?.embedding, nd("<i8", [2, 2], [1, -2, "9007199254740993", "-9223372036854775808"]));
  assert.equal(i8?.scores, { cosine: { value: 0.75, opName: "" } });
}

/**
 * The docs Python sent (`<prefix>-text`, `<prefix>-f8` with a `<f8` 2×2 tensor, `<prefix>-be` with a big-endian
 * `>f4` tensor) after `/embed`: a `<f4` embedding `[text length, tensor sum, scale]`, tags merged, two matches.
 */
function assertEmbedded(docs: Doc[], prefix: string, scale: number, by: string): void {
  assert.equal(docs.map((doc) => doc.id), [`${prefix}-text`, `${prefix}-f8`, `${prefix}-be`]);
  const [text, f8, be] = docs as [Doc, Doc, Doc];
  assert.is(text.text, "hello");
  assert.equal(text.embedding, nd("<f4", [3], [5, 0, scale]));
  assert.equal(text.tags, { ...pythonTags, ...ourTags(by) });
  // Struct numbers are doubles on the wire (Python reads 7.0 and 3.0), as in Jina
  assert.is(text.tagKinds?.n, "number_value");
  assert.is(text.tagKinds?.count, "number_value");
  assert.is(text.tagKinds?.nothing, "null_value");
  assert.equal(f8.tensor, nd("<f8", [2, 2], [1, 2, 3.5, -0.5]));
  assert.equal(f8.embedding, nd("<f4", [3], [0, 6, scale]));
  assert.equal(f8.tags, ourTags(by));
  // reading a big-endian tensor rewrites it little-endian in place (docarray/document.ts readNdArray): same values
  assert.match(be.tensor?.dtype ?? "", /^[<>]f4$/);
  assert.equal(be.tensor?.values, [1, 2, 4]);
  assert.equal(be.embedding, nd("<f4", [3], [0, 7, scale]));
  for (const doc of docs) assertMatches(doc);
}

/** The docs Python sent, untouched (no embedding, no matches, Python's tags only). */
function assertUntouched(docs: Doc[], prefix: string): void {
  assert.equal(docs.map((doc) => doc.id), [`${prefix}-text`, `${prefix}-f8`, `${prefix}-be`]);
  assert.equal(docs[0]?.tags, pythonTags);
  assert.equal(docs[1]?.tensor, nd("<f8", [2, 2], [1, 2, 3.5, -0.5]));
  assert.equal(docs[2]?.tensor, nd(">f4", [3], [1, 2, 4]));
  for (const doc of docs) {
    assert.is(doc.embedding, undefined, `${doc.id}: no embedding`);
    assert.is(doc.matches, undefined, `${doc.id}: no matches`);
  }
}

function assertSuccess(response: Response, requestId: string, endpoint: string): void {
  assert.is(response.requestId, requestId);
  assert.is(response.execEndpoint, endpoint);
  assert.is(response.status.codeName, "SUCCESS", `${requestId}: ${response.status.description}`);
  assert.is(response.status.exception, null);
  assert.is(response.documents, "docs");
}

/** The gateway's routes: itself, then the executor, each with start and end times. */
function assertRoutes(response: Response, executorStatus: number): void {
  assert.equal(response.routes.map((route) => route.executor), ["gateway", "interop"]);
  for (const route of response.routes) assert.ok(route.hasStartTime && route.hasEndTime, `${route.executor}: timestamps`);
  assert.is(response.routes[1]?.status, executorStatus);
}

/**
 * `executorNames`: the names accepted for `exception.executor`. Jina writes the executor's class name
 * (`executor.__class__.__name__`); jina-ts writes `metas.name`, which in a flow is the deployment's name.
 */
function assertInBandError(response: Response, requestId: string, executorNames: string[]): void {
  assert.is(response.requestId, requestId);
  assert.is(response.status.code, 1);
  assert.is(response.status.codeName, "ERROR");
  assert.is(response.status.exception?.name, "InteropError");
  assert.equal(response.status.exception?.args, ["cannot embed 3 docs"]);
  const executor = response.status.exception?.executor ?? "";
  assert.ok(executorNames.includes(executor), `exception.executor ${JSON.stringify(executor)} is not one of ${executorNames.join(", ")}`);
  assert.match(response.status.exception?.stacks ?? "", /InteropError: cannot embed 3 docs/);
  assert.match(response.status.description, /InteropError/);
}

// --- Python as Jina's client, our gateway ----------------------------------------------------------------------------

interop("Python client → gateway, Call: three requests on one stream come back in order with <f4/<f8/<i8 embeddings, tags and matches", async () => {
  const result = await peer<Stream>("call", flow!.port);
  assert.is(result.code, "OK");
  assert.is(result.trailers["is-error"], undefined);
  assert.equal(result.responses.map((response) => response.requestId), ["req-0", "req-1", "req-2"]);
  result.responses.forEach((response, i) => {
    assertSuccess(response, `req-${i}`, "/embed");
    assert.equal(response.parameters, { scale: i + 1 });
    assertRoutes(response, 0);
    assertEmbedded(response.docs, `r${i}`, i + 1, "interop");
  });
});

interop("Python client → gateway, process_single_data: one request, parameters reach the executor", async () => {
  const { response, trailers } = await peer<Unary>("single", flow!.port);
  assert.is(trailers["is-error"], undefined);
  assertSuccess(response, "single-1", "/embed");
  assert.equal(response.parameters, { scale: 0.5 });
  assertRoutes(response, 0);
  assertEmbedded(response.docs, "s", 0.5, "interop");
});

interop("Python client → gateway: an executor exception is in-band (ERROR, name, args, executor) with trailer is-error, and the stream goes on", async () => {
  const { unary, stream } = await peer<{ unary: Unary; stream: Stream }>("error", flow!.port);
  assertInBandError(unary.response, "fail-1", ["interop", "InteropEncoder"]);
  assert.is(unary.trailers["is-error"], "true");
  assertRoutes(unary.response, 1);
  assertUntouched(unary.response.docs, "e");

  assert.is(stream.code, "OK");
  assert.is(stream.trailers["is-error"], "true");
  const [a, failed, b] = stream.responses;
  assert.is(stream.responses.length, 3);
  assertSuccess(a!, "ok-a", "/embed");
  assertEmbedded(a!.docs, "a", 1, "interop");
  assertInBandError(failed!, "fail-2", ["interop", "InteropEncoder"]);
  assertSuccess(b!, "ok-b", "/embed");
  assertEmbedded(b!.docs, "b", 1, "interop");
});

interop("Python client → gateway: docs_bytes (Jina's pickle) and undecodable bytes answer INVALID_ARGUMENT saying what is wrong", async () => {
  const pickled = await peer<{ single: RpcError; stream: RpcError }>("docs-bytes", flow!.port);
  for (const answer of [pickled.single, pickled.stream]) {
    assert.is(answer.grpcCode, "INVALID_ARGUMENT");
    assert.match(answer.details, /docs_bytes/);
    assert.match(answer.details, /send docs/);
  }
  const garbage = await peer<RpcError>("garbage", flow!.port);
  assert.is(garbage.grpcCode, "INVALID_ARGUMENT");
});

interop("Python client → gateway: reflection ListServices, health SERVING, _status, dry_run, and descriptors by reflection", async () => {
  const result = await peer<{ services: string[]; health: string; info: Info; dryRun: number; reflection: Reflected }>("gateway-services", flow!.port);
  for (const service of ["jina.JinaRPC", "jina.JinaSingleDataRequestRPC", "jina.JinaGatewayDryRunRPC", "jina.JinaInfoRPC", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"]) {
    assert.ok(result.services.includes(service), `ListServices lacks ${service}: ${result.services.join(", ")}`);
  }
  assert.is(result.health, "SERVING");
  assert.type(result.info.jina.jina, "string");
  assert.is(result.dryRun, 0);
  assert.equal(result.reflection.methods, ["Call"]);
  assert.is(result.reflection.requestType, "jina.DataRequestProto");
  for (const file of ["jina.proto", "docarray.proto", "google/protobuf/struct.proto"]) assert.ok(result.reflection.files.includes(file), file);
});

// --- Python as Jina's gateway, one of our executors served alone --------------------------------------------------

/** Starts jina_peer.py --serve (a Python gRPC gateway stand-in) and resolves with its port and a way to stop it. */
async function pythonGateway(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(PYTHON, [peerScript, "--descriptors", descriptors, "--serve"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`jina_peer.py --serve exited (${code}) before it listened: ${stderr.trim()}`)));
  });
  return {
    port,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interop("Client → Python gateway (grpcio): posts over Call in order, gzip, a status error, dry_run", async () => {
  const gateway = await pythonGateway();
  try {
    for (const compression of ["none", "gzip"] as const) {
      using client = new Client({ port: gateway.port, protocol: "grpc", compression });
      const docs = new DocumentArray(Array.from({ length: 5 }, (_, i) => ({ id: `py-${i}`, text: "x".repeat(i * 400), embedding: new Float32Array([i, i + 0.5]) })));
      const answered = await client.post("/index", docs, { requestSize: 2 });
      assert.equal(answered.map((doc) => doc.id), docs.map((doc) => doc.id), compression);
      assert.equal(answered.map((doc) => doc.tags?.["servedBy"]), docs.map(() => "python"), `${compression}: every doc went through the Python gateway`);
      assert.equal([...(answered.at(4)!.embedding?.data ?? [])], [4, 4.5]);
      const refused = await client.post("/refuse", docs).then(() => undefined, (error: JinaError) => error);
      assert.is(refused?.code, ErrorCode.ResourceExhausted, compression);
      assert.match(refused!.message, "the Python gateway refuses /refuse");
      assert.is((await client.dryRun()).code, 0);
    }
  } finally {
    await gateway.stop();
  }
});

interop("Python gateway → executor: reflection ListServices, health per service, endpoint_discovery, _status", async () => {
  const result = await peer<{
    services: string[];
    health: string;
    healthSingle: string;
    healthUnknown: RpcError;
    reflection: Reflected;
    endpoints: string[];
    info: Info;
  }>("executor-discovery", executor!.port);
  for (const service of ["jina.JinaRPC", "jina.JinaSingleDataRequestRPC", "jina.JinaDataRequestRPC", "jina.JinaDiscoverEndpointsRPC", "jina.JinaInfoRPC", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"]) {
    assert.ok(result.services.includes(service), `ListServices lacks ${service}: ${result.services.join(", ")}`);
  }
  assert.is(result.health, "SERVING");
  assert.is(result.healthSingle, "SERVING");
  assert.is(result.healthUnknown.grpcCode, "NOT_FOUND");
  assert.equal(result.reflection.methods, ["process_single_data"]);
  assert.is(result.reflection.requestType, "jina.DataRequestProto");
  assert.ok(result.endpoints.includes("/embed") && result.endpoints.includes("/fail"), result.endpoints.join(", "));
  assert.type(result.info.jina.jina, "string");
});

interface ExecutorRequests { embed: Unary; unbound: Unary; fail: Unary; processData: Unary }

function assertExecutorRequests(result: ExecutorRequests): void {
  const { embed, unbound, fail, processData } = result;
  assertSuccess(embed.response, "gw-1", "/embed");
  assert.equal(embed.response.parameters, { scale: 2 });
  assert.equal(embed.response.routes.map((route) => route.executor), ["gateway"], "the executor keeps the gateway's routes");
  assertEmbedded(embed.response.docs, "g", 2, "InteropEncoder");
  assert.is(embed.trailers["is-error"], undefined);

  // nothing bound to /nothing and no /default: the docs pass through untouched
  assertSuccess(unbound.response, "gw-2", "/nothing");
  assertUntouched(unbound.response.docs, "u");

  assertInBandError(fail.response, "gw-3", ["InteropEncoder"]);
  assert.is(fail.trailers["is-error"], "true");
  assertUntouched(fail.response.docs, "x");

  // process_data (several parts): one response, the first part's header, every part's docs
  assertSuccess(processData.response, "part-1", "/embed");
  assert.equal(processData.response.docs.map((doc) => [doc.id, doc.embedding?.values]), [["p1", [3, 0, 1]], ["p2", [5, 0, 1]]]);
}

interop("Python gateway → executor: process_single_data with `endpoint` metadata, an unbound endpoint, an error, process_data", async () => {
  assertExecutorRequests(await peer<ExecutorRequests>("executor-requests", executor!.port));
});

interop("Python gateway → executor over TLS (grpc.secure_channel, ALPN h2): the same requests", async () => {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert,
  ], { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
  await using server = await serveExecutor(new InteropEncoder(), {
    port: 0,
    tls: { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") },
  });
  assertExecutorRequests(await peer<ExecutorRequests>("executor-requests", server.port, ["--tls-ca", cert]));
}, tlsSkipReason);

test.run();
