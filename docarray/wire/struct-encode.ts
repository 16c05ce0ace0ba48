/**
 * Encoding a JSON object as `google.protobuf.Struct` (protobuf-es represents Struct fields as `JsonObject`), byte
 * for byte as protobuf-es: entries in `Object.keys` order, `__proto__` dropped (protobuf-es's conversion loses it),
 * `null` as `null_value`, numbers as doubles, and any other value (`undefined`, a bigint) as an empty `Value`.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { utf8Length, writeString } from "./utf8.ts";
import { delimitedSize, Kind, sizeNested, type WireWriter } from "./writer.ts";

/**
 * The payload size of a Struct (pushing its nested sizes on `sizes`, pre-order).
 *
 * @example
 * ```ts
 * const sizes: number[] = [];
 * sizeStruct(sizes, { k: "v" }); // 10
 * ```
 */
export function sizeStruct(sizes: number[], json: JsonObject): number {
  let total = 0;
  if (!isObject(json)) return 0;
  for (const key of Object.keys(json)) {
    if (key === "__proto__") continue;
    const entry = sizes.length;
    sizes.push(0, 0);
    const value = sizeValue(sizes, json[key] as JsonValue);
    sizes[entry + 1] = value;
    const size = 1 + delimitedSize(utf8Length(key)) + 1 + delimitedSize(value);
    sizes[entry] = size;
    total += 1 + delimitedSize(size);
  }
  return total;
}

/**
 * Writes a Struct's payload (the size pass's sizes must be next on the writer).
 *
 * @example
 * ```ts
 * writeStruct(writer, { k: "v" });
 * ```
 */
export function writeStruct(w: WireWriter, json: JsonObject): void {
  if (!isObject(json)) return;
  for (const key of Object.keys(json)) {
    if (key === "__proto__") continue;
    w.buf[w.pos++] = 0x0a; // fields = 1, an entry
    const entry = w.open(Kind.structEntry);
    w.buf[w.pos++] = 0x0a; // key = 1
    writeString(w, key);
    w.buf[w.pos++] = 0x12; // value = 2
    const value = w.open(Kind.structValue);
    writeValue(w, json[key] as JsonValue);
    w.close(value, Kind.structValue);
    w.close(entry, Kind.structEntry);
  }
}

function sizeValue(sizes: number[], value: JsonValue): number {
  switch (typeof value) {
    case "number":
      return 9;
    case "string":
      return 1 + delimitedSize(utf8Length(value));
    case "boolean":
      return 2;
    case "object":
      if (value === null) return 2;
      return 1 + (Array.isArray(value) ? sizeNested(sizes, value, sizeList) : sizeNested(sizes, value, sizeStruct));
    default:
      return 0;
  }
}

function writeValue(w: WireWriter, value: JsonValue): void {
  const buf = w.buf;
  switch (typeof value) {
    case "number":
      buf[w.pos++] = 0x11; // number_value = 2, fixed64
      w.double(value);
      return;
    case "string":
      buf[w.pos++] = 0x1a; // string_value = 3
      writeString(w, value);
      return;
    case "boolean":
      buf[w.pos++] = 0x20; // bool_value = 4
      buf[w.pos++] = value ? 1 : 0;
      return;
    case "object":
      if (value === null) {
        buf[w.pos++] = 0x08; // null_value = 1
        buf[w.pos++] = 0;
      } else if (Array.isArray(value)) {
        buf[w.pos++] = 0x32; // list_value = 6
        const list = w.open(Kind.list);
        for (const item of value) {
          buf[w.pos++] = 0x0a; // values = 1
          const mark = w.open(Kind.structValue);
          writeValue(w, item);
          w.close(mark, Kind.structValue);
        }
        w.close(list, Kind.list);
      } else {
        buf[w.pos++] = 0x2a; // struct_value = 5
        const mark = w.open(Kind.struct);
        writeStruct(w, value);
        w.close(mark, Kind.struct);
      }
  }
}

function sizeList(sizes: number[], list: JsonValue[]): number {
  let total = 0;
  for (const item of list) total += 1 + sizeNested(sizes, item, sizeValue);
  return total;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
