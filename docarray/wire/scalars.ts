/**
 * Checks and sizes shared by the encoders. A value protobuf-es would refuse (a uint32 out of range, a float32 out
 * of range, a wrong type) makes the size pass throw, and the codec then lets protobuf-es encode the message, so
 * the caller sees protobuf-es's own error.
 *
 * @module
 */
import type { UnknownField } from "./reader.ts";
import { varintSize, type WireWriter } from "./writer.ts";

const float32Max = 3.4028234663852886e38;

/**
 * Throws unless `value` is a uint32 as protobuf-es accepts it.
 *
 * @example
 * ```ts
 * checkUint32(768); // 768
 * ```
 */
export function checkUint32(value: number): number {
  if (!(typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
    throw new TypeError(`invalid uint32: ${value}`);
  }
  return value;
}

/**
 * Throws unless `value` is a number protobuf-es accepts for a float32 field (NaN and ±Infinity are fine).
 *
 * @example
 * ```ts
 * checkFloat32(0.5); // 0.5
 * ```
 */
export function checkFloat32(value: number): number {
  if (typeof value !== "number" || value > float32Max || value < -float32Max) {
    if (!(typeof value === "number" && !Number.isFinite(value))) throw new TypeError(`invalid float32: ${value}`);
  }
  return value;
}

/**
 * Throws unless `value` is a `Uint8Array` (a bytes field).
 *
 * @example
 * ```ts
 * checkBytes(new Uint8Array(4)).length; // 4
 * ```
 */
export function checkBytes(value: Uint8Array): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError("invalid bytes");
  return value;
}

/**
 * The payload size of a packed repeated uint32 field.
 *
 * @example
 * ```ts
 * packedUint32Size([2, 768]); // 3
 * ```
 */
export function packedUint32Size(values: readonly number[]): number {
  let size = 0;
  for (const v of values) size += varintSize(checkUint32(v));
  return size;
}

/**
 * Writes a packed repeated uint32 field (tag, length, varints) when it has values, as protobuf-es does.
 *
 * @example
 * ```ts
 * writePackedUint32(writer, 0x12, [2, 768]);
 * ```
 */
export function writePackedUint32(w: WireWriter, tag: number, values: readonly number[]): void {
  if (values.length === 0) return;
  w.buf[w.pos++] = tag;
  if (values.length === 1) {
    // one value (a vector's shape): its size is its varint's
    const v = checkUint32(values[0] as number);
    w.buf[w.pos++] = varintSize(v);
    w.varint(v);
    return;
  }
  let size = 0;
  for (const v of values) size += varintSize(checkUint32(v));
  w.varint(size);
  for (const v of values) w.varint(v);
}

/**
 * The size of the unknown fields protobuf-es keeps on a message (`$unknown`), written back after the known ones.
 *
 * @example
 * ```ts
 * unknownSize(message.$unknown);
 * ```
 */
export function unknownSize(unknown: readonly UnknownField[] | undefined): number {
  if (unknown === undefined) return 0;
  let size = 0;
  for (const field of unknown) size += varintSize(((field.no << 3) | field.wireType) >>> 0) + checkBytes(field.data).length;
  return size;
}

/**
 * Writes a message's unknown fields: each tag, then its raw bytes.
 *
 * @example
 * ```ts
 * writeUnknown(writer, message.$unknown);
 * ```
 */
export function writeUnknown(w: WireWriter, unknown: readonly UnknownField[] | undefined): void {
  if (unknown === undefined) return;
  for (const field of unknown) {
    w.varint(((field.no << 3) | field.wireType) >>> 0);
    w.raw(checkBytes(field.data));
  }
}
