/**
 * `NdArray`: a typed array with a shape and a numpy dtype, the value of `Document.tensor` and
 * `Document.embedding`, read from and written to docarray's `NdArrayProto` without copying where possible.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { DenseNdArrayProtoSchema, type NdArrayProto, NdArrayProtoSchema } from "../proto/gen/docarray_pb.ts";
import { dtypeOf, isTypedArray, parseDtype, type TypedArray } from "./dtype.ts";
import { float16ToNumber, numberToFloat16 } from "./float16.ts";
import { decodeNdArrayProto, sizeOf } from "./ndarray-proto.ts";

/**
 * What `NdArray.from` and the `tensor`/`embedding` setters accept. Plain number lists become float64 `<f8`
 * (lossless, as numpy does); a typed array keeps its dtype and gets shape `[length]`.
 *
 * @example
 * ```ts
 * const init: NdArrayInit = [[1, 2], [3, 4]]; // <f8, shape [2, 2]
 * ```
 */
export type NdArrayInit = NdArray | TypedArray | number[] | number[][];

/**
 * Options of the {@link NdArray} constructor.
 *
 * @example
 * ```ts
 * new NdArray(new Uint16Array(4), { shape: [2, 2], dtype: "<f2" });
 * ```
 */
export interface NdArrayOptions {
  /** The shape; defaults to `[data.length]`. Its product must equal `data.length`. */
  shape?: number[];
  /** The numpy `dtype.str`; defaults to the typed array's (`<f2` and `|b1` must be given). */
  dtype?: string;
}

/**
 * A nested list of numbers (and booleans for `|b1`), as `toList()` returns and JSON carries.
 *
 * @example
 * ```ts
 * const list: NestedList = [[1, 2], [3, 4]];
 * ```
 */
export type NestedList = Array<number | boolean | NestedList>;

/**
 * An n-dimensional array: C-order elements in a typed array, a shape and a numpy dtype string. Float16 (`<f2`)
 * data is raw `Uint16Array` bits, bool (`|b1`) is `Uint8Array` 0/1; {@link NdArray.toFloat64} converts for math.
 *
 * @example
 * ```ts
 * const a = new NdArray(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
 * a.dtype;   // "<f4"
 * a.toList(); // [[1, 2], [3, 4]]
 * ```
 */
export class NdArray {
  /** The elements, in C order. */
  readonly data: TypedArray;
  /** The shape; `[]` is a scalar. */
  readonly shape: number[];
  /** The little-endian numpy `dtype.str` (`<f4`, `<f8`, `<i8`, `|u1`, `|b1`, `<f2` …). */
  readonly dtype: string;

  constructor(data: TypedArray, options: NdArrayOptions = {}) {
    const dtype = parseDtype(options.dtype ?? dtypeOf(data));
    if (!(data instanceof dtype.ctor)) {
      throw new JinaError(
        `dtype ${JSON.stringify(options.dtype)} does not fit a ${data.constructor.name}: use dtype ${JSON.stringify(dtypeOf(data))} or convert the data`,
        ErrorCode.InvalidArgument,
      );
    }
    const shape = options.shape ?? [data.length];
    if (sizeOf(shape) !== data.length || shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
      throw new JinaError(
        `shape [${shape.join(", ")}] does not fit ${data.length} elements: the product of the shape must be the length of the data`,
        ErrorCode.InvalidArgument,
      );
    }
    this.data = data;
    this.shape = shape;
    this.dtype = dtype.str;
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * Makes an NdArray from an {@link NdArrayInit}: an NdArray is returned as is, a typed array is wrapped (no copy,
   * shape `[length]`), number lists (nested to any depth, rectangular) become float64.
   *
   * @example
   * ```ts
   * NdArray.from([[1, 2], [3, 4]]).shape; // [2, 2]
   * NdArray.from(new Float32Array(3)).dtype; // "<f4"
   * ```
   */
  static from(value: NdArrayInit): NdArray {
    if (value instanceof NdArray) return value;
    if (isTypedArray(value)) return new NdArray(value);
    if (!Array.isArray(value)) {
      throw new JinaError(`expected an NdArray, a typed array or a list of numbers, got ${describe(value)}`, ErrorCode.InvalidArgument);
    }
    return ndArrayFromList(value, "value");
  }

  /**
   * Reads an `NdArrayProto` (dense or sparse, any `cls_name`). Dense data is a view over the proto's buffer when
   * its byte offset is aligned to the element size (a copy otherwise, and for big-endian dtypes, which are
   * converted to little-endian). Sparse COO data is densified.
   *
   * @example
   * ```ts
   * const embedding = NdArray.fromProto(doc.proto.embedding!);
   * ```
   */
  static fromProto(proto: NdArrayProto): NdArray {
    const { data, shape, dtype } = decodeNdArrayProto(proto);
    return new NdArray(data, { shape, dtype });
  }

  /**
   * Writes a dense `NdArrayProto` with `cls_name: "numpy"`. Its buffer is a view over `data` (no copy).
   *
   * @example
   * ```ts
   * doc.proto.embedding = NdArray.from([1, 2]).toProto();
   * ```
   */
  toProto(): NdArrayProto {
    const buffer = new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return create(NdArrayProtoSchema, {
      content: { case: "dense", value: create(DenseNdArrayProtoSchema, { buffer, shape: [...this.shape], dtype: this.dtype }) },
      clsName: "numpy",
    });
  }

  /**
   * The elements as float64 numbers (float16 decoded, bigints converted, bools as 0/1). A copy.
   *
   * @example
   * ```ts
   * new NdArray(new Uint16Array([0x3c00]), { dtype: "<f2" }).toFloat64(); // Float64Array [1]
   * ```
   */
  toFloat64(): Float64Array {
    const out = new Float64Array(this.data.length);
    const data = this.data;
    if (this.dtype === "<f2") {
      for (let i = 0; i < out.length; i++) out[i] = float16ToNumber(data[i] as number);
    } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      for (let i = 0; i < out.length; i++) out[i] = Number(data[i]);
    } else {
      out.set(data as ArrayLike<number>);
    }
    return out;
  }

  /**
   * The elements as nested lists (numbers; booleans for `|b1`), as numpy's `tolist()` and Jina's JSON give them.
   *
   * @example
   * ```ts
   * NdArray.from([[1, 2], [3, 4]]).toList(); // [[1, 2], [3, 4]]
   * ```
   */
  toList(): NestedList {
    const flat: Array<number | boolean> =
      this.dtype === "|b1" ? Array.from(this.data as Uint8Array, (x) => x !== 0) : Array.from(this.toFloat64());
    if (this.shape.length === 0) return flat;
    let at = 0;
    const build = (axis: number): NestedList => {
      const dim = this.shape[axis] ?? 0;
      const out: NestedList = new Array(dim);
      for (let i = 0; i < dim; i++) out[i] = axis === this.shape.length - 1 ? (flat[at++] ?? 0) : build(axis + 1);
      return out;
    };
    return build(0);
  }

  /**
   * The `index`-th sub-array along the first axis, as a view sharing this array's memory.
   *
   * @example
   * ```ts
   * NdArray.from([[1, 2], [3, 4]]).row(1).toList(); // [3, 4]
   * ```
   */
  row(index: number): NdArray {
    const rows = this.shape[0] ?? 0;
    if (this.shape.length === 0 || index < 0 || index >= rows) {
      throw new JinaError(`row ${index} is out of range for shape [${this.shape.join(", ")}]`, ErrorCode.OutOfRange);
    }
    const inner = this.shape.slice(1);
    const width = sizeOf(inner);
    return new NdArray(this.data.subarray(index * width, (index + 1) * width), { shape: inner, dtype: this.dtype });
  }

  /**
   * A float16 NdArray (`<f2`) from numbers.
   *
   * @example
   * ```ts
   * NdArray.float16([0.5, 1]).dtype; // "<f2"
   * ```
   */
  static float16(values: ArrayLike<number>, shape?: number[]): NdArray {
    const bits = Uint16Array.from(values as ArrayLike<number>, numberToFloat16);
    return new NdArray(bits, { dtype: "<f2", ...(shape ? { shape } : {}) });
  }
}

/**
 * Describes a JSON value for an error message: strings quoted (cut at 40 characters), lists and objects by kind.
 *
 * @example
 * ```ts
 * describe("abc"); // "\"abc\""
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return Array.isArray(value) ? "a list" : "an object";
  return `${typeof value} ${String(value)}`;
}

/** Most dimensions a tensor read from JSON may have, as numpy allows. */
const maxDimensions = 32;

/**
 * A float64 NdArray from nested lists of numbers (booleans count as 0/1), checked to be rectangular. Errors are
 * `JinaError`s (InvalidArgument) naming the element by `path`, e.g. `data[3].embedding[1]: expected a number`.
 *
 * @example
 * ```ts
 * ndArrayFromList([[1, 2], [3, 4]], "embedding").shape; // [2, 2]
 * ```
 */
export function ndArrayFromList(list: unknown, path: string): NdArray {
  if (!Array.isArray(list)) {
    throw new JinaError(`${path}: expected a list of numbers, got ${describe(list)}`, ErrorCode.InvalidArgument);
  }
  const shape: number[] = [];
  let probe: unknown = list;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
    if (shape.length > maxDimensions) {
      throw new JinaError(`${path}: more than ${maxDimensions} dimensions (numpy's limit); send a flatter array`, ErrorCode.InvalidArgument);
    }
  }
  const data = new Float64Array(sizeOf(shape));
  let at = 0;
  const walk = (value: unknown, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (typeof value === "number") data[at++] = value;
      else if (typeof value === "boolean") data[at++] = value ? 1 : 0;
      else throw new JinaError(`${path}: expected a number, got ${describe(value)}`, ErrorCode.InvalidArgument);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[axis]) {
      throw new JinaError(
        `${path}: expected a list of ${shape[axis]} ${axis === shape.length - 1 ? "numbers" : "lists"} (the array must be rectangular), got ${Array.isArray(value) ? `${value.length} items` : describe(value)}`,
        ErrorCode.InvalidArgument,
      );
    }
    for (let i = 0; i < value.length; i++) walk(value[i], axis + 1, `${path}[${i}]`);
  };
  walk(list, 0, path);
  return new NdArray(data, { shape });
}
