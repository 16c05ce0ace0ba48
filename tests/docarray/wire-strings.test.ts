import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createDataRequest, decodeDocumentArray, DocumentArray, encodeDataRequest, encodeDocumentArray } from "../../docarray/mod.ts";
import { type DocumentArrayProto, DocumentArrayProtoSchema, DocumentProtoSchema } from "../../proto/gen/docarray_pb.ts";
import { DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import { getEnv } from "../../runtime/mod.ts";
import { createRng, type Rng } from "../fuzz/_corpus.ts";
import { lenField, stringField, varint, varintField } from "./wire-writer.ts";

// The wire codec's string and view fast paths against protobuf-es: ASCII written four code units per step, 32-byte
// ids built in one call (or by the runtime's Latin-1 slice), short strings compared with the last one of their
// length, byte fields as views made with the Uint8Array constructor, one-value shapes. CODEC_SEED replays a run.
const seed = Number(getEnv("CODEC_SEED") ?? 20261201) >>> 0;

const nonAscii = ["é", "ÿ", "\u0080", "日", "🙂", "\ud800", "\udfff", "\ufeff"];

/** A string of `length` code units: ASCII (NUL and DEL included), sometimes with one non-ASCII piece somewhere. */
function randomText(rng: Rng, length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) text += String.fromCharCode(rng.chance(0.1) ? rng.pick([0, 0x7f, 0x20]) : 0x21 + rng.int(94));
  if (length > 0 && rng.chance(0.4)) {
    const at = rng.int(length);
    text = text.slice(0, at) + rng.pick(nonAscii) + text.slice(at + 1);
  }
  return text;
}

function docs(texts: string[]): DocumentArrayProto {
  return create(DocumentArrayProtoSchema, {
    docs: texts.map((text, i) => create(DocumentProtoSchema, {
      id: text,
      content: { case: "text", value: texts[(i + 1) % texts.length] ?? "" },
      parentId: text.slice(0, 6),
      modality: text.slice(1, 4),
    })),
  });
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

test(`strings of every length 0-70 (ASCII, NUL, one non-ASCII piece anywhere) encode and decode as protobuf-es (seed ${seed})`, () => {
  const rng = createRng(seed);
  for (let round = 0; round < 20; round++) {
    // same-length neighbours that differ, so a short string is never taken for the last one of its length
    const texts = Array.from({ length: 71 * 2 }, (_, i) => randomText(rng, i >> 1));
    const array = docs(texts);
    const bytes = encodeDocumentArray(array);
    assert.is(hex(bytes), hex(toBinary(DocumentArrayProtoSchema, array)), `round ${round} (CODEC_SEED=${seed}): bytes`);
    assert.equal(decodeDocumentArray(bytes), fromBinary(DocumentArrayProtoSchema, bytes), `round ${round}: decoded`);
  }
});

test("short strings of one length read back as themselves in any order (NULs, then letters, then NULs again)", () => {
  for (const length of [1, 2, 3, 4, 5, 6]) {
    const texts = ["\0".repeat(length), "a".repeat(length), "\0".repeat(length), "b".repeat(length), "a".repeat(length)];
    const bytes = encodeDocumentArray(docs(texts));
    assert.equal(decodeDocumentArray(bytes).docs.map((doc) => doc.id), texts);
  }
});

test("32-byte ids: ASCII read as one string; a high byte anywhere is strict UTF-8 (invalid UTF-8 left to protobuf-es)", () => {
  const id = "0123456789abcdef0123456789abcdef";
  for (let at = 0; at < 32; at++) {
    const ascii = decodeDocumentArray(new Uint8Array(lenField(1, stringField(1, id)))).docs[0]?.id;
    assert.is(ascii, id);
    const withE = id.slice(0, at) + "é" + id.slice(at + 2); // 2 bytes: still 32 bytes
    const bytes = new Uint8Array(lenField(1, stringField(1, withE)));
    assert.is(decodeDocumentArray(bytes).docs[0]?.id, withE, `é at ${at}`);
    const invalid = bytes.slice();
    invalid[invalid.length - 32 + at] = 0xff;
    assert.throws(() => fromBinary(DocumentArrayProtoSchema, invalid));
    assert.throws(() => decodeDocumentArray(invalid), undefined, `0xff at ${at}`);
  }
});

test("byte fields are views over the input at its offset; a Uint8Array subclass gives what fromBinary gives", () => {
  class Bytes extends Uint8Array {}
  const dense = [...lenField(1, [1, 2, 3, 4]), ...lenField(2, [2]), ...stringField(3, "|u1")];
  const doc = [...stringField(1, "d"), ...lenField(2, [9, 8, 7]), ...lenField(16, lenField(1, dense))];
  const payload = lenField(1, doc);
  const padded = new Uint8Array(payload.length + 7);
  padded.set(payload, 3);
  const input = padded.subarray(3, 3 + payload.length);
  const decoded = decodeDocumentArray(input);
  assert.equal(decoded, fromBinary(DocumentArrayProtoSchema, input));
  const blob = decoded.docs[0]?.content.value as Uint8Array;
  assert.is(blob.buffer, padded.buffer);
  assert.equal([...blob], [9, 8, 7]);
  const sub = new Bytes(payload);
  const fromSub = decodeDocumentArray(sub);
  assert.equal(fromSub, fromBinary(DocumentArrayProtoSchema, sub));
  assert.instance(fromSub.docs[0]?.content.value, Bytes);
});

test("shapes: packed with 0, 1 or 3 values, unpacked values, and both mixed, as protobuf-es reads them", () => {
  const shapes = [[], [768], [2, 3, 128], [300, 1, 70000]];
  for (const packed of shapes) {
    for (const unpacked of [[], [5], [1, 2]]) {
      for (const order of ["packed first", "unpacked first"]) {
        const p = packed.length > 0 || unpacked.length === 0 ? lenField(2, packed.flatMap((v) => varint(v))) : [];
        const u = unpacked.flatMap((v) => varintField(2, v));
        const dense = [...(order === "packed first" ? [...p, ...u] : [...u, ...p]), ...stringField(3, "<f4")];
        const bytes = new Uint8Array(lenField(1, lenField(16, lenField(1, dense))));
        assert.equal(decodeDocumentArray(bytes), fromBinary(DocumentArrayProtoSchema, bytes), `${packed} / ${unpacked} (${order})`);
      }
    }
  }
});

test("owned output (allocated without zeroing where the runtime can): a plain Uint8Array of exactly the message, reserve zeroed", () => {
  // dirty the allocator first: large buffers full of 0xee, dropped
  for (let i = 0; i < 8; i++) new Uint8Array(1 << 20).fill(0xee);
  for (const count of [0, 3, 40]) {
    const docs = new DocumentArray();
    for (let i = 0; i < count; i++) docs.push({ id: `d${i}`, embedding: new Float32Array(300).fill(i), text: "x".repeat(i) });
    const request = createDataRequest({ endpoint: "/index", docs });
    const expected = toBinary(DataRequestProtoSchema, request);
    for (const reserve of [0, 5]) {
      const bytes = encodeDataRequest(request, { reserve });
      assert.is(bytes.constructor, Uint8Array);
      assert.is(bytes.length, reserve + expected.length);
      assert.is(bytes.buffer.byteLength, bytes.length);
      assert.equal([...bytes.subarray(0, reserve)], new Array(reserve).fill(0));
      assert.is(hex(bytes.subarray(reserve)), hex(expected), `${count} docs, reserve ${reserve}`);
    }
  }
});

test.run();
