/**
 * Decoding `NdArrayProto` into the objects protobuf-es builds. A dense buffer is a view over the received bytes
 * (no copy); `NdArray` reads it as a typed array in place when its offset is aligned, or copies it once.
 *
 * @module
 */
import type { DenseNdArrayProto, NdArrayProto, SparseNdArrayProto } from "../../proto/gen/docarray_pb.ts";
import { Fallback, type UnknownField, varintAt, varintValue, type WireReader } from "./reader.ts";
import { readStruct } from "./struct-decode.ts";

/**
 * Reads an `NdArrayProto` payload ending at `end`.
 *
 * @example
 * ```ts
 * const embedding = readNdArray(reader, reader.delimited(), 2);
 * ```
 */
export function readNdArray(r: WireReader, end: number, depth: number): NdArrayProto {
  const dense = readDenseNdArray(r, end);
  if (dense !== undefined) return dense;
  // fields gathered first and the message built once (no placeholder `content` replaced by the dense one)
  let content: NdArrayProto["content"] | undefined;
  let clsName = "";
  let parameters: NdArrayProto["parameters"];
  let unknown: { $unknown?: UnknownField[] } | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        if (content?.case === "dense") throw new Fallback(); // a repeated message field merges
        content = { case: "dense", value: readDense(r, r.delimited()) };
        break;
      case 0x12:
        if (content?.case === "sparse") throw new Fallback();
        content = { case: "sparse", value: readSparse(r, r.delimited()) };
        break;
      case 0x1a:
        clsName = r.string();
        break;
      case 0x22:
        if (parameters !== undefined) throw new Fallback();
        parameters = readStruct(r, r.delimited(), depth + 1);
        break;
      default:
        if (tag >>> 3 <= 4) throw new Fallback();
        r.unknown((unknown ??= {}), tag);
    }
  }
  r.expectEnd(end);
  const array = newNdArray(content ?? { case: undefined }, clsName);
  if (parameters !== undefined) array.parameters = parameters;
  if (unknown) array.$unknown = unknown.$unknown;
  return array;
}

function readDense(r: WireReader, end: number): DenseNdArrayProto {
  let buffer: Uint8Array | undefined;
  let shape: number[] | undefined;
  let dtype = "";
  let unknown: { $unknown?: UnknownField[] } | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        buffer = r.bytes();
        break;
      case 0x12:
        shape = readPackedUint32(r, shape);
        break;
      case 0x10:
        (shape ??= []).push(r.varint());
        break;
      case 0x1a:
        dtype = r.string();
        break;
      default:
        if (tag >>> 3 <= 3) throw new Fallback();
        r.unknown((unknown ??= {}), tag);
    }
  }
  r.expectEnd(end);
  const dense = newDense(buffer, shape, dtype);
  if (unknown) dense.$unknown = unknown.$unknown;
  return dense;
}

/**
 * Reads the common `NdArrayProto` payload ending at `end` — a dense array (buffer, shape, dtype, each optional, in
 * field order) then a cls_name, as every encoder writes an embedding — with the cursor in a local; undefined, the
 * reader unmoved, for anything else (another order, unpacked or oversized varints, a sparse array, parameters,
 * unknown fields), which {@link readNdArray}'s field loop then reads.
 */
function readDenseNdArray(r: WireReader, end: number): NdArrayProto | undefined {
  const buf = r.buf;
  const start = r.pos;
  if (buf[start] !== 0x0a) return undefined;
  let pos = varintAt(buf, start + 1);
  const denseEnd = pos + varintValue;
  if (pos < 0 || denseEnd > end) return undefined;
  let buffer: Uint8Array | undefined;
  let shape: number[] | undefined;
  if (pos < denseEnd && buf[pos] === 0x0a) {
    pos = varintAt(buf, pos + 1);
    const stop = pos + varintValue;
    if (pos < 0 || stop > denseEnd) return undefined;
    buffer = r.viewOf(pos, stop);
    pos = stop;
  }
  if (pos < denseEnd && buf[pos] === 0x12) {
    pos = varintAt(buf, pos + 1);
    const stop = pos + varintValue;
    if (pos < 0 || stop > denseEnd) return undefined;
    // made at its size when it holds one value (an embedding's shape): an empty array grown by a push gets room for
    // 17 values in V8, ~145 bytes more per document for the garbage collector to copy
    if (pos < stop) {
      pos = varintAt(buf, pos);
      shape = [varintValue];
    } else shape = [];
    while (pos >= 0 && pos < stop) {
      pos = varintAt(buf, pos);
      shape.push(varintValue);
    }
    if (pos !== stop) return undefined;
  }
  let dtype: string, clsName: string;
  if (sameTail(buf, pos, denseEnd, end)) {
    dtype = tail.dtype;
    clsName = tail.clsName;
    r.pos = end;
  } else {
    r.pos = pos;
    dtype = taggedString(r, denseEnd);
    const denseEnded = r.pos === denseEnd; // (a dtype running past its message must not be taken for the whole array)
    clsName = denseEnded ? taggedString(r, end) : "";
    if (!denseEnded || r.pos !== end) {
      r.pos = start;
      return undefined;
    }
    keepTail(buf, pos, denseEnd, end, dtype, clsName);
  }
  return newNdArray({ case: "dense", value: newDense(buffer, shape, dtype) }, clsName);
}

/**
 * The last dense array's tail — its dtype field, then the `NdArrayProto`'s cls_name field (`1a 03 "<f4" 1a 05
 * "numpy"`): the same in every embedding of a request, so a tail of the same bytes, split at the same place, is
 * taken as the same two strings without reading them again.
 */
const tail = { bytes: new Uint8Array(32), length: -1, split: 0, dtype: "", clsName: "" };

/** Whether `buf[pos, end)`, its dense array ending at `denseEnd`, is {@link tail}'s bytes and split. */
function sameTail(buf: Uint8Array, pos: number, denseEnd: number, end: number): boolean {
  const length = end - pos;
  if (length !== tail.length || denseEnd - pos !== tail.split) return false;
  const bytes = tail.bytes;
  for (let i = 0; i < length; i++) if (buf[pos + i] !== bytes[i]) return false;
  return true;
}

/** Records `buf[pos, end)` as {@link tail} (when short), read as `dtype` and `clsName`. */
function keepTail(buf: Uint8Array, pos: number, denseEnd: number, end: number, dtype: string, clsName: string): void {
  const length = end - pos;
  if (length > tail.bytes.length) return;
  tail.bytes.set(buf.subarray(pos, end));
  tail.length = length;
  tail.split = denseEnd - pos;
  tail.dtype = dtype;
  tail.clsName = clsName;
}

/** A string field numbered 3 (tag 0x1a) at the cursor if one starts there before `stop`, else "" (the cursor unmoved). */
function taggedString(r: WireReader, stop: number): string {
  if (r.pos >= stop || r.buf[r.pos] !== 0x1a) return "";
  r.pos++;
  return r.string();
}

function newNdArray(content: NdArrayProto["content"], clsName: string): NdArrayProto {
  return { $typeName: "docarray.NdArrayProto", content, clsName } as NdArrayProto;
}

function newDense(buffer: Uint8Array | undefined, shape: number[] | undefined, dtype: string): DenseNdArrayProto {
  return { $typeName: "docarray.DenseNdArrayProto", buffer: buffer ?? new Uint8Array(0), shape: shape ?? [], dtype } as DenseNdArrayProto;
}

function readSparse(r: WireReader, end: number): SparseNdArrayProto {
  const sparse = { $typeName: "docarray.SparseNdArrayProto", shape: [] as number[] } as SparseNdArrayProto;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        if (sparse.indices !== undefined) throw new Fallback();
        sparse.indices = readDense(r, r.delimited());
        break;
      case 0x12:
        if (sparse.values !== undefined) throw new Fallback();
        sparse.values = readDense(r, r.delimited());
        break;
      case 0x1a:
        readPackedUint32(r, sparse.shape);
        break;
      case 0x18:
        sparse.shape.push(r.varint());
        break;
      default:
        if (tag >>> 3 <= 3) throw new Fallback();
        r.unknown(sparse, tag);
    }
  }
  r.expectEnd(end);
  return sparse;
}

/** Reads a packed uint32 field's values onto `into`, or into a new array (a one-value shape made at its size). */
function readPackedUint32(r: WireReader, into: number[] | undefined): number[] {
  const end = r.delimited();
  if (into === undefined && r.pos < end) {
    const first = r.varint();
    into = [first];
  }
  into ??= [];
  while (r.pos < end) into.push(r.varint());
  r.expectEnd(end);
  return into;
}
