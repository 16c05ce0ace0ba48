import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { ErrorCode, JinaError, toStatusProto } from "../../proto/errors.ts";
import { RouteProtoSchema } from "../../proto/gen/jina_pb.ts";
import {
  createDataRequest,
  dataRequestFromJSON,
  dataRequestToJSON,
  Document,
  DocumentArray,
  docsOf,
} from "../../docarray/mod.ts";

function rejects(fn: () => unknown, message: string): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
    assert.is((error as JinaError).rawMessage, message);
    return;
  }
  assert.unreachable(`expected an error: ${message}`);
}

test("a document's JSON has snake_case keys and only non-empty fields", () => {
  const doc = new Document({
    id: "a",
    parentId: "p",
    granularity: 1,
    adjacency: 2,
    mimeType: "text/plain",
    text: "hi",
    weight: 0.5,
    uri: "u",
    tags: { k: "v" },
    offset: 3,
    location: [1, 2],
    embedding: [[1, 2], [3, 4]],
    modality: "text",
    scores: { cosine: { value: 0.25, opName: "cos", refId: "r" } },
    evaluations: { p: { value: 1, description: "d" } },
    chunks: [{ id: "c" }],
    matches: [{ id: "m" }],
  });
  assert.equal(doc.toJSON(), {
    id: "a",
    parent_id: "p",
    granularity: 1,
    adjacency: 2,
    text: "hi",
    mime_type: "text/plain",
    weight: 0.5,
    uri: "u",
    tags: { k: "v" },
    offset: 3,
    location: [1, 2],
    embedding: [[1, 2], [3, 4]],
    modality: "text",
    evaluations: { p: { value: 1, description: "d" } },
    scores: { cosine: { value: 0.25, op_name: "cos", ref_id: "r" } },
    chunks: [{ id: "c" }],
    matches: [{ id: "m" }],
  });
  assert.equal(new Document({ id: "e" }).toJSON(), { id: "e" });
});

test("JSON round trips documents: blob as base64, tensor as nested lists", () => {
  const docs = new DocumentArray([
    { id: "a", blob: new Uint8Array([0, 1, 2, 250, 255]) },
    { id: "b", tensor: new Float32Array([1.5, 2]), tags: { deep: { list: [1, null, "x"] } } },
    { id: "c", text: "t", matches: [{ id: "m", scores: { s: { value: 1 } }, chunks: [{ id: "mc" }] }] },
  ]);
  const json = JSON.parse(JSON.stringify(docs));
  assert.is(json[0].blob, "AAEC+v8=");
  assert.equal(json[1].tensor, [1.5, 2]);
  const back = DocumentArray.fromJSON(json);
  assert.equal([...(back.at(0)?.blob ?? [])], [0, 1, 2, 250, 255]);
  assert.equal(back.at(1)?.tensor?.toList(), [1.5, 2]);
  assert.equal(back.toJSON(), docs.toJSON());
});

test("fromJSON accepts camelCase keys, null for unset, and { docs: [...] }", () => {
  const docs = DocumentArray.fromJSON({
    docs: [
      { id: "a", parentId: "p", mimeType: "m", text: null, blob: null, tensor: null, embedding: null, tags: null, scores: { x: { value: 2, opName: "o", refId: "r" } } },
      { text: "no id" },
    ],
  });
  const a = docs.at(0) as Document;
  assert.is(a.parentId, "p");
  assert.is(a.mimeType, "m");
  assert.is(a.text, undefined);
  assert.is(a.embedding, undefined);
  assert.is(a.scores.x?.opName, "o");
  assert.is(a.scores.x?.refId, "r");
  assert.match(docs.at(1)?.id ?? "", /^[0-9a-f]{32}$/);
  assert.is(DocumentArray.fromJSON(null).length, 0);
});

test("bad document JSON is rejected naming the exact path", () => {
  const bad = (doc: unknown) => () => DocumentArray.fromJSON([{}, {}, {}, doc]);
  rejects(bad({ embedding: "abc" }), 'data[3].embedding: expected a list of numbers, got "abc"');
  rejects(bad({ embedding: [1, "x"] }), 'data[3].embedding[1]: expected a number, got "x"');
  rejects(bad({ embedding: [[1, 2], [3]] }), "data[3].embedding[1]: expected a list of 2 numbers (the array must be rectangular), got 1 items");
  rejects(bad({ weight: "heavy" }), 'data[3].weight: expected a number, got "heavy"');
  rejects(bad({ granularity: -1 }), "data[3].granularity: expected a non-negative integer, got number -1");
  rejects(bad({ id: 5 }), "data[3].id: expected a string, got number 5");
  rejects(bad({ parentId: 5 }), "data[3].parentId: expected a string, got number 5");
  rejects(bad({ tags: [1] }), "data[3].tags: expected an object, got a list");
  rejects(bad({ blob: "***" }), 'data[3].blob: expected base64 text, got "***"');
  rejects(bad({ text: "a", blob: "AA==" }), 'data[3].blob: expected at most one of text, blob and tensor (text is set too), got "AA=="');
  rejects(bad({ location: [1, "x"] }), 'data[3].location[1]: expected a number, got "x"');
  rejects(bad({ scores: { cosine: 0.5 } }), "data[3].scores.cosine: expected a score object {value, op_name, description, ref_id}, got number 0.5");
  rejects(bad({ scores: { cosine: { value: "high" } } }), 'data[3].scores.cosine.value: expected a number, got "high"');
  rejects(bad({ matches: [{ chunks: [{ text: 1 }] }] }), "data[3].matches[0].chunks[0].text: expected a string, got number 1");
  rejects(bad("doc"), 'data[3]: expected a document object, got "doc"');
  rejects(() => DocumentArray.fromJSON("x"), 'data: expected a list of documents, got "x"');
  rejects(() => DocumentArray.fromJSON({ docs: 1 }), "data.docs: expected a list of documents, got number 1");
  rejects(() => Document.fromJSON({ text: 1 }), "document.text: expected a string, got number 1");
});

test("dataRequestToJSON gives Jina's HTTP response shape; dataRequestFromJSON is its inverse", () => {
  const request = createDataRequest({
    requestId: "r1",
    endpoint: "/search",
    targetExecutor: "enc.*",
    parameters: { limit: 3, __results__: { enc: { n: 1 } } },
    docs: new DocumentArray([{ id: "a", text: "hi", embedding: new Float32Array([1, 2]) }]),
  });
  request.header!.status = toStatusProto(new RangeError("bad"), "enc");
  request.routes.push(
    create(RouteProtoSchema, { executor: "gateway", startTime: timestampFromMs(1700000000123), endTime: timestampFromMs(1700000000456) }),
    create(RouteProtoSchema, { executor: "enc", startTime: timestampFromMs(1700000000200), status: toStatusProto(new Error("x"), "enc") }),
  );
  const json = dataRequestToJSON(request);
  assert.equal(json.header.requestId, "r1");
  assert.is(json.header.execEndpoint, "/search");
  assert.is(json.header.targetExecutor, "enc.*");
  assert.is(json.header.status?.code, 1);
  assert.is(json.header.status?.exception?.name, "RangeError");
  assert.equal(json.header.status?.exception?.args, ["bad"]);
  assert.is(json.header.status?.exception?.executor, "enc");
  assert.equal(json.parameters, { limit: 3, __results__: { enc: { n: 1 } } });
  assert.equal(json.routes[0], { executor: "gateway", startTime: "2023-11-14T22:13:20.123Z", endTime: "2023-11-14T22:13:20.456Z" });
  assert.equal(json.data, [{ id: "a", text: "hi", embedding: [1, 2] }]);
  const back = dataRequestFromJSON(JSON.parse(JSON.stringify(json)));
  assert.equal(dataRequestToJSON(back), json);
  assert.equal(back.routes[0]?.startTime, request.routes[0]?.startTime);
});

test("dataRequestFromJSON accepts snake_case, a top-level exec_endpoint (the /post body) and { docs }", () => {
  const request = dataRequestFromJSON({
    header: { request_id: "r2", status: { code: "SUCCESS", description: "" } },
    exec_endpoint: "/index",
    target_executor: "idx",
    parameters: null,
    routes: [{ executor: "gateway", start_time: "2024-01-01T00:00:00Z" }],
    data: { docs: [{ text: "x" }] },
  });
  assert.is(request.header?.requestId, "r2");
  assert.is(request.header?.execEndpoint, "/index");
  assert.is(request.header?.targetExecutor, "idx");
  assert.is(request.header?.status?.code, 0);
  assert.is(request.routes[0]?.startTime?.seconds, 1704067200n);
  assert.is(docsOf(request).at(0)?.text, "x");
  assert.equal(dataRequestToJSON(dataRequestFromJSON({})).data, []);
});

test("bad request JSON is rejected naming the path", () => {
  rejects(() => dataRequestFromJSON([]), "request: expected an object, got a list");
  rejects(() => dataRequestFromJSON({ header: { requestId: 1 } }), "header.requestId: expected a string, got number 1");
  rejects(() => dataRequestFromJSON({ header: { status: { code: 7 } } }), 'header.status.code: expected 0, 1, "SUCCESS" or "ERROR", got number 7');
  rejects(() => dataRequestFromJSON({ parameters: [1] }), "parameters: expected an object, got a list");
  rejects(() => dataRequestFromJSON({ routes: [{ executor: "g", startTime: "yesterday" }] }), 'routes[0].startTime: expected an RFC 3339 timestamp such as "2024-01-01T00:00:00.5Z", got "yesterday"');
  rejects(() => dataRequestFromJSON({ data: [{}, { embedding: "abc" }] }), 'data[1].embedding: expected a list of numbers, got "abc"');
});

test.run();
