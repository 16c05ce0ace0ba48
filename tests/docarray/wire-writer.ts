/**
 * A tiny hand-written protobuf writer for golden-byte fixtures: tags, varints, length-delimited fields, fixed32
 * floats and fixed64 doubles, built from the field numbers in jina-3x.md §1 (tag = field << 3 | wire type).
 * Deliberately independent of protobuf-es.
 */

/** Wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/** The bytes of an unsigned varint. */
export function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** The bytes of a field tag. */
export function tag(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

/** A length-delimited field (bytes, string, sub-message, packed list). */
export function lenField(field: number, payload: number[]): number[] {
  return [...tag(field, LEN), ...varint(payload.length), ...payload];
}

/** A string field (UTF-8). */
export function stringField(field: number, text: string): number[] {
  return lenField(field, [...new TextEncoder().encode(text)]);
}

/** A varint field. */
export function varintField(field: number, value: number): number[] {
  return [...tag(field, VARINT), ...varint(value)];
}

/** A float (fixed32, little-endian IEEE 754). */
export function floatField(field: number, value: number): number[] {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return [...tag(field, FIXED32), ...bytes];
}

/** A double (fixed64, little-endian IEEE 754). */
export function doubleField(field: number, value: number): number[] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return [...tag(field, FIXED64), ...bytes];
}

/** A map entry message: key = 1 (string), value = 2 (message bytes). */
export function mapEntry(field: number, key: string, value: number[]): number[] {
  return lenField(field, [...stringField(1, key), ...lenField(2, value)]);
}

/** google.protobuf.Value for a string (string_value = 3) or a number (number_value = 2, double). */
export function structValue(value: string | number): number[] {
  return typeof value === "string" ? stringField(3, value) : doubleField(2, value);
}

/** google.protobuf.Struct: map<string, Value> fields = 1. */
export function struct(entries: Record<string, string | number>): number[] {
  return Object.entries(entries).flatMap(([key, value]) => mapEntry(1, key, structValue(value)));
}

/** Little-endian float32 bytes of a list. */
export function float32Bytes(values: number[]): number[] {
  return [...new Uint8Array(Float32Array.from(values).buffer)];
}
