/**
 * Decoding `google.protobuf.Struct` into the `JsonObject` protobuf-es gives: map entries in wire order (a later
 * duplicate key wins), a missing value as `null`, `__proto__` dropped, unknown fields ignored.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { Fallback, type WireReader } from "./reader.ts";

/** Deeper nesting is left to protobuf-es (and its recursion limit). */
const maxDepth = 48;

/**
 * Reads a Struct payload that ends at `end` into a JSON object.
 *
 * @example
 * ```ts
 * const tags = readStruct(reader, reader.delimited(), 1);
 * ```
 */
export function readStruct(r: WireReader, end: number, depth: number): JsonObject {
  if (depth > maxDepth) throw new Fallback();
  const json: JsonObject = {};
  while (r.pos < end) {
    const tag = r.varint();
    if (tag !== 0x0a) {
      r.ignore(tag, 1);
      continue;
    }
    const entryEnd = r.delimited();
    let key = "";
    let value: JsonValue = null;
    while (r.pos < entryEnd) {
      const t = r.varint();
      if (t === 0x0a) key = r.string();
      else if (t === 0x12) value = readValue(r, r.delimited(), depth + 1);
      else throw new Fallback(); // protobuf-es does not skip other fields of a map entry
    }
    r.expectEnd(entryEnd);
    if (key !== "__proto__") json[key] = value;
  }
  r.expectEnd(end);
  return json;
}

function readValue(r: WireReader, end: number, depth: number): JsonValue {
  let value: JsonValue = null;
  let kind = 0;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x08:
        r.varint64();
        value = null;
        break;
      case 0x11:
        value = r.double();
        break;
      case 0x1a:
        value = r.string();
        break;
      case 0x20:
        value = r.varint64() !== 0n;
        break;
      case 0x2a:
        if (kind === 5) throw new Fallback(); // a repeated message field merges
        value = readStruct(r, r.delimited(), depth + 1);
        break;
      case 0x32:
        if (kind === 6) throw new Fallback();
        value = readList(r, r.delimited(), depth + 1);
        break;
      default:
        r.ignore(tag, 6);
        continue;
    }
    kind = tag >>> 3;
  }
  r.expectEnd(end);
  return value;
}

function readList(r: WireReader, end: number, depth: number): JsonValue[] {
  if (depth > maxDepth) throw new Fallback();
  const list: JsonValue[] = [];
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) list.push(readValue(r, r.delimited(), depth + 1));
    else r.ignore(tag, 1);
  }
  r.expectEnd(end);
  return list;
}
