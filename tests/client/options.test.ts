import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { create } from "@bufbuild/protobuf";
import { Client, codeOfHttpStatus, createRequests, errorOfResponse, isErrorResponse } from "../../client/mod.ts";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { ErrorCode, JinaError, toStatusProto } from "../../proto/errors.ts";
import { StatusProtoSchema } from "../../proto/gen/jina_pb.ts";

function invalid(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
    assert.unreachable("should throw");
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
    assert.match((error as Error).message, pattern);
  }
}

test("Client options are checked with errors naming the option", () => {
  invalid(() => new Client({ port: 0 }), /"port" must be an integer from 1 to 65535, got 0/);
  invalid(() => new Client({ port: 70000 }), /"port".*70000/);
  invalid(() => new Client({ port: 1.5 }), /"port"/);
  invalid(() => new Client({} as never), /"port".*undefined/);
  invalid(() => new Client({ port: 80, protocol: "smtp" as never }), /"protocol" must be one of "grpc", "http", "websocket", "connect", got "smtp"/);
  invalid(() => new Client({ host: "ftp://localhost:21" }), /"host" "ftp:\/\/localhost:21" is not a URL jina-ts reads/);
  invalid(() => new Client({ host: "grpc://localhost" }), /names no port/);
  invalid(() => new Client({ host: "grpc://h:1", port: 2 }), /names port 1 but "port" is 2/);
  invalid(() => new Client({ host: "https://h:1", tls: false }), /means tls true but "tls" is false/);
  invalid(() => new Client({ port: 80, host: "" }), /"host"/);
  const client = new Client({ port: 8080 });
  assert.equal([client.host, client.port, client.protocol, client.tls], ["127.0.0.1", 8080, "grpc", false]);
  assert.is(client.address, "grpc://127.0.0.1:8080");
  assert.is(new Client({ port: 443, host: "::1", protocol: "http", tls: true }).address, "https://[::1]:443");
});

test("Client host takes Jina's URL form and host:port, setting protocol, tls and port", () => {
  const seen = (host: string, extra: object = {}) => {
    const client = new Client({ host, ...extra });
    return [client.host, client.port, client.protocol, client.tls, client.address];
  };
  assert.equal(seen("grpc://127.0.0.1:54321"), ["127.0.0.1", 54321, "grpc", false, "grpc://127.0.0.1:54321"]);
  assert.equal(seen("grpcs://h:8443"), ["h", 8443, "grpc", true, "grpcs://h:8443"]);
  assert.equal(seen("https://h:443"), ["h", 443, "http", true, "https://h:443"]);
  assert.equal(seen("https://h"), ["h", 443, "http", true, "https://h:443"]);
  assert.equal(seen("http://h/"), ["h", 80, "http", false, "http://h:80"]);
  assert.equal(seen("ws://127.0.0.1:9000"), ["127.0.0.1", 9000, "websocket", false, "ws://127.0.0.1:9000"]);
  assert.equal(seen("wss://[::1]:9000").slice(0, 4), ["::1", 9000, "websocket", true]);
  assert.equal(seen("h:1234"), ["h", 1234, "grpc", false, "grpc://h:1234"]);
  assert.equal(seen("h:1234", { protocol: "http" }).slice(0, 3), ["h", 1234, "http"]);
  assert.equal(seen("[::1]:80").slice(0, 2), ["::1", 80]);
  assert.equal(seen("http://h:80", { protocol: "connect" }).slice(0, 3), ["h", 80, "connect"]);
});

test("a Client with a URL host posts to a running flow", async () => {
  const { Flow } = await import("../../mod.ts");
  const { Encoder } = await import("../flow/fixtures/executors.ts");
  await using flow = await new Flow({ protocol: ["grpc", "http"] }).add({ uses: Encoder }).start();
  for (const [i, scheme] of ["grpc", "http"].entries()) {
    const client = new Client({ host: `${scheme}://127.0.0.1:${flow.ports[i]}` });
    try {
      assert.is((await client.post("/", [{ text: "a" }])).length, 1);
    } finally {
      client.close();
    }
  }
});

test("post() options are checked before anything is sent", async () => {
  const client = new Client({ port: 1 });
  for (const [options, pattern] of [
    [{ requestSize: 0 }, /"requestSize" must be a positive integer, got 0/],
    [{ prefetch: -1 }, /"prefetch"/],
    [{ parameters: [] }, /"parameters" must be a JSON object/],
    [{ onDone: "nope" }, /"onDone" must be a function/],
  ] as const) {
    const error = await client.post("/x", [], options as never).then(() => new JinaError("did not reject"), (e: JinaError) => e);
    assert.instance(error, JinaError);
    assert.is(error.code, ErrorCode.InvalidArgument);
    assert.match(error.message, pattern);
  }
  const error = await client.post("/x", "hello" as never).then(() => new JinaError("did not reject"), (e: JinaError) => e);
  assert.is(error.code, ErrorCode.InvalidArgument);
  assert.match(error.message, /inputs must be.*got a string.*\[\{ text: "hello" \}\]/);
  const bad = await client.post("/x", [{ text: "a" }, 42] as never).then(() => new JinaError("did not reject"), (e: JinaError) => e);
  assert.match(bad.message, /inputs\[1\] must be a Document/);
});

test("createRequests cuts a DocumentArray, a generator and a Document into requests", () => {
  const docs = new DocumentArray(Array.from({ length: 5 }, (_, i) => new Document({ id: `d${i}` })));
  const requests = [...createRequests(docs, { endpoint: "/index", requestSize: 2, parameters: { a: 1 }, targetExecutor: "x" })];
  assert.equal(requests.map((r) => docsOf(r).map((d) => d.id)), [["d0", "d1"], ["d2", "d3"], ["d4"]]);
  assert.equal(requests.map((r) => [r.header?.execEndpoint, r.header?.targetExecutor, r.parameters]), Array(3).fill(["/index", "x", { a: 1 }]));
  assert.equal(new Set(requests.map((r) => r.header?.requestId)).size, 3, "each request has its own id");
  function* generate() {
    for (let i = 0; i < 3; i++) yield { text: `g${i}` };
  }
  assert.equal([...createRequests(generate(), { endpoint: "/", requestSize: 2 })].map((r) => docsOf(r).texts), [["g0", "g1"], ["g2"]]);
  assert.is([...createRequests(new Document({ text: "one" }), { endpoint: "/", requestSize: 2 })].length, 1);
  assert.is([...createRequests([], { endpoint: "/", requestSize: 2 })].length, 0);
  const [empty] = [...createRequests(undefined, { endpoint: "/", requestSize: 2 })];
  assert.is(docsOf(empty!).length, 0);
});

test("errorOfResponse names the exception, its args, the executor and the endpoint", () => {
  const request = createDataRequest({ endpoint: "/fail" });
  assert.is(isErrorResponse(request), false);
  request.header!.status = toStatusProto(new RangeError("cannot handle 2 docs"), "thrower");
  assert.is(isErrorResponse(request), true);
  const error = errorOfResponse(request);
  assert.match(error.message, 'RangeError("cannot handle 2 docs") in executor "thrower" (endpoint "/fail")');
  assert.is(error.executor, "thrower");
  request.header!.status = create(StatusProtoSchema, { code: 1, description: "something broke" });
  assert.match(errorOfResponse(request).message, "something broke");
});

test("HTTP statuses map back to error codes", () => {
  assert.equal(
    [400, 413, 429, 503, 504, 500, 404, 418].map(codeOfHttpStatus),
    [ErrorCode.InvalidArgument, ErrorCode.ResourceExhausted, ErrorCode.ResourceExhausted, ErrorCode.Unavailable, ErrorCode.DeadlineExceeded, ErrorCode.Internal, ErrorCode.NotFound, ErrorCode.Unknown],
  );
});

test.run();
