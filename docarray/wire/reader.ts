/**
 * The read side of the wire codec: a cursor over the received bytes. Whatever it does not handle the fast way
 * (groups, a known field with an unexpected wire type, a singular message field repeated for merging, overlong
 * varints, truncated input, invalid UTF-8) throws {@link Fallback}, and the caller decodes the whole input with
 * protobuf-es instead, which accepts it or throws its own error.
 *
 * @module
 */
import { type Latin1View, latin1View } from "../../runtime/latin1.ts";
import { readUtf8 } from "./utf8.ts";

/**
 * Thrown by the fast reader for input it leaves to protobuf-es. Never escapes the codec.
 *
 * @example
 * ```ts
 * try { fast(bytes) } catch (e) { if (e instanceof Fallback) return fromBinary(schema, bytes); throw e; }
 * ```
 */
export class Fallback extends Error {}

/**
 * An unknown field as protobuf-es keeps it in `message.$unknown` (and writes it back after the known fields).
 *
 * @example
 * ```ts
 * const field: UnknownField = { no: 99, wireType: 0, data: new Uint8Array([1]) };
 * ```
 */
export interface UnknownField {
  no: number;
  wireType: number;
  data: Uint8Array;
}

/**
 * The value {@link varintAt} read last (its second result, without an object per call).
 *
 * @example
 * ```ts
 * const next = varintAt(bytes, 0);
 * const length = varintValue;
 * ```
 */
export let varintValue = 0;

/**
 * Reads an unsigned 32-bit varint at `pos` into {@link varintValue} and returns the position after it, or -1 for what
 * the fast reader leaves to protobuf-es (more than 5 bytes, above 2^32 - 1, past the end).
 *
 * @example
 * ```ts
 * varintAt(new Uint8Array([0xac, 0x02]), 0); // 2, varintValue 300
 * ```
 */
export function varintAt(buf: Uint8Array, pos: number): number {
  let b = buf[pos++];
  if (b === undefined) return -1;
  if (b < 0x80) {
    varintValue = b;
    return pos;
  }
  let value = b & 0x7f;
  for (let shift = 7; shift < 35; shift += 7) {
    b = buf[pos++];
    if (b === undefined || (shift === 28 && b > 0x0f)) return -1;
    value |= (b & 0x7f) << shift;
    if (b < 0x80) {
      varintValue = value >>> 0;
      return pos;
    }
  }
  return -1;
}

/**
 * A cursor reading protobuf wire primitives.
 *
 * @example
 * ```ts
 * const r = new WireReader(new Uint8Array([0xac, 0x02]));
 * r.varint(); // 300
 * ```
 */
export class WireReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  /** `buf`'s memory when `buf` is a plain `Uint8Array` (views are then made with the constructor), else undefined. */
  private readonly memory: ArrayBufferLike | undefined;
  private readonly offset: number;
  /** The runtime's native Latin-1 view over `buf` (`runtime/latin1.ts`), made when a string first needs it. */
  private latin1: Latin1View | undefined | null = null;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    // a subclass (Node's `Buffer`) keeps its class: its views are made by `subarray`, as protobuf-es makes them
    this.memory = buf.constructor === Uint8Array ? buf.buffer : undefined;
    this.offset = buf.byteOffset;
  }

  /** An unsigned 32-bit varint (at most 5 bytes; anything longer goes to protobuf-es). */
  varint(): number {
    const pos = varintAt(this.buf, this.pos);
    if (pos < 0) throw new Fallback();
    this.pos = pos;
    return varintValue;
  }

  /** A signed int32 varint (negative values are ten bytes on the wire). */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varint64()));
  }

  /** A 64-bit varint as an unsigned bigint. */
  varint64(): bigint {
    // Up to 7 bytes (49 bits) add up exactly in a number: one BigInt at the end instead of bigint arithmetic per byte.
    const start = this.pos;
    let small = 0;
    for (let scale = 1; scale < 2 ** 49; scale *= 0x80) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Fallback();
      small += (b & 0x7f) * scale;
      if (b < 0x80) return BigInt(small);
    }
    this.pos = start;
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Fallback();
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, value);
    }
    throw new Fallback();
  }

  /** The end offset of a length-delimited payload starting at the cursor (after reading its length). */
  delimited(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.buf.length) throw new Fallback();
    return end;
  }

  /** A length-delimited byte string, as a view over the input. */
  bytes(): Uint8Array {
    const end = this.delimited();
    const out = this.viewOf(this.pos, end);
    this.pos = end;
    return out;
  }

  /** `buf[start, end)` as a view over the input (the caller checked the bounds). */
  viewOf(start: number, end: number): Uint8Array {
    const memory = this.memory;
    // the constructor is about twice as fast as `subarray` (no species lookup)
    return memory !== undefined ? new Uint8Array(memory, this.offset + start, end - start) : this.buf.subarray(start, end);
  }

  /** A length-delimited strict UTF-8 string. */
  string(): string {
    const end = this.delimited();
    let text: string;
    try {
      const length = end - this.pos;
      const latin1 = length > 6 && length <= 64 ? (this.latin1 === null ? (this.latin1 = latin1View(this.buf)) : this.latin1) : undefined;
      text = readUtf8(this.buf, this.pos, end, latin1);
    } catch {
      throw new Fallback();
    }
    this.pos = end;
    return text;
  }

  /** A little-endian float32. */
  float(): number {
    if (this.pos + 4 > this.buf.length) throw new Fallback();
    const value = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return value;
  }

  /** A little-endian float64. */
  double(): number {
    if (this.pos + 8 > this.buf.length) throw new Fallback();
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Skips the value of a field of this wire type and returns its bytes (groups go to protobuf-es). */
  skip(wireType: number): Uint8Array {
    const start = this.pos;
    switch (wireType) {
      case 0:
        this.varint64();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.delimited();
        break;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new Fallback();
    }
    if (this.pos > this.buf.length) throw new Fallback();
    return this.buf.subarray(start, this.pos);
  }

  /**
   * Skips the value of a field this decoder does not know. A known field number (`<= known`) with a wire type
   * the caller did not expect goes to protobuf-es.
   */
  ignore(tag: number, known: number): void {
    const no = tag >>> 3;
    if (no === 0 || no <= known) throw new Fallback();
    this.skip(tag & 7);
  }

  /** Records the field with this tag, whose value is at the cursor, as an unknown field of `message`. */
  unknown(message: { $unknown?: UnknownField[] | undefined }, tag: number): void {
    const no = tag >>> 3;
    const wireType = tag & 7;
    if (no === 0) throw new Fallback();
    const data = this.skip(wireType);
    (message.$unknown ??= []).push({ no, wireType, data });
  }

  /** Throws {@link Fallback} unless the cursor is exactly at `end` (a field ran past its message). */
  expectEnd(end: number): void {
    if (this.pos !== end) throw new Fallback();
  }
}
