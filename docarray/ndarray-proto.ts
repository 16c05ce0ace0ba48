/**
 * Reading `NdArrayProto` bytes into typed arrays: zero-copy when aligned, a copy when not, byte-swapped when the
 * dtype is big-endian, and sparse COO densified.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DenseNdArrayProto, NdArrayProto, SparseNdArrayProto } from "../proto/gen/docarray_pb.ts";
import { parseDtype, type TypedArray } from "./dtype.ts";

/**
 * The parts of a decoded array: the elements, the shape and the little-endian numpy dtype.
 *
 * @example
 * ```ts
 * const decoded: DecodedArray = { data: new Float32Array(2), shape: [2], dtype: "<f4" };
 * ```
 */
export interface DecodedArray {
  data: TypedArray;
  shape: number[];
  dtype: string;
}

/**
 * The number of elements of a shape (1 for a scalar `[]`).
 *
 * @example
 * ```ts
 * sizeOf([2, 3]); // 6
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/**
 * Decodes a `DenseNdArrayProto`. The result is a view over `dense.buffer` when its byte offset is a multiple of
 * the element size and the dtype is little-endian; otherwise the bytes are copied (and swapped for `>` dtypes).
 *
 * @example
 * ```ts
 * const { data } = decodeDense(create(DenseNdArrayProtoSchema, { buffer, shape: [2], dtype: "<f4" }));
 * ```
 */
export function decodeDense(dense: DenseNdArrayProto, path = "ndarray"): DecodedArray {
  const dtype = parseDtype(dense.dtype || "<f8");
  const bytes = dense.buffer;
  if (bytes.byteLength % dtype.size !== 0) {
    throw new JinaError(
      `${path}: buffer of ${bytes.byteLength} bytes is not a whole number of ${dtype.str} elements (${dtype.size} bytes each)`,
      ErrorCode.InvalidArgument,
    );
  }
  const length = bytes.byteLength / dtype.size;
  let shape = [...dense.shape];
  if (shape.length === 0 && length !== 1) shape = [length];
  if (sizeOf(shape) !== length) {
    throw new JinaError(
      `${path}: shape [${shape.join(", ")}] needs ${sizeOf(shape)} elements but the buffer holds ${length} ${dtype.str} elements`,
      ErrorCode.InvalidArgument,
    );
  }
  const swap = dtype.order === ">";
  if (!swap && bytes.byteOffset % dtype.size === 0) {
    return { data: new dtype.ctor(bytes.buffer, bytes.byteOffset, length), shape, dtype: dtype.str };
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  if (swap) swapBytes(copy, dtype.size);
  return { data: new dtype.ctor(copy.buffer, 0, length), shape, dtype: dtype.str };
}

/**
 * Reverses the byte order of every `size`-byte element of `bytes`, in place.
 *
 * @example
 * ```ts
 * swapBytes(new Uint8Array([0x3f, 0x80, 0, 0]), 4); // [0, 0, 0x80, 0x3f]
 * ```
 */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let at = 0; at < bytes.length; at += size) {
    for (let i = 0, j = size - 1; i < j; i++, j--) {
      const tmp = bytes[at + i] ?? 0;
      bytes[at + i] = bytes[at + j] ?? 0;
      bytes[at + j] = tmp;
    }
  }
}

/**
 * Densifies a COO `SparseNdArrayProto` (indices `[N, ndim]`, or `[ndim, N]` as torch writes them; values `[N]`)
 * into a C-order array of its `shape`, in the values' dtype. Duplicate coordinates are summed, as numpy does.
 *
 * @example
 * ```ts
 * decodeSparse(sparse).shape; // sparse.shape
 * ```
 */
export function decodeSparse(sparse: SparseNdArrayProto, path = "ndarray"): DecodedArray {
  const shape = [...sparse.shape];
  const values = sparse.values ? decodeDense(sparse.values, `${path}.sparse.values`) : undefined;
  const indices = sparse.indices ? decodeDense(sparse.indices, `${path}.sparse.indices`) : undefined;
  const dtype = parseDtype(values?.dtype ?? "<f8");
  const data = new dtype.ctor(sizeOf(shape));
  if (!values || !indices || values.data.length === 0) return { data, shape, dtype: dtype.str };
  const n = values.data.length;
  const ndim = shape.length;
  const [rows = 0, cols = 1] = indices.shape.length === 1 ? [indices.shape[0] ?? 0, 1] : indices.shape;
  const transposed = !(rows === n && cols === ndim) && rows === ndim && cols === n;
  if (!transposed && !(rows === n && cols === ndim)) {
    throw new JinaError(
      `${path}.sparse.indices: shape [${indices.shape.join(", ")}] does not fit ${n} values of a ${ndim}-d array`,
      ErrorCode.InvalidArgument,
    );
  }
  const index = (k: number, d: number): number =>
    Number(transposed ? indices.data[d * n + k] : indices.data[k * ndim + d]);
  // bigint dtypes (`<i8`, `<u8`) add bigints; the others numbers.
  const target = data as unknown as Array<number & bigint>;
  const source = values.data as unknown as Array<number & bigint>;
  const zero = (typeof source[0] === "bigint" ? 0n : 0) as number & bigint;
  for (let k = 0; k < n; k++) {
    let offset = 0;
    for (let d = 0; d < ndim; d++) {
      const at = index(k, d);
      const dim = shape[d] ?? 0;
      if (!(at >= 0 && at < dim)) {
        throw new JinaError(`${path}.sparse.indices: index ${at} out of bounds for axis ${d} of size ${dim}`, ErrorCode.InvalidArgument);
      }
      offset = offset * dim + at;
    }
    target[offset] = ((target[offset] ?? zero) + (source[k] ?? zero)) as number & bigint;
  }
  return { data, shape, dtype: dtype.str };
}

/**
 * Decodes any `NdArrayProto` (dense or sparse; `cls_name` numpy, list, torch, tensorflow, paddle, jax or scipy).
 * Throws a `JinaError` (InvalidArgument) naming `path` when it has no content or is malformed.
 *
 * @example
 * ```ts
 * const { data, shape, dtype } = decodeNdArrayProto(doc.proto.embedding!);
 * ```
 */
export function decodeNdArrayProto(proto: NdArrayProto, path = "ndarray"): DecodedArray {
  switch (proto.content.case) {
    case "dense":
      return decodeDense(proto.content.value, path);
    case "sparse":
      return decodeSparse(proto.content.value, path);
    default:
      throw new JinaError(`${path}: NdArrayProto has neither dense nor sparse content`, ErrorCode.InvalidArgument);
  }
}
