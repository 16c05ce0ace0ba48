/**
 * Encoding `DocumentProto` (with its chunks, matches, tensors, tags and scores) and `DocumentArrayProto`, in field
 * number order with proto3's implicit presence, as protobuf-es's `toBinary` does.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { DocumentArrayProto, DocumentProto, NamedScoreProto } from "../../proto/gen/docarray_pb.ts";
import { sizeNdArray, writeDenseNdArrayField, writeNdArray } from "./ndarray-encode.ts";
import { checkBytes, checkFloat32, checkUint32, unknownSize, writeUnknown } from "./scalars.ts";
import { sizeStruct, writeStruct } from "./struct-encode.ts";
import { stringFieldSize, utf8Length, writeString, writeStringField } from "./utf8.ts";
import { closeSlot, delimitedSize, Kind, openSlot, sizeNested, varintSize, type WireWriter } from "./writer.ts";

/**
 * The payload size of a `DocumentArrayProto` (pushing nested sizes on `sizes`, pre-order).
 *
 * @example
 * ```ts
 * const sizes: number[] = [];
 * const size = sizeDocumentArray(sizes, docs.toProto());
 * ```
 */
export function sizeDocumentArray(sizes: number[], array: DocumentArrayProto): number {
  return sizeDocuments(sizes, array.docs) + unknownSize(array.$unknown);
}

/**
 * Writes a `DocumentArrayProto` payload.
 *
 * @example
 * ```ts
 * writeDocumentArray(writer, docs.toProto());
 * ```
 */
export function writeDocumentArray(w: WireWriter, array: DocumentArrayProto): void {
  writeDocuments(w, 0x0a, array.docs);
  writeUnknown(w, array.$unknown);
}

/**
 * The payload size of one `DocumentProto`.
 *
 * @example
 * ```ts
 * const size = sizeDocument(sizes, doc.proto);
 * ```
 */
export function sizeDocument(sizes: number[], doc: DocumentProto): number {
  let size = stringFieldSize(doc.id);
  const content = doc.content;
  if (content.case === "blob") size += 1 + delimitedSize(checkBytes(content.value).length);
  else if (content.case === "tensor") {
    const slot = openSlot(sizes);
    size += 1 + closeSlot(sizes, slot, sizeNdArray(sizes, content.value));
  }
  else if (content.case === "text") size += 1 + delimitedSize(utf8Length(content.value));
  if (hasMiddle(doc)) size += sizeMiddle(sizes, doc);
  if (doc.embedding !== undefined) {
    const slot = openSlot(sizes);
    size += 2 + closeSlot(sizes, slot, sizeNdArray(sizes, doc.embedding));
  }
  if (hasTail(doc)) size += sizeTail(sizes, doc);
  return size;
}

/**
 * Whether any of a document's fields 5–15 (granularity to matches) may be set: mostly they are all at their defaults
 * (a document of an id and an embedding), so one test replaces a call per field. A value that is not its type's
 * default (-0, NaN, a wrong type) passes it and is then sized and written (or refused) field by field.
 */
function hasMiddle(doc: DocumentProto): boolean {
  return doc.granularity !== 0 || doc.adjacency !== 0 || doc.parentId !== "" || !Object.is(doc.weight, 0) || doc.uri !== "" ||
    doc.modality !== "" || doc.mimeType !== "" || !Object.is(doc.offset, 0) || doc.location.length !== 0 ||
    doc.chunks.length !== 0 || doc.matches.length !== 0;
}

/** Whether any of a document's fields 17–20 (tags to Metadata) or unknown fields may be set (as {@link hasMiddle}). */
function hasTail(doc: DocumentProto): boolean {
  return doc.tags !== undefined || doc.Metadata !== undefined || doc.$unknown !== undefined || !isEmpty(doc.scores) ||
    !isEmpty(doc.evaluations);
}

function sizeMiddle(sizes: number[], doc: DocumentProto): number {
  let size = 0;
  if (doc.granularity != 0) size += 1 + varintSize(checkUint32(doc.granularity));
  if (doc.adjacency != 0) size += 1 + varintSize(checkUint32(doc.adjacency));
  size += stringFieldSize(doc.parentId);
  if (!Object.is(checkFloat32(doc.weight), 0)) size += 5;
  size += stringFieldSize(doc.uri);
  size += stringFieldSize(doc.modality);
  size += stringFieldSize(doc.mimeType);
  if (!Object.is(checkFloat32(doc.offset), 0)) size += 5;
  const location = doc.location;
  if (location.length > 0) {
    for (const v of location) checkFloat32(v);
    size += 1 + delimitedSize(4 * location.length);
  }
  return size + sizeDocuments(sizes, doc.chunks) + sizeDocuments(sizes, doc.matches);
}

function sizeTail(sizes: number[], doc: DocumentProto): number {
  let size = 0;
  if (doc.tags !== undefined) size += 2 + sizeNested(sizes, doc.tags, sizeStruct);
  size += sizeScores(sizes, doc.scores) + sizeScores(sizes, doc.evaluations);
  if (doc.Metadata !== undefined) size += 2 + sizeNested(sizes, doc.Metadata, sizeStruct);
  return size + unknownSize(doc.$unknown);
}

/**
 * Writes one `DocumentProto` payload.
 *
 * @example
 * ```ts
 * writeDocument(writer, doc.proto);
 * ```
 */
export function writeDocument(w: WireWriter, doc: DocumentProto): void {
  const buf = w.buf;
  writeStringField(w, 0x0a, doc.id);
  const content = doc.content;
  if (content.case === "blob") {
    buf[w.pos++] = 0x12;
    w.varint(checkBytes(content.value).length);
    w.raw(content.value);
  } else if (content.case === "tensor") {
    buf[w.pos++] = 0x1a;
    const mark = w.open(Kind.ndArray);
    writeNdArray(w, content.value);
    w.close(mark, Kind.ndArray);
  } else if (content.case === "text") {
    buf[w.pos++] = 0x22;
    writeString(w, content.value);
  }
  if (hasMiddle(doc)) writeMiddle(w, doc);
  const embedding = doc.embedding;
  if (embedding !== undefined) {
    writeTag2(w, 0x82);
    if (!writeDenseNdArrayField(w, embedding)) {
      const mark = w.open(Kind.ndArray);
      writeNdArray(w, embedding);
      w.close(mark, Kind.ndArray);
    }
  }
  if (hasTail(doc)) writeTail(w, doc);
}

/** Fields 5–15 of a document (granularity to matches). */
function writeMiddle(w: WireWriter, doc: DocumentProto): void {
  const buf = w.buf;
  if (doc.granularity != 0) {
    buf[w.pos++] = 0x28;
    w.varint(checkUint32(doc.granularity));
  }
  if (doc.adjacency != 0) {
    buf[w.pos++] = 0x30;
    w.varint(checkUint32(doc.adjacency));
  }
  writeStringField(w, 0x3a, doc.parentId);
  if (!Object.is(checkFloat32(doc.weight), 0)) {
    buf[w.pos++] = 0x45;
    w.float(doc.weight);
  }
  writeStringField(w, 0x4a, doc.uri);
  writeStringField(w, 0x52, doc.modality);
  writeStringField(w, 0x5a, doc.mimeType);
  if (!Object.is(checkFloat32(doc.offset), 0)) {
    buf[w.pos++] = 0x65;
    w.float(doc.offset);
  }
  const location = doc.location;
  if (location.length > 0) {
    buf[w.pos++] = 0x6a;
    w.varint(4 * location.length);
    for (const v of location) w.float(checkFloat32(v));
  }
  writeDocuments(w, 0x72, doc.chunks);
  writeDocuments(w, 0x7a, doc.matches);
}

/** Fields 17–20 of a document (tags to Metadata) and its unknown fields. */
function writeTail(w: WireWriter, doc: DocumentProto): void {
  if (doc.tags !== undefined) writeStructField(w, 0x8a, doc.tags);
  writeScores(w, 0x92, doc.scores);
  writeScores(w, 0x9a, doc.evaluations);
  if (doc.Metadata !== undefined) writeStructField(w, 0xa2, doc.Metadata);
  writeUnknown(w, doc.$unknown);
}

/** Whether a map field (a plain object) has no enumerable keys (as `for…in` sees them, which the writers use too). */
function isEmpty(map: Record<string, NamedScoreProto>): boolean {
  for (const _ in map) return false;
  return true;
}

function sizeDocuments(sizes: number[], docs: DocumentProto[]): number {
  let size = 0;
  for (let i = 0; i < docs.length; i++) {
    const slot = openSlot(sizes);
    size += 1 + closeSlot(sizes, slot, sizeDocument(sizes, docs[i]!));
  }
  return size;
}

function writeDocuments(w: WireWriter, tag: number, docs: DocumentProto[]): void {
  for (const doc of docs) {
    w.buf[w.pos++] = tag;
    const mark = w.open(Kind.document);
    writeDocument(w, doc);
    w.close(mark, Kind.document);
  }
}

function sizeScores(sizes: number[], scores: Record<string, NamedScoreProto>): number {
  let size = 0;
  for (const key in scores) { // plain objects (protobuf-es maps): own keys, in Object.keys order, no array allocated
    const entry = sizes.length;
    sizes.push(0, 0);
    const value = sizeScore(scores[key] as NamedScoreProto);
    sizes[entry + 1] = value;
    const inner = 1 + delimitedSize(utf8Length(key)) + 1 + delimitedSize(value);
    sizes[entry] = inner;
    size += 2 + delimitedSize(inner);
  }
  return size;
}

function writeScores(w: WireWriter, tag: number, scores: Record<string, NamedScoreProto>): void {
  for (const key in scores) {
    const score = scores[key] as NamedScoreProto;
    writeTag2(w, tag);
    const entry = w.open(Kind.scoreEntry);
    w.buf[w.pos++] = 0x0a;
    writeString(w, key);
    w.buf[w.pos++] = 0x12;
    const mark = w.open(Kind.score);
    if (!Object.is(checkFloat32(score.value), 0)) {
      w.buf[w.pos++] = 0x0d;
      w.float(score.value);
    }
    writeStringField(w, 0x12, score.opName);
    writeStringField(w, 0x1a, score.description);
    writeStringField(w, 0x22, score.refId);
    writeUnknown(w, score.$unknown);
    w.close(mark, Kind.score);
    w.close(entry, Kind.scoreEntry);
  }
}

function sizeScore(score: NamedScoreProto): number {
  let size = Object.is(checkFloat32(score.value), 0) ? 0 : 5;
  size += stringFieldSize(score.opName);
  size += stringFieldSize(score.description);
  size += stringFieldSize(score.refId);
  return size + unknownSize(score.$unknown);
}

function writeStructField(w: WireWriter, tag: number, json: JsonObject): void {
  writeTag2(w, tag);
  const mark = w.open(Kind.struct);
  writeStruct(w, json);
  w.close(mark, Kind.struct);
}

/** Writes a two-byte tag (fields 16–31): `first`, then 0x01. */
function writeTag2(w: WireWriter, first: number): void {
  w.buf[w.pos++] = first;
  w.buf[w.pos++] = 0x01;
}
