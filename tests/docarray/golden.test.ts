import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import { createDataRequest, decodeDataRequest, Document, DocumentArray, docsOf, encodeDataRequest } from "../../docarray/mod.ts";
import { DocumentArrayProtoSchema } from "../../proto/gen/docarray_pb.ts";
import {
  float32Bytes,
  floatField,
  lenField,
  mapEntry,
  stringField,
  struct,
  varint,
} from "./wire-writer.ts";

// The fixture, hand-built from jina-3x.md §1 field numbers.
// DenseNdArrayProto { buffer = 1, shape = 2 (packed uint32), dtype = 3 }
const dense = [...lenField(1, float32Bytes([1, 2])), ...lenField(2, varint(2)), ...stringField(3, "<f4")];
// NdArrayProto { dense = 1, cls_name = 3 }
const embedding = [...lenField(1, dense), ...stringField(3, "numpy")];
// NamedScoreProto { value = 1 (float) }
const score = floatField(1, 0.5);
// the match: DocumentProto { id = 1, scores = 18 (map<string, NamedScoreProto>) }
const match = [...stringField(1, "m1"), ...mapEntry(18, "cosine", score)];
// the document: id = 1, text = 4, matches = 15, embedding = 16, tags = 17 (Struct)
const document = [
  ...stringField(1, "doc1"),
  ...stringField(4, "hello"),
  ...lenField(15, match),
  ...lenField(16, embedding),
  ...lenField(17, struct({ k: "v", n: 1 })),
];
// HeaderProto { request_id = 1, exec_endpoint = 3 }
const header = [...stringField(1, "req-1"), ...stringField(3, "/search")];
// DataRequestProto { header = 1, data = 4 { docs = 1 (DocumentArrayProto { docs = 1 }) } }
const fixture = new Uint8Array([...lenField(1, header), ...lenField(4, lenField(1, lenField(1, document)))]);

function buildRequest() {
  const doc = new Document({ id: "doc1", text: "hello", tags: { k: "v", n: 1 }, embedding: new Float32Array([1, 2]) });
  doc.matches.push({ id: "m1", scores: { cosine: { value: 0.5 } } });
  return createDataRequest({ requestId: "req-1", endpoint: "/search", docs: new DocumentArray([doc]) });
}

test("a DataRequest built with createDataRequest encodes byte for byte as the hand-built fixture", () => {
  const bytes = toBinary(DataRequestProtoSchema, buildRequest());
  assert.equal([...bytes], [...fixture]);
});

test("the fast codec encodes the same request byte for byte as the fixture, and decodes it as fromBinary does", () => {
  assert.equal([...encodeDataRequest(buildRequest())], [...fixture]);
  assert.equal(decodeDataRequest(fixture), fromBinary(DataRequestProtoSchema, fixture));
  const docs = docsOf(buildRequest());
  assert.equal([...docs.toBytes()], [...lenField(1, document)]);
  assert.equal(DocumentArray.fromBytes(docs.toBytes()).toProto(), fromBinary(DocumentArrayProtoSchema, docs.toBytes()));
});

for (const [name, decode] of [["fromBinary", (b: Uint8Array) => fromBinary(DataRequestProtoSchema, b)], ["decodeDataRequest", decodeDataRequest]] as const) {
  test(`the fixture decodes to the same document values (${name})`, () => {
    const request = decode(fixture);
    assert.is(request.header?.requestId, "req-1");
    assert.is(request.header?.execEndpoint, "/search");
    assert.is(request.parameters, undefined);
    const docs = docsOf(request);
    assert.is(docs.length, 1);
    const doc = docs.at(0) as Document;
    assert.is(doc.id, "doc1");
    assert.is(doc.text, "hello");
    assert.equal(doc.tags, { k: "v", n: 1 });
    assert.is(doc.embedding?.dtype, "<f4");
    assert.equal(doc.embedding?.shape, [2]);
    assert.equal([...(doc.embedding?.data ?? [])], [1, 2]);
    assert.is(doc.proto.embedding?.clsName, "numpy");
    assert.is(doc.matches.length, 1);
    assert.is(doc.matches.at(0)?.id, "m1");
    assert.is(doc.matches.at(0)?.scores.cosine?.value, 0.5);
    assert.equal(doc.toJSON(), {
      id: "doc1",
      text: "hello",
      tags: { k: "v", n: 1 },
      embedding: [1, 2],
      matches: [{ id: "m1", scores: { cosine: { value: 0.5 } } }],
    });
  });
}

test("decoding then re-encoding the fixture gives the fixture back", () => {
  const request = fromBinary(DataRequestProtoSchema, fixture);
  docsOf(request).at(0)?.embedding; // reading views must not change the bytes
  assert.equal([...toBinary(DataRequestProtoSchema, request)], [...fixture]);
  const fast = decodeDataRequest(fixture);
  docsOf(fast).at(0)?.embedding;
  assert.equal([...encodeDataRequest(fast)], [...fixture]);
});

test.run();
