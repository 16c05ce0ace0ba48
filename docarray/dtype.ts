/**
 * numpy dtype strings (`dtype.str`: `<f4`, `|u1`, `>i8` …) and the JS typed arrays that hold their elements.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * The typed arrays an {@link NdArray} can hold. `<f2` (float16) is kept as raw `Uint16Array` bits and `|b1`
 * (bool) as `Uint8Array`.
 *
 * @example
 * ```ts
 * const data: TypedArray = new Float32Array([1, 2, 3]);
 * ```
 */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/**
 * A constructor of one of the {@link TypedArray} kinds.
 *
 * @example
 * ```ts
 * const ctor: TypedArrayConstructor = Float32Array;
 * new ctor(4);
 * ```
 */
export interface TypedArrayConstructor {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * A parsed numpy dtype: byte order (`<` little, `>` big, `|` not applicable), kind (`f`, `i`, `u`, `b`) and item
 * size in bytes, with the typed array constructor that holds it and its little-endian `str`.
 *
 * @example
 * ```ts
 * parseDtype(">f4"); // { order: ">", kind: "f", size: 4, str: "<f4", ctor: Float32Array }
 * ```
 */
export interface Dtype {
  readonly order: "<" | ">" | "|";
  readonly kind: "f" | "i" | "u" | "b";
  readonly size: number;
  /** The little-endian numpy `dtype.str` (what jina-ts writes). */
  readonly str: string;
  readonly ctor: TypedArrayConstructor;
}

const ctors: Record<string, TypedArrayConstructor> = {
  f2: Uint16Array,
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  i2: Int16Array,
  i4: Int32Array,
  i8: BigInt64Array as unknown as TypedArrayConstructor,
  u1: Uint8Array,
  u2: Uint16Array,
  u4: Uint32Array,
  u8: BigUint64Array as unknown as TypedArrayConstructor,
  b1: Uint8Array,
};

const names: Record<string, string> = {
  float16: "f2", half: "f2", float32: "f4", float: "f4", float64: "f8", double: "f8",
  int8: "i1", int16: "i2", int32: "i4", int64: "i8", uint8: "u1", uint16: "u2", uint32: "u4", uint64: "u8",
  bool: "b1", bool_: "b1",
};

const cache = new Map<string, Dtype>();

/**
 * Parses a numpy dtype string (`<f4`, `>i8`, `|u1`, `=f8`, `f4`) or a numpy name (`float32`, `int64`, `bool`).
 * Throws a `JinaError` (InvalidArgument) for anything else (complex, strings, objects).
 *
 * @example
 * ```ts
 * parseDtype("<f4").ctor === Float32Array; // true
 * ```
 */
export function parseDtype(dtype: string): Dtype {
  const hit = cache.get(dtype);
  if (hit) return hit;
  let order: Dtype["order"] = "<";
  let body = dtype;
  const first = dtype[0];
  if (first === "<" || first === ">" || first === "|" || first === "=") {
    order = first === "=" ? "<" : first;
    body = dtype.slice(1);
  }
  body = names[body] ?? body;
  const ctor = ctors[body];
  if (!ctor) {
    throw new JinaError(
      `unsupported dtype ${JSON.stringify(dtype)}: use a numeric numpy dtype such as "<f4", "<f8", "<i8", "|u1", "|b1" or "<f2"`,
      ErrorCode.InvalidArgument,
    );
  }
  const kind = body[0] as Dtype["kind"];
  const size = Number(body.slice(1));
  if (size === 1) order = "|";
  const str = `${size === 1 ? "|" : "<"}${body}`;
  const parsed: Dtype = { order: size === 1 ? "|" : order, kind, size, str, ctor };
  cache.set(dtype, parsed);
  return parsed;
}

/**
 * The numpy dtype string of a typed array (`Float32Array` → `<f4`; `Uint16Array` → `<u2`, `Uint8Array` → `|u1`).
 *
 * @example
 * ```ts
 * dtypeOf(new Float64Array(2)); // "<f8"
 * ```
 */
export function dtypeOf(data: TypedArray): string {
  if (data instanceof Float32Array) return "<f4";
  if (data instanceof Float64Array) return "<f8";
  if (data instanceof Int8Array) return "|i1";
  if (data instanceof Int16Array) return "<i2";
  if (data instanceof Int32Array) return "<i4";
  if (data instanceof BigInt64Array) return "<i8";
  if (data instanceof Uint8Array) return "|u1";
  if (data instanceof Uint16Array) return "<u2";
  if (data instanceof Uint32Array) return "<u4";
  return "<u8";
}

/**
 * True when `value` is one of the {@link TypedArray} kinds.
 *
 * @example
 * ```ts
 * isTypedArray(new Int32Array(1)); // true
 * isTypedArray(new DataView(new ArrayBuffer(1))); // false
 * ```
 */
export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}
