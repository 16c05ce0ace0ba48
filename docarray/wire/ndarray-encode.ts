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
import { closeSlot, delimitedSize, Kind, openSlot, sizeNested, type WireWriter } from "./writer.ts";

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
