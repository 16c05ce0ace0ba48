import { test } from "uvu";
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
  invalid(() => new Client({ port: 80, host: "grpc://localhost" }), /"host".*without a scheme/);
  invalid(() => new Client({ port: 80, host: "" }), /"host"/);
  const client = new Client({ port: 8080 });
  assert.equal([client.host, client.port, client.protocol, client.tls], ["127.0.0.1", 8080, "grpc", false]);
  assert.is(client.address, "grpc://127.0.0.1:8080");
  assert.is(new Client({ port: 443, host: "::1", protocol: "http", tls: true }).address, "https://[::1]:443");
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
