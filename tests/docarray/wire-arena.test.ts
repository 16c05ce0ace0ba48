import { toBinary } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import {
  createDataRequest,
  dataRequestCodec,
  decodeDataRequest,
  DocumentArray,
  encodeDataRequest,
  encodeDataRequestLeased,
  lazyDataRequestCodec,
  WireArena,
  WireLease,
} from "../../docarray/mod.ts";
import { writeDenseNdArrayField } from "../../docarray/wire/ndarray-encode.ts";
import { WireWriter } from "../../docarray/wire/writer.ts";
import type { DenseNdArrayProto, DocumentArrayProto } from "../../proto/gen/docarray_pb.ts";
import { DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import { encodeEnvelope, encodeEnvelopeLeased, grpcEnvelope } from "../../runtime/grpc-frame.ts";
import { getEnv } from "../../runtime/mod.ts";
import { createRng } from "../fuzz/_corpus.ts";
import { randomRequest } from "./_random-request.ts";

// The one-pass encoder (back-patched length prefixes, into a lent buffer) against protobuf-es, over the same random
// requests as the wire codec's property test; and the arena's ownership rule.
const seed = Number(getEnv("CODEC_SEED") ?? 20261130) >>> 0;
const cases = Number(getEnv("CODEC_CASES") ?? 400);

/** The bytes as text, for assert.is (latin1: one char per byte, so a mismatch is shown and large inputs stay cheap). */
function hex(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return text;
}

function embeddings(count: number, dim: number, seedValue = 0): DocumentArray {
  const docs = new DocumentArray();
  for (let i = 0; i < count; i++) {
    const embedding = new Float32Array(dim);
    for (let j = 0; j < dim; j++) embedding[j] = Math.sin(seedValue + i * dim + j);
    docs.push({ id: `doc-${i}`, embedding });
  }
  return docs;
}

test(`encodeDataRequestLeased is byte-identical to toBinary over ${cases} random requests, reused buffers (seed ${seed})`, () => {
  const rng = createRng(seed + 7);
  const arena = new WireArena();
  for (let i = 0; i < cases; i++) {
    const request = randomRequest(rng);
    const expected = hex(toBinary(DataRequestProtoSchema, request));
    const reserve = i % 3 === 0 ? 5 : 0;
    const lease = encodeDataRequestLeased(request, arena, { reserve });
    assert.is(hex(lease.bytes.subarray(reserve)), expected, `case ${i} (CODEC_SEED=${seed})`);
    // every other lease is kept until the next case, so buffers in use and reused ones alternate
    if (i % 2 === 0) lease.release();
    else queueMicrotask(() => lease.release());
  }
});

test("sizes of every width: prefixes guessed too wide or too narrow are moved into place", () => {
  const arena = new WireArena();
  // document sizes crossing the 1-, 2- and 3-byte length widths, in both orders, so that every guess is wrong once
  for (const dims of [[1, 40, 5000, 1, 600_000, 2], [600_000, 1, 5000, 40, 1]]) {
    const docs = new DocumentArray();
    for (const [i, dim] of dims.entries()) docs.push({ id: `d${i}`, embedding: new Float32Array(dim).fill(i + 0.5), tags: { n: i, s: "x".repeat(dim % 300) } });
    const request = createDataRequest({ endpoint: "/e", docs });
    const lease = encodeDataRequestLeased(request, arena);
    assert.is(hex(lease.bytes), hex(toBinary(DataRequestProtoSchema, request)));
    lease.release();
  }
});

test("prefixes wider than guessed move the bytes before them while the headroom lasts, then the payload", () => {
  const arena = new WireArena();
  for (const depth of [3, 12, 60]) {
    // tiny documents first, so that the guessed widths are 1 byte; then chunks nested `depth` deep around a large
    // embedding: every level's prefix needs 2–3 bytes, and the bytes before each (a few tags) are shorter than it
    const tiny = createDataRequest({ docs: new DocumentArray([{ id: "t" }]) });
    encodeDataRequestLeased(tiny, arena).release();
    const root = new DocumentArray([{ id: "root" }]);
    let doc = root.at(0)!;
    for (let level = 0; level < depth; level++) {
      doc.chunks.push({ id: `c${level}` });
      doc = doc.chunks.at(0)!;
    }
    doc.embedding = new Float32Array(5000).fill(0.25);
    const request = createDataRequest({ requestId: "deep", docs: root });
    const lease = encodeDataRequestLeased(request, arena, { reserve: 5 });
    assert.is(hex(lease.bytes.subarray(5)), hex(toBinary(DataRequestProtoSchema, request)), `depth ${depth}`);
    lease.release();
  }
});

test("a buffer is never lent twice while leased; release gives it back once, however often it is called", () => {
  const arena = new WireArena();
  const first = encodeDataRequestLeased(createDataRequest({ docs: embeddings(10, 8, 1) }), arena);
  const firstBytes = hex(first.bytes);
  const second = encodeDataRequestLeased(createDataRequest({ docs: embeddings(10, 8, 2) }), arena);
  assert.is.not(second.bytes.buffer, first.bytes.buffer);
  assert.is(hex(first.bytes), firstBytes, "the first message is intact while the second is encoded");
  first.release();
  first.release(); // a second release must not put the buffer in the free list twice
  const third = encodeDataRequestLeased(createDataRequest({ docs: embeddings(10, 8, 3) }), arena);
  const fourth = encodeDataRequestLeased(createDataRequest({ docs: embeddings(10, 8, 4) }), arena);
  assert.is(third.bytes.buffer, first.bytes.buffer, "a released buffer is reused");
  assert.is.not(fourth.bytes.buffer, third.bytes.buffer, "but by one lease only");
  assert.throws(() => first.slab, /released/);
  for (const lease of [second, third, fourth]) lease.release();
});

test("a message larger than the lent buffer is encoded with the size pass (same bytes); the next one fits", () => {
  const arena = new WireArena();
  const request = createDataRequest({ endpoint: "/index", docs: embeddings(100, 768) }); // ~310 KB > the first 64 KiB slab
  const expected = hex(toBinary(DataRequestProtoSchema, request));
  const first = encodeDataRequestLeased(request, arena);
  assert.is(hex(first.bytes), expected);
  first.release();
  const second = encodeDataRequestLeased(request, arena);
  assert.is(hex(second.bytes), expected);
  assert.ok(second.bytes.buffer.byteLength >= second.bytes.length && second.bytes.buffer.byteLength <= 2 * 512 * 1024);
  second.release();
  assert.is(arena.pooledBytes, second.bytes.buffer.byteLength + 64 * 1024);
  assert.equal(decodeDataRequest(second.bytes).data, request.data);
});

test("a message just under a slab's size (but over it with the headroom) is encoded in one pass the next time", () => {
  const arena = new WireArena();
  for (const size of [65_500, 65_530, 65_536, 131_050]) {
    const blob = new Uint8Array(size - 40).fill(7);
    const request = createDataRequest({ requestId: "r", docs: new DocumentArray([{ id: "a", blob }]) });
    const expected = hex(toBinary(DataRequestProtoSchema, request));
    encodeDataRequestLeased(request, arena).release();
    const lease = encodeDataRequestLeased(request, arena);
    assert.is(hex(lease.bytes), expected, `size ${size}`);
    assert.is(lease.bytes.byteOffset, 32, `size ${size}: written into a lent buffer, after its headroom`);
    lease.release();
  }
});

test("values protobuf-es refuses throw its error, as encodeDataRequest does; the arena stays usable", () => {
  const arena = new WireArena();
  const refused = createDataRequest({ docs: new DocumentArray([{ weight: 1e39 }]) });
  assert.throws(() => encodeDataRequestLeased(refused, arena), /invalid float32/);
  assert.throws(() => encodeDataRequest(refused), /invalid float32/);
  const negativeDocs = new DocumentArray([{ id: "a" }]);
  negativeDocs.at(0)!.proto.granularity = -1;
  const negative = createDataRequest({ docs: negativeDocs });
  assert.throws(() => encodeDataRequestLeased(negative, arena), /invalid uint32: -1/);
  const notStringDocs = new DocumentArray([{ id: "a" }]);
  (notStringDocs.at(0)!.proto as { uri: unknown }).uri = 5;
  const notString = createDataRequest({ docs: notStringDocs });
  assert.throws(() => encodeDataRequestLeased(notString, arena));
  const fine = createDataRequest({ docs: embeddings(3, 4) });
  const lease = encodeDataRequestLeased(fine, arena);
  assert.is(hex(lease.bytes), hex(toBinary(DataRequestProtoSchema, fine)));
  lease.release();
});

test("a buffer that ends inside an embedding's dtype or cls_name: later embeddings are still written right", () => {
  for (let cut = 0; cut <= 12; cut++) {
    const docs = new DocumentArray([{ id: "a", embedding: new Float32Array([1]) }, { id: "b", embedding: new Float32Array([2]) }]);
    const request = createDataRequest({ requestId: `cut-${cut}`, docs });
    for (const doc of (request.data?.documents.value as DocumentArrayProto).docs) {
      (doc.embedding!.content.value as DenseNdArrayProto).dtype = `<f${cut}`;
      doc.embedding!.clsName = `cls${cut}`;
    }
    const array = (request.data?.documents.value as DocumentArrayProto).docs[0]!.embedding!;
    // the array's payload is 2 + 10 bytes, then dtype and cls_name fields (2 + 3 or 4 and 2 + 4 or 5 bytes)
    const w = new WireWriter(new Uint8Array(12 + cut), undefined);
    writeDenseNdArrayField(w, array);
    assert.ok(w.overflowed() || cut === 12);
    assert.is(hex(encodeDataRequest(request)), hex(toBinary(DataRequestProtoSchema, request)));
    const lease = encodeDataRequestLeased(request, new WireArena());
    assert.is(hex(lease.bytes), hex(toBinary(DataRequestProtoSchema, request)));
    lease.release();
  }
});

test("maxPooledBytes bounds the free buffers kept", () => {
  const arena = new WireArena({ maxPooledBytes: 128 * 1024 });
  const leases = [0, 1, 2].map((i) => encodeDataRequestLeased(createDataRequest({ docs: embeddings(2, 4, i) }), arena));
  for (const lease of leases) lease.release();
  assert.is(arena.pooledBytes, 128 * 1024);
});

test("encodeEnvelopeLeased gives encodeEnvelope's frame; a codec without encodeLeased gets an owned one", () => {
  const rng = createRng(seed + 8);
  for (let i = 0; i < cases / 8; i++) {
    const request = randomRequest(rng);
    const frame = encodeEnvelopeLeased(dataRequestCodec, request);
    assert.is(hex(frame.bytes), hex(grpcEnvelope(toBinary(DataRequestProtoSchema, request), false)), `case ${i}`);
    frame.release();
    const lazy = lazyDataRequestCodec.decode(toBinary(DataRequestProtoSchema, request));
    const lazyFrame = encodeEnvelopeLeased(lazyDataRequestCodec, lazy);
    assert.is(hex(lazyFrame.bytes), hex(encodeEnvelope(lazyDataRequestCodec, lazy)), `case ${i}: lazy`);
    lazyFrame.release();
  }
  const plain = { typeName: dataRequestCodec.typeName, encode: dataRequestCodec.encode, decode: dataRequestCodec.decode };
  const request = createDataRequest({ requestId: "r", docs: new DocumentArray([{ id: "a" }]) });
  const frame = encodeEnvelopeLeased(plain, request);
  assert.is(hex(frame.bytes), hex(grpcEnvelope(toBinary(DataRequestProtoSchema, request), false)));
  frame.release();
  // a lease of owned bytes (no arena) releases to nothing
  const owned = new WireLease(new Uint8Array(3));
  owned.release();
  owned.release();
});

test.run();
