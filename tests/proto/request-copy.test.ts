/**
 * The gateway's request and header copies as object literals (proto/request-copy.ts): the same fields as a spread
 * copy, unset fields left absent, the source never changed.
 */
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { DataRequestProtoSchema, HeaderProtoSchema, StatusProto_StatusCode, StatusProtoSchema } from "../../proto/gen/jina_pb.ts";
import { headerWith, requestWith } from "../../proto/request-copy.ts";

const full = () =>
  create(HeaderProtoSchema, {
    requestId: "r1",
    status: { code: StatusProto_StatusCode.ERROR, description: "bad" },
    execEndpoint: "/search",
    targetExecutor: "enc.*",
    timeout: 5,
  });

test("headerWith copies every set field, replaces the request id, and leaves the source as it was", () => {
  const header = full();
  header.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([1]) }];
  const copy = headerWith(header, "r2");
  assert.is.not(copy, header);
  assert.ok(equals(HeaderProtoSchema, copy, create(HeaderProtoSchema, { ...header, requestId: "r2" })));
  assert.is(copy.status, header.status, "a shallow copy: the status is shared");
  assert.equal(copy.$unknown, header.$unknown);
  assert.equal(toBinary(HeaderProtoSchema, copy), toBinary(HeaderProtoSchema, { ...header, requestId: "r2" }));
  assert.is(header.requestId, "r1");
});

test("headerWith leaves unset fields absent (not present as undefined), and drops the target when asked", () => {
  const bare = create(HeaderProtoSchema, { requestId: "r" });
  const copy = headerWith(bare, "r");
  assert.equal(Object.keys(copy).sort(), Object.keys({ ...bare }).sort());
  for (const key of ["status", "execEndpoint", "targetExecutor", "timeout", "$unknown"]) assert.not.ok(key in copy, key);
  const dropped = headerWith(full(), "r", true);
  assert.not.ok("targetExecutor" in dropped);
  assert.is(dropped.execEndpoint, "/search");
  assert.is(full().targetExecutor, "enc.*");
});

test("headerWith of a missing header is a new header with that id; fields added to the copy stay off the source", () => {
  assert.ok(equals(HeaderProtoSchema, headerWith(undefined, "x"), create(HeaderProtoSchema, { requestId: "x" })));
  const source = create(HeaderProtoSchema, { requestId: "r" });
  const copy = headerWith(source, "r");
  copy.execEndpoint ??= "/";
  copy.status = create(StatusProtoSchema, { code: StatusProto_StatusCode.ERROR });
  assert.not.ok("execEndpoint" in source);
  assert.is(source.status, undefined);
});

test("requestWith shares the documents, replaces header, parameters and routes, and keeps unknown fields", () => {
  const request = create(DataRequestProtoSchema, { header: { requestId: "r" }, parameters: { a: 1 } });
  request.$unknown = [{ no: 77, wireType: 0, data: new Uint8Array([2]) }];
  const header = headerWith(request.header, "r2");
  const copy = requestWith(request, header, { b: 2 }, []);
  assert.is(copy.data, request.data);
  assert.is(copy.header, header);
  assert.equal(copy.parameters, { b: 2 });
  assert.equal(copy.$unknown, request.$unknown);
  assert.equal(request.parameters, { a: 1 });
  assert.equal(toBinary(DataRequestProtoSchema, copy), toBinary(DataRequestProtoSchema, { ...request, header, parameters: { b: 2 }, routes: [] }));
});

test("the copies name every field of their schemas (a field added to jina.proto must be added to request-copy.ts)", () => {
  // headerWith and requestWith list the fields by hand; a field they do not know would be dropped from every copy.
  assert.equal(HeaderProtoSchema.fields.map((field) => field.localName).sort(), ["execEndpoint", "requestId", "status", "targetExecutor", "timeout"]);
  assert.equal(DataRequestProtoSchema.fields.map((field) => field.localName).sort(), ["data", "header", "parameters", "routes"]);
});

test.run();
