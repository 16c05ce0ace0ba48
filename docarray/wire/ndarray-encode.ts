/**
 * Encoding `NdArrayProto` (dense or sparse, `cls_name`, `parameters`): the tensor's bytes are copied once, straight
 * into the output buffer.
 *
 * @module
 */
import type { DenseNdArrayProto, NdArrayProto, SparseNdArrayProto } from "../../proto/gen/docarray_pb.ts";
import { checkBytes, packedUint32Size, unknownSize, writePackedUint32, writeUnknown } from "./scalars.ts";
import { sizeStruct, writeStruct } from "./struct-encode.ts";
import { stringFieldSize, writeStringField } from "./utf8.ts";
import { closeSlot, delimitedSize, Kind, openSlot, sizeNested, varintSize, type WireWriter } from "./writer.ts";

/**
 * The payload size of an `NdArrayProto` (pushing nested sizes on `sizes`, pre-order).
 *
 * @example
 * ```ts
 * const size = sizeNdArray(sizes, doc.proto.embedding!);
 * ```
 */
export function sizeNdArray(sizes: number[], array: NdArrayProto): number {
  let size = 0;
  const content = array.content;
  if (content.case === "dense") {
    const slot = openSlot(sizes);
    size += 1 + closeSlot(sizes, slot, sizeDense(content.value));
  }
  else if (content.case === "sparse") size += 1 + sizeNested(sizes, content.value, sizeSparse);
  size += stringFieldSize(array.clsName);
  if (array.parameters !== undefined) size += 1 + sizeNested(sizes, array.parameters, sizeStruct);
  return size + unknownSize(array.$unknown);
}

/**
 * Writes an `NdArrayProto` payload (its sizes next on the writer).
 *
 * @example
 * ```ts
 * writeNdArray(writer, doc.proto.embedding!);
 * ```
 */
export function writeNdArray(w: WireWriter, array: NdArrayProto): void {
  const content = array.content;
  if (content.case === "dense") {
    w.buf[w.pos++] = 0x0a;
    const mark = w.open(Kind.dense);
    writeDense(w, content.value);
    w.close(mark, Kind.dense);
  } else if (content.case === "sparse") {
    w.buf[w.pos++] = 0x12;
    const mark = w.open(Kind.sparse);
    writeSparse(w, content.value);
    w.close(mark, Kind.sparse);
  }
  writeStringField(w, 0x1a, array.clsName);
  // parameters and unknown fields are rare: out of line, so that this function stays small enough to be inlined
  if (array.parameters !== undefined || array.$unknown !== undefined) writeNdArrayRest(w, array);
}

/**
 * Writes a dense `NdArrayProto` field's length prefix and payload (its tag already written) as {@link writeNdArray}
 * in a length-delimited field does, the cursor kept in a local and both length prefixes computed up front rather than
 * patched: an embedding, the part of most documents that is not their id. Returns false, the writer unmoved, for any
 * other array (sparse, with parameters or unknown fields, a non-ASCII or long dtype or cls_name, a value protobuf-es
 * refuses), which the caller then writes with {@link writeNdArray}.
 *
 * @example
 * ```ts
 * if (!writeDenseNdArrayField(w, doc.embedding)) writeNdArrayField(w, doc.embedding);
 * ```
 */
export function writeDenseNdArrayField(w: WireWriter, array: NdArrayProto): boolean {
  const content = array.content;
  if (content.case !== "dense" || array.parameters !== undefined || array.$unknown !== undefined) return false;
  const dense = content.value;
  const buffer = dense.buffer, shape = dense.shape, dtype = dense.dtype, clsName = array.clsName;
  if (!(buffer instanceof Uint8Array) || dense.$unknown !== undefined || !Array.isArray(shape)) return false;
  if (typeof dtype !== "string" || typeof clsName !== "string" || dtype.length >= 0x80 || clsName.length >= 0x80) return false;
  let shapeSize = 0;
  for (let i = 0; i < shape.length; i++) {
    const v = shape[i];
    if (!(typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) return false;
    shapeSize += varintSize(v);
  }
  // the sizes as if dtype and cls_name are ASCII (one byte a code unit); checked as they are written
  const length = buffer.length;
  const denseSize = (length > 0 ? 1 + delimitedSize(length) : 0) + (shape.length > 0 ? 1 + delimitedSize(shapeSize) : 0) +
    (dtype.length > 0 ? 2 + dtype.length : 0);
  const arraySize = 1 + delimitedSize(denseSize) + (clsName.length > 0 ? 2 + clsName.length : 0);
  const buf = w.buf;
  let pos = putVarint(buf, w.pos, arraySize);
  buf[pos++] = 0x0a;
  pos = putVarint(buf, pos, denseSize);
  if (length > 0) {
    buf[pos++] = 0x0a;
    pos = putVarint(buf, pos, length);
    buf.set(buffer, pos); // (past a one-pass writer's buffer it throws, and the codec encodes with a size pass)
    pos += length;
  }
  if (shape.length > 0) {
    buf[pos++] = 0x12;
    pos = putVarint(buf, pos, shapeSize);
    for (let i = 0; i < shape.length; i++) pos = putVarint(buf, pos, shape[i] as number);
  }
  if (dtype.length > 0) {
    buf[pos++] = 0x1a;
    pos = putAscii(buf, pos, dtype);
  }
  if (clsName.length > 0 && pos >= 0) {
    buf[pos++] = 0x1a;
    pos = putAscii(buf, pos, clsName);
  }
  if (pos < 0) return false; // not ASCII: what was written is written again by the caller
  w.pos = pos;
  if (w.sizes !== undefined) w.next += 2; // the size pass's slots of this array and its dense array, not needed here
  return true;
}

/** Writes `value` (a uint32) as a varint at `pos`; returns the position after it. */
function putVarint(buf: Uint8Array, pos: number, value: number): number {
  while (value > 0x7f) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[pos++] = value;
  return pos;
}

/** Writes a short string's length byte and code units at `pos` (at most 127 of them); -1 if one is not ASCII. */
function putAscii(buf: Uint8Array, pos: number, text: string): number {
  if (pos < 0) return pos;
  const n = text.length;
  buf[pos++] = n;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    high |= c;
    buf[pos + i] = c;
  }
  return high < 0x80 ? pos + n : -1;
}

function writeNdArrayRest(w: WireWriter, array: NdArrayProto): void {
  if (array.parameters !== undefined) {
    w.buf[w.pos++] = 0x22;
    const mark = w.open(Kind.struct);
    writeStruct(w, array.parameters);
    w.close(mark, Kind.struct);
  }
  writeUnknown(w, array.$unknown);
}

function sizeDense(dense: DenseNdArrayProto): number {
  let size = 0;
  const length = checkBytes(dense.buffer).length;
  if (length > 0) size += 1 + delimitedSize(length);
  if (dense.shape.length > 0) size += 1 + delimitedSize(packedUint32Size(dense.shape));
  size += stringFieldSize(dense.dtype);
  return size + unknownSize(dense.$unknown);
}

function writeDense(w: WireWriter, dense: DenseNdArrayProto): void {
  const buffer = checkBytes(dense.buffer);
  if (buffer.length > 0) {
    w.buf[w.pos++] = 0x0a;
    w.varint(buffer.length);
    w.raw(buffer);
  }
  writePackedUint32(w, 0x12, dense.shape);
  writeStringField(w, 0x1a, dense.dtype);
  if (dense.$unknown !== undefined) writeUnknown(w, dense.$unknown);
}

function sizeSparse(sizes: number[], sparse: SparseNdArrayProto): number {
  let size = 0;
  if (sparse.indices !== undefined) size += 1 + closeSlot(sizes, openSlot(sizes), sizeDense(sparse.indices));
  if (sparse.values !== undefined) size += 1 + closeSlot(sizes, openSlot(sizes), sizeDense(sparse.values));
  if (sparse.shape.length > 0) size += 1 + delimitedSize(packedUint32Size(sparse.shape));
  return size + unknownSize(sparse.$unknown);
}

function writeSparse(w: WireWriter, sparse: SparseNdArrayProto): void {
  if (sparse.indices !== undefined) {
    w.buf[w.pos++] = 0x0a;
    const mark = w.open(Kind.dense);
    writeDense(w, sparse.indices);
    w.close(mark, Kind.dense);
  }
  if (sparse.values !== undefined) {
    w.buf[w.pos++] = 0x12;
    const mark = w.open(Kind.dense);
    writeDense(w, sparse.values);
    w.close(mark, Kind.dense);
  }
  writePackedUint32(w, 0x1a, sparse.shape);
  writeUnknown(w, sparse.$unknown);
}
