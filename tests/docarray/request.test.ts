import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { DataRequestProto_DataContentProtoSchema, DataRequestProtoSchema, HeaderProtoSchema } from "../../proto/gen/jina_pb.ts";
import { createDataRequest, DocumentArray, docsOf, setDocs } from "../../docarray/mod.ts";

test("createDataRequest sets a random request id, the endpoint, target, parameters and docs", () => {
  const docs = new DocumentArray([{ text: "a" }]);
  const request = createDataRequest({ endpoint: "/index", docs, parameters: { k: 1 }, targetExecutor: "enc" });
  assert.match(request.header?.requestId ?? "", /^[0-9a-f]{32}$/);
  assert.is(request.header?.execEndpoint, "/index");
  assert.is(request.header?.targetExecutor, "enc");
  assert.equal(request.parameters, { k: 1 });
  assert.is(request.data?.documents.case, "docs");
  assert.is(request.data?.documents.value, docs.toProto(), "the docs are shared, not copied");
  const bare = createDataRequest();
  assert.is(bare.header?.execEndpoint, undefined);
  assert.is(docsOf(bare).length, 0);
});

test("createDataRequest makes what protobuf-es create makes, key for key (it writes literals; a schema change shows here)", () => {
  const docs = new DocumentArray([{ text: "a" }]);
  const made = createDataRequest({ requestId: "r", endpoint: "/index", docs, targetExecutor: "enc" });
  const created = create(DataRequestProtoSchema, {
    header: create(HeaderProtoSchema, { requestId: "r", execEndpoint: "/index", targetExecutor: "enc" }),
    data: create(DataRequestProto_DataContentProtoSchema, { documents: { case: "docs", value: docs.toProto() } }),
  });
  assert.equal(made, created);
  for (const [a, b] of [[made, created], [made.header!, created.header!], [made.data!, created.data!]] as const) {
    assert.equal(Object.keys(a).sort(), Object.keys(b).sort());
    assert.is(Object.getPrototypeOf(a), Object.getPrototypeOf(b));
  }
  const bare = createDataRequest({ requestId: "r" });
  assert.equal({ ...bare, data: undefined }, { ...create(DataRequestProtoSchema, { header: create(HeaderProtoSchema, { requestId: "r" }) }), data: undefined });
  assert.equal(toBinary(DataRequestProtoSchema, made), toBinary(DataRequestProtoSchema, created));
});

test("docsOf is a view over request.data.docs; mutations reach the wire", () => {
  const request = fromBinary(
    DataRequestProtoSchema,
    toBinary(DataRequestProtoSchema, createDataRequest({ docs: new DocumentArray([{ id: "a", text: "x" }]) })),
  );
  const docs = docsOf(request);
  (docs.at(0) as { text: string | undefined }).text = "changed";
  docs.push({ id: "b" });
  const again = fromBinary(DataRequestProtoSchema, toBinary(DataRequestProtoSchema, request));
  assert.equal(docsOf(again).texts, ["changed", ""]);
});

test("docsOf creates the docs oneof when data is unset", () => {
  const request = create(DataRequestProtoSchema);
  docsOf(request).push({ id: "a" });
  assert.is(request.data?.documents.case, "docs");
  assert.equal(docsOf(request).ids, ["a"]);
});

test("docsOf rejects docs_bytes (a Python pickle in Jina)", () => {
  const request = create(DataRequestProtoSchema, {
    data: create(DataRequestProto_DataContentProtoSchema, { documents: { case: "docsBytes", value: new Uint8Array([0x80, 4]) } }),
  });
  try {
    docsOf(request);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
    assert.is((error as JinaError).rawMessage, "docs_bytes is a Python pickle in Jina and cannot be read; send docs");
  }
  setDocs(request, new DocumentArray([{ id: "z" }]));
  assert.equal(docsOf(request).ids, ["z"]);
});

test.run();
