import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import {
  createDataRequest,
  dataRequestCodec,
  decodeDataContent,
  decodeDataRequest,
  decodeDataRequestHead,
  decodeDocumentArray,
  DocumentArray,
  docsOf,
  encodeDataRequest,
  encodeDocumentArray,
  lazyDataRequestCodec,
} from "../../docarray/mod.ts";
import {
  type DenseNdArrayProto,
  type DocumentArrayProto,
  DocumentArrayProtoSchema,
  type DocumentProto,
  DocumentProtoSchema,
  NamedScoreProtoSchema,
} from "../../proto/gen/docarray_pb.ts";
import { DataRequestProto_DataContentProtoSchema, DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import { encodeEnvelope, grpcEnvelope } from "../../runtime/grpc-frame.ts";
import { getEnv } from "../../runtime/mod.ts";
import { createRng } from "../fuzz/_corpus.ts";
import { randomRequest } from "./_random-request.ts";
import { float32Bytes, floatField, lenField, stringField, tag, varint, varintField } from "./wire-writer.ts";

// The property: for random requests, the fast codec's bytes are protobuf-es's bytes, and decoding gives what
// fromBinary gives. CODEC_SEED replays a run; CODEC_CASES sets how many.
const seed = Number(getEnv("CODEC_SEED") ?? 20261130) >>> 0;
const cases = Number(getEnv("CODEC_CASES") ?? 400);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every object's own keys in order, by path (deep equality ignores the order; JSON.stringify and Object.keys do not). */
function keyOrders(value: unknown, path = "", into: string[] = []): string[] {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return into;
  if (!Array.isArray(value)) into.push(`${path}: ${Object.keys(value).join(",")}`);
  for (const [key, child] of Object.entries(value)) keyOrders(child, `${path}.${key}`, into);
  return into;
}

test(`encodeDataRequest is byte-identical to toBinary over ${cases} random requests (seed ${seed})`, () => {
  const rng = createRng(seed);
  for (let i = 0; i < cases; i++) {
    const request = randomRequest(rng);
    const expected = toBinary(DataRequestProtoSchema, request);
    const actual = encodeDataRequest(request);
    if (!sameBytes(actual, expected)) assert.unreachable(`case ${i} (CODEC_SEED=${seed}): bytes differ`);
  }
});

test(`decodeDataRequest gives what fromBinary gives over ${cases} random requests (seed ${seed})`, () => {
  const rng = createRng(seed + 1);
  for (let i = 0; i < cases; i++) {
    const bytes = toBinary(DataRequestProtoSchema, randomRequest(rng));
    const decoded = decodeDataRequest(bytes);
    const expected = fromBinary(DataRequestProtoSchema, bytes);
    assert.equal(decoded, expected, `case ${i} (CODEC_SEED=${seed})`);
    assert.equal(keyOrders(decoded), keyOrders(expected), `case ${i}: keys in protobuf-es's order`);
    // (not always `bytes`: TextDecoder drops a leading BOM of a string, in protobuf-es as here)
    assert.is(hex(encodeDataRequest(decoded)), hex(toBinary(DataRequestProtoSchema, expected)), `case ${i}: re-encoded`);
  }
});

test("decodeDataRequestHead leaves data as bytes; forwarding them gives the same request back", () => {
  const rng = createRng(seed + 2);
  for (let i = 0; i < 100; i++) {
    const request = randomRequest(rng);
    const bytes = toBinary(DataRequestProtoSchema, request);
    const { request: head, data } = decodeDataRequestHead(bytes);
    assert.is(head.data, undefined);
    assert.is(data === undefined, request.data === undefined, `case ${i}`);
    const forwarded = encodeDataRequest(head, { data });
    const expected = fromBinary(DataRequestProtoSchema, toBinary(DataRequestProtoSchema, head));
    if (data) expected.data = fromBinary(DataRequestProto_DataContentProtoSchema, data);
    assert.equal(decodeDataRequest(forwarded), expected, `case ${i}`);
    const again = decodeDataRequestHead(forwarded).data;
    assert.is(again && hex(again), data && hex(data), `case ${i}: data forwarded as received`);
    if (data) assert.equal(decodeDataContent(data), fromBinary(DataRequestProtoSchema, bytes).data, `case ${i}`);
  }
});

test("mutated bytes: the fast decoder accepts and rejects exactly what fromBinary does, with the same result", () => {
  const rng = createRng(seed + 3);
  for (let i = 0; i < cases; i++) {
    const bytes = toBinary(DataRequestProtoSchema, randomRequest(rng, 2)).slice();
    if (bytes.length === 0) continue;
    for (let n = 1 + rng.int(3); n > 0; n--) bytes[rng.int(bytes.length)] = rng.u32() & 0xff;
    const cut = rng.chance(0.2) ? bytes.subarray(0, rng.int(bytes.length)) : bytes;
    let expected: unknown;
    let expectedError: unknown;
    try {
      expected = fromBinary(DataRequestProtoSchema, cut);
    } catch (error) {
      expectedError = error;
    }
    let actual: unknown;
    try {
      actual = decodeDataRequest(cut);
    } catch (error) {
      assert.ok(expectedError, `case ${i}: the fast decoder threw ${String(error)} but fromBinary accepted ${hex(cut)}`);
      assert.is(String(error), String(expectedError));
      continue;
    }
    assert.not.ok(expectedError, `case ${i}: fromBinary threw ${String(expectedError)} but the fast decoder accepted ${hex(cut)}`);
    assert.equal(actual, expected, `case ${i}: ${hex(cut)}`);
  }
});

test("non-canonical input: fields out of order, unpacked repeated fields, merged messages, groups, unknown fields", () => {
  const dense = [...varintField(2, 2), ...stringField(3, "<f4"), ...lenField(1, float32Bytes([1, 2]))]; // shape unpacked, buffer last
  const embedding = [...stringField(3, "numpy"), ...lenField(1, dense)];
  const doc = [
    ...floatField(13, 1.5), // location unpacked
    ...lenField(16, embedding),
    ...lenField(16, stringField(3, "torch")), // embedding again: protobuf-es merges the two
    ...stringField(1, "d"),
    ...varintField(5000, 7), // unknown
    ...tag(6000, 3), ...varintField(1, 1), ...tag(6000, 4), // an unknown group
    ...floatField(13, 2.5),
  ];
  for (const body of [doc, [...lenField(16, embedding), ...doc]]) {
    const bytes = new Uint8Array(lenField(1, body));
    const expected = fromBinary(DocumentArrayProtoSchema, bytes);
    assert.equal(decodeDocumentArray(bytes), expected);
    assert.equal([...encodeDocumentArray(expected)], [...toBinary(DocumentArrayProtoSchema, expected)]);
  }
  // a dense array whose length stops inside its dtype string, which then runs to the end of the NdArray: the embedding's
  // fast reader leaves it to the field loops (and those to protobuf-es), whose reading is the one to match
  const inner = [...lenField(1, float32Bytes([1])), ...stringField(3, "<f4")];
  const overrun = [...tag(1, 2), ...varint(inner.length - 2), ...inner];
  const overrunBytes = new Uint8Array(lenField(1, [...stringField(1, "d"), ...lenField(16, overrun)]));
  const outcome = (decode: () => unknown) => {
    try {
      return decode();
    } catch (error) {
      return `throws ${(error as Error).name}`;
    }
  };
  assert.equal(outcome(() => decodeDocumentArray(overrunBytes)), outcome(() => fromBinary(DocumentArrayProtoSchema, overrunBytes)));
  const plain = new Uint8Array(lenField(1, [...floatField(13, 1.5), ...stringField(1, "d"), ...varintField(5000, 7), ...floatField(13, 2.5)]));
  const decoded = decodeDocumentArray(plain);
  assert.equal(decoded.docs[0]?.location, [1.5, 2.5]);
  assert.equal(decoded.docs[0]?.$unknown, [{ no: 5000, wireType: 0, data: new Uint8Array([7]) }]);
  assert.equal(decoded, fromBinary(DocumentArrayProtoSchema, plain));
});

test("values protobuf-es refuses fail as in protobuf-es; truncated and invalid UTF-8 input too", () => {
  const bad = new DocumentArray([{ id: "a", weight: 1e39 }]);
  assert.throws(() => encodeDocumentArray(bad.toProto()), /invalid float32: 1e\+39/);
  const negative = new DocumentArray([{ id: "a", granularity: -1 }]);
  assert.throws(() => encodeDocumentArray(negative.toProto()), /invalid uint32: -1/);
  const bytes = encodeDocumentArray(new DocumentArray([{ id: "abc", text: "héllo" }]).toProto());
  assert.throws(() => decodeDocumentArray(bytes.subarray(0, bytes.length - 1)), /premature EOF|index out of range/);
  const invalid = new Uint8Array(lenField(1, [...tag(1, 2), 2, 0xc3, 0x28]));
  assert.throws(() => decodeDocumentArray(invalid), (e: unknown) => String(e) === String(catchError(() => fromBinary(DocumentArrayProtoSchema, invalid))));
});

test("1,000 × 768 float32 embeddings: same bytes as toBinary, tensors decoded as views of the input", () => {
  const docs = new DocumentArray();
  for (let i = 0; i < 1000; i++) docs.push({ id: `doc-${i}`, embedding: new Float32Array(768).fill(i / 7) });
  const request = createDataRequest({ requestId: "r", endpoint: "/index", docs });
  const bytes = encodeDataRequest(request);
  assert.ok(sameBytes(bytes, toBinary(DataRequestProtoSchema, request)));
  const decoded = decodeDataRequest(bytes);
  const first = decoded.data?.documents.value as DocumentArrayProto;
  const buffer = first.docs[999]?.embedding?.content.value as DenseNdArrayProto;
  assert.is(buffer.buffer.buffer, bytes.buffer, "a view, not a copy");
  assert.is(docsOf(decoded).at(999)?.embedding?.data[767], Math.fround(999 / 7));
});

test("embeddings' dtype and cls_name: the same tail bytes split at another place read as other strings", () => {
  // `1a 02 "ab"` is a dtype "ab" with no cls_name in one array and a cls_name "ab" with no dtype in the next
  const docs = new DocumentArray();
  for (let i = 0; i < 6; i++) docs.push({ id: `d${i}`, embedding: new Float32Array([i]) });
  const request = createDataRequest({ requestId: "tails", docs });
  const protos = (request.data?.documents.value as DocumentArrayProto).docs;
  const tails = [["ab", ""], ["", "ab"], ["ab", ""], ["<f4", "numpy"], ["<f4", "numpy"], ["<f4", "torch"]] as const;
  protos.forEach((doc, i) => {
    const array = doc.embedding!;
    (array.content.value as DenseNdArrayProto).dtype = tails[i]![0];
    array.clsName = tails[i]![1];
  });
  const bytes = encodeDataRequest(request);
  assert.ok(sameBytes(bytes, toBinary(DataRequestProtoSchema, request)));
  for (let round = 0; round < 2; round++) assert.equal(decodeDataRequest(bytes), fromBinary(DataRequestProtoSchema, bytes));
});

test("decoded documents are protobuf-es messages: mutated, spread, structuredClone'd, toBinary and equals", () => {
  const docs = new DocumentArray();
  for (let i = 0; i < 3; i++) docs.push({ id: `doc-${i}`, embedding: new Float32Array([i, i + 1]) });
  const bytes = encodeDataRequest(createDataRequest({ requestId: "semantics", docs }));
  const decoded = (decodeDataRequest(bytes).data?.documents.value as DocumentArrayProto).docs;
  const expected = fromBinary(DocumentArrayProtoSchema, encodeDocumentArray({ $typeName: "docarray.DocumentArrayProto", docs: decoded })).docs;
  for (let i = 0; i < decoded.length; i++) {
    const doc = decoded[i]!;
    assert.ok(equals(DocumentProtoSchema, doc, expected[i]!));
    assert.ok(equals(DocumentProtoSchema, structuredClone(doc), doc));
    assert.ok(equals(DocumentProtoSchema, { ...doc }, doc));
    assert.ok(sameBytes(toBinary(DocumentProtoSchema, { ...doc }), toBinary(DocumentProtoSchema, expected[i]!)));
  }
  // every list, map, shape and content object is the document's own
  const [a, b] = decoded as [DocumentProto, DocumentProto];
  a.location.push(1);
  a.chunks.push(create(DocumentProtoSchema, { id: "c" }));
  a.matches.push(create(DocumentProtoSchema, { id: "m" }));
  a.scores.s = create(NamedScoreProtoSchema, { value: 1 });
  a.evaluations.e = create(NamedScoreProtoSchema, { value: 2 });
  (a.embedding!.content.value as DenseNdArrayProto).shape.push(1);
  (a.embedding!.content.value as DenseNdArrayProto).dtype = "<f8";
  a.embedding!.clsName = "torch";
  Object.assign(a.content, { case: "text", value: "t" });
  assert.equal([b.location, b.chunks, b.matches, b.scores, b.evaluations], [[], [], [], {}, {}]);
  assert.equal((b.embedding!.content.value as DenseNdArrayProto).shape, [2]);
  assert.equal([(b.embedding!.content.value as DenseNdArrayProto).dtype, b.embedding!.clsName, b.content.case], ["<f4", "numpy", undefined]);
  assert.ok(equals(DocumentProtoSchema, b, expected[1]!));
  assert.equal(fromBinary(DocumentProtoSchema, toBinary(DocumentProtoSchema, a)), a);
});

test("strings of every length 0–200, ASCII or with one é / 🙂 / lone surrogate first, inside or last: same bytes and text", () => {
  const texts: string[] = [];
  for (let n = 0; n <= 200; n++) {
    const ascii = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7) % 90))).join("");
    texts.push(ascii);
    for (const odd of ["é", "🙂", "\ud800"]) for (const at of n ? [0, n >> 1, n - 1] : []) texts.push(ascii.slice(0, at) + odd + ascii.slice(at + 1));
  }
  const docs = new DocumentArray(texts.map((text, i) => ({ id: text, uri: texts[texts.length - 1 - i]!, text })));
  const request = createDataRequest({ requestId: "strings", docs });
  const bytes = encodeDataRequest(request);
  assert.ok(sameBytes(bytes, toBinary(DataRequestProtoSchema, request)));
  assert.equal(decodeDataRequest(bytes), fromBinary(DataRequestProtoSchema, bytes));
});

test("reserve leaves bytes free before the message (a gRPC envelope written in place)", () => {
  const request = createDataRequest({ requestId: "r", docs: new DocumentArray([{ id: "a", text: "é" }]) });
  const framed = encodeDataRequest(request, { reserve: 5 });
  assert.equal([...framed.subarray(0, 5)], [0, 0, 0, 0, 0]);
  assert.ok(sameBytes(framed.subarray(5), toBinary(DataRequestProtoSchema, request)));
  const refused = createDataRequest({ docs: new DocumentArray([{ weight: 1e39 }]) });
  assert.throws(() => encodeDataRequest(refused, { reserve: 5 }), /invalid float32/);
});

test(`encodeEnvelope writes the gRPC frame into the codec's buffer, equal to grpcEnvelope(toBinary) (${cases / 4} random requests)`, () => {
  const rng = createRng(seed + 3);
  for (let i = 0; i < cases / 4; i++) {
    const request = randomRequest(rng);
    const expected = grpcEnvelope(toBinary(DataRequestProtoSchema, request), false);
    assert.is(hex(encodeEnvelope(dataRequestCodec, request)), hex(expected), `case ${i} (CODEC_SEED=${seed})`);
    // documents still held as the bytes received (lazy-data) are written back as they came
    const lazy = lazyDataRequestCodec.decode(toBinary(DataRequestProtoSchema, request));
    const lazyExpected = grpcEnvelope(lazyDataRequestCodec.encode(lazy), false);
    assert.is(hex(encodeEnvelope(lazyDataRequestCodec, lazy)), hex(lazyExpected), `case ${i}: lazy`);
  }
  // a codec without encodeReserved is copied into a frame
  const plain = { typeName: dataRequestCodec.typeName, encode: dataRequestCodec.encode, decode: dataRequestCodec.decode };
  const request = createDataRequest({ requestId: "r", docs: new DocumentArray([{ id: "a" }]) });
  assert.is(hex(encodeEnvelope(plain, request)), hex(grpcEnvelope(toBinary(DataRequestProtoSchema, request), false)));
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

test.run();
