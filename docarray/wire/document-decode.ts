/**
 * Decoding `DocumentProto` and `DocumentArrayProto` into the same objects protobuf-es's `fromBinary` builds
 * (field order free, packed or unpacked `location`, unknown fields kept in `$unknown`), without reflection.
 *
 * @module
 */
import type { DocumentArrayProto, DocumentProto, NamedScoreProto, NdArrayProto } from "../../proto/gen/docarray_pb.ts";
import { newDocumentProto } from "../document-proto.ts";
import { readNdArray } from "./ndarray-decode.ts";
import { Fallback, type WireReader } from "./reader.ts";
import { readStruct } from "./struct-decode.ts";

/** Deeper chunk/match trees are left to protobuf-es (and its recursion limit). */
const maxDepth = 40;

/**
 * Reads a `DocumentArrayProto` payload ending at `end`.
 *
 * @example
 * ```ts
 * const docs = readDocumentArray(new WireReader(bytes), bytes.length, 0);
 * ```
 */
export function readDocumentArray(r: WireReader, end: number, depth: number): DocumentArrayProto {
  const array = { $typeName: "docarray.DocumentArrayProto", docs: [] as DocumentProto[] } as DocumentArrayProto;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) array.docs.push(readDocument(r, r.delimited(), depth + 1));
    else if (tag >>> 3 === 1) throw new Fallback();
    else r.unknown(array, tag);
  }
  r.expectEnd(end);
  return array;
}

/**
 * Reads a `DocumentProto` payload ending at `end`.
 *
 * @example
 * ```ts
 * const doc = readDocument(reader, reader.delimited(), 1);
 * ```
 */
export function readDocument(r: WireReader, end: number, depth: number): DocumentProto {
  if (depth > maxDepth) throw new Fallback();
  // Most documents hold an id, content and an embedding only: those are read first into locals and the document is
  // built once, its embedding in it (set afterwards, it costs V8 a second allocation per document); at the first
  // other field the document is built and the rest read field by field into it.
  let id = "";
  let content: DocumentProto["content"] | undefined;
  let embedding: NdArrayProto | undefined;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.varint();
    if (tag === 0x0a) id = r.string();
    else if (tag === 0x82 && embedding === undefined) embedding = readNdArray(r, r.delimited(), depth + 1);
    else if (tag === 0x12) content = { case: "blob", value: r.bytes() };
    else if (tag === 0x1a && content?.case !== "tensor") content = { case: "tensor", value: readNdArray(r, r.delimited(), depth + 1) };
    else if (tag === 0x22) content = { case: "text", value: r.string() };
    else {
      r.pos = at;
      const doc = newDocumentProto(id, content);
      if (embedding !== undefined) doc.embedding = embedding;
      readOtherFields(r, end, depth, doc);
      return doc;
    }
  }
  r.expectEnd(end);
  return newDocumentProto(id, content, embedding);
}

/** Reads the fields of a `DocumentProto` payload ending at `end` into `doc`, in any order. */
function readOtherFields(r: WireReader, end: number, depth: number, doc: DocumentProto): void {
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        doc.id = r.string();
        break;
      case 0x12:
        doc.content = { case: "blob", value: r.bytes() };
        break;
      case 0x1a:
        if (doc.content.case === "tensor") throw new Fallback(); // a repeated message field merges
        doc.content = { case: "tensor", value: readNdArray(r, r.delimited(), depth + 1) };
        break;
      case 0x22:
        doc.content = { case: "text", value: r.string() };
        break;
      case 0x28:
        doc.granularity = r.varint();
        break;
      case 0x30:
        doc.adjacency = r.varint();
        break;
      case 0x3a:
        doc.parentId = r.string();
        break;
      case 0x45:
        doc.weight = r.float();
        break;
      case 0x4a:
        doc.uri = r.string();
        break;
      case 0x52:
        doc.modality = r.string();
        break;
      case 0x5a:
        doc.mimeType = r.string();
        break;
      case 0x65:
        doc.offset = r.float();
        break;
      case 0x6a: {
        const stop = r.delimited();
        if ((stop - r.pos) % 4 !== 0) throw new Fallback();
        while (r.pos < stop) doc.location.push(r.float());
        break;
      }
      case 0x6d:
        doc.location.push(r.float());
        break;
      case 0x72:
        doc.chunks.push(readDocument(r, r.delimited(), depth + 1));
        break;
      case 0x7a:
        doc.matches.push(readDocument(r, r.delimited(), depth + 1));
        break;
      case 0x82: // fields 16–20 have two-byte tags; their varint values are still (field << 3) | wire type
        if (doc.embedding !== undefined) throw new Fallback();
        doc.embedding = readNdArray(r, r.delimited(), depth + 1);
        break;
      case 0x8a:
        if (doc.tags !== undefined) throw new Fallback();
        doc.tags = readStruct(r, r.delimited(), depth + 1);
        break;
      case 0x92:
        readScoreEntry(r, doc.scores);
        break;
      case 0x9a:
        readScoreEntry(r, doc.evaluations);
        break;
      case 0xa2:
        if (doc.Metadata !== undefined) throw new Fallback();
        doc.Metadata = readStruct(r, r.delimited(), depth + 1);
        break;
      default:
        if (tag >>> 3 <= 20) throw new Fallback();
        r.unknown(doc, tag);
    }
  }
  r.expectEnd(end);
}

function readScoreEntry(r: WireReader, scores: Record<string, NamedScoreProto>): void {
  const end = r.delimited();
  let key = "";
  let value: NamedScoreProto | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) key = r.string();
    else if (tag === 0x12) value = readScore(r, r.delimited());
    else throw new Fallback(); // protobuf-es does not skip other fields of a map entry
  }
  r.expectEnd(end);
  if (key === "__proto__") throw new Fallback();
  scores[key] = value ?? newScore();
}

function readScore(r: WireReader, end: number): NamedScoreProto {
  const score = newScore();
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0d:
        score.value = r.float();
        break;
      case 0x12:
        score.opName = r.string();
        break;
      case 0x1a:
        score.description = r.string();
        break;
      case 0x22:
        score.refId = r.string();
        break;
      default:
        if (tag >>> 3 <= 4) throw new Fallback();
        r.unknown(score, tag);
    }
  }
  r.expectEnd(end);
  return score;
}

function newScore(): NamedScoreProto {
  return { $typeName: "docarray.NamedScoreProto", value: 0, opName: "", description: "", refId: "" } as NamedScoreProto;
}
