/**
 * UTF-8 for the wire codec, exactly as `TextEncoder`/`TextDecoder` (what protobuf-es uses): lone surrogates encode
 * as U+FFFD (3 bytes), and reading is strict (invalid UTF-8 throws, as protobuf-es does for proto3 strings).
 *
 * @module
 */
import type { Latin1View } from "../../runtime/latin1.ts";
import { delimitedSize, type WireWriter } from "./writer.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The number of UTF-8 bytes `TextEncoder` writes for `text`.
 *
 * @example
 * ```ts
 * utf8Length("héllo"); // 6
 * ```
 */
export function utf8Length(text: string): number {
  const n = text.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 code units
      i++;
    } else bytes += 2; // 3 bytes (lone surrogates become U+FFFD, also 3)
  }
  return bytes;
}

/**
 * Writes `text` as UTF-8 whose length the caller knows (`utf8Length(text)`), without the length prefix.
 *
 * @example
 * ```ts
 * writeUtf8(writer, "id-1", 4);
 * ```
 */
export function writeUtf8(w: WireWriter, text: string, length: number): void {
  const buf = w.buf;
  let pos = w.pos;
  if (length === text.length && length < 64) {
    for (let i = 0; i < length; i++) buf[pos++] = text.charCodeAt(i);
  } else {
    // (a sized writer's buffer is not zeroed first: a length that disagreed with TextEncoder must not leave old bytes)
    if (encoder.encodeInto(text, buf.subarray(pos, pos + length)).written !== length) throw new Error("wire codec: UTF-8 length");
    pos += length;
  }
  w.pos = pos;
}

/**
 * Writes a length-delimited string: its byte length, then its UTF-8 bytes.
 *
 * @example
 * ```ts
 * writeString(writer, "hello");
 * ```
 */
export function writeString(w: WireWriter, text: string): void {
  if (typeof text !== "string") throw new TypeError(`invalid string: ${text}`);
  const n = text.length;
  if (n < 0x80) {
    // one pass for short ASCII (ids, dtypes, names): the bytes are the code units and the length prefix is one byte;
    // four code units per step, checked together once written (a non-ASCII string is then written again below)
    const buf = w.buf;
    const start = w.pos + 1;
    let high = 0;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const c0 = text.charCodeAt(i), c1 = text.charCodeAt(i + 1), c2 = text.charCodeAt(i + 2), c3 = text.charCodeAt(i + 3);
      high |= c0 | c1 | c2 | c3;
      buf[start + i] = c0;
      buf[start + i + 1] = c1;
      buf[start + i + 2] = c2;
      buf[start + i + 3] = c3;
    }
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      high |= c;
      buf[start + i] = c;
    }
    if (high < 0x80) {
      buf[w.pos] = n;
      w.pos = start + n;
      return;
    }
  }
  const length = utf8Length(text);
  w.varint(length);
  writeUtf8(w, text, length);
}

/**
 * The size of a proto3 string field (tag of one byte included): 0 when empty, as it is then not written.
 *
 * @example
 * ```ts
 * stringFieldSize("ab"); // 4
 * ```
 */
export function stringFieldSize(value: string): number {
  return value === "" ? 0 : 1 + delimitedSize(utf8Length(value));
}

/**
 * Writes a proto3 string field with a one-byte tag, unless it is empty.
 *
 * @example
 * ```ts
 * writeStringField(writer, 0x0a, doc.id);
 * ```
 */
export function writeStringField(w: WireWriter, tag: number, value: string): void {
  if (value === "") return;
  w.buf[w.pos++] = tag;
  writeString(w, value);
}

/**
 * Reads `bytes[start, end)` as strict UTF-8 (throws a `TypeError` on invalid bytes). `latin1`, a native view over
 * `bytes` where the runtime has a faster one (`runtime/latin1.ts`), builds ASCII strings once they are checked.
 *
 * @example
 * ```ts
 * readUtf8(new Uint8Array([104, 105]), 0, 2); // "hi"
 * ```
 */
export function readUtf8(bytes: Uint8Array, start: number, end: number, latin1?: Latin1View): string {
  const length = end - start;
  if (length === 0) return "";
  if (length <= 6) {
    // short ASCII strings ("<f4", "numpy", "cosine") repeat in every document: the last one of each length is
    // compared byte for byte first, then looked up by its bytes
    const last = recentShort[length] as string;
    let same = true;
    for (let i = 0; i < length; i++) {
      if (last.charCodeAt(i) !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return last;
    let key = length;
    for (let i = start; i < end; i++) {
      const byte = bytes[i] as number;
      if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end));
      key = key * 128 + byte;
    }
    let text = shortStrings.get(key);
    if (text === undefined) {
      text = String.fromCharCode(...bytes.subarray(start, end));
      if (shortStrings.size < 4096) shortStrings.set(key, text);
    }
    recentShort[length] = text;
    return text;
  }
  if (length <= 64) {
    // ids and names: plain ASCII is built from its bytes directly (cheaper than a subarray and TextDecoder)
    const text = latin1 === undefined ? asciiString(bytes, start, end) : isAscii(bytes, start, end) ? latin1.latin1Slice(start, end) : undefined;
    if (text !== undefined) return text;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/** Whether `b[start, end)` are all below 0x80 (four bytes per step). */
function isAscii(b: Uint8Array, start: number, end: number): boolean {
  let high = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) high |= b[i]! | b[i + 1]! | b[i + 2]! | b[i + 3]!;
  for (; i < end; i++) high |= b[i]!;
  return high < 0x80;
}

/**
 * `bytes[start, end)` as a string if all are below 0x80, else undefined: sixteen code units per
 * `String.fromCharCode` call, the bytes checked as they are read (no second pass).
 */
function asciiString(b: Uint8Array, start: number, end: number): string | undefined {
  let text = "";
  let high = 0;
  let i = start;
  if (end - start === 32) {
    // a 32-character id (docarray's): one flat string in one call
    const c0 = b[i]!, c1 = b[i + 1]!, c2 = b[i + 2]!, c3 = b[i + 3]!, c4 = b[i + 4]!, c5 = b[i + 5]!, c6 = b[i + 6]!, c7 = b[i + 7]!;
    const c8 = b[i + 8]!, c9 = b[i + 9]!, c10 = b[i + 10]!, c11 = b[i + 11]!, c12 = b[i + 12]!, c13 = b[i + 13]!, c14 = b[i + 14]!;
    const c15 = b[i + 15]!, c16 = b[i + 16]!, c17 = b[i + 17]!, c18 = b[i + 18]!, c19 = b[i + 19]!, c20 = b[i + 20]!, c21 = b[i + 21]!;
    const c22 = b[i + 22]!, c23 = b[i + 23]!, c24 = b[i + 24]!, c25 = b[i + 25]!, c26 = b[i + 26]!, c27 = b[i + 27]!, c28 = b[i + 28]!;
    const c29 = b[i + 29]!, c30 = b[i + 30]!, c31 = b[i + 31]!;
    high = c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8 | c9 | c10 | c11 | c12 | c13 | c14 | c15 | c16 | c17 | c18 | c19 | c20 | c21;
    high |= c22 | c23 | c24 | c25 | c26 | c27 | c28 | c29 | c30 | c31;
    if (high >= 0x80) return undefined;
    return String.fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23,
      c24, c25, c26, c27, c28, c29, c30, c31);
  }
  for (; i + 16 <= end; i += 16) {
    const c0 = b[i]!, c1 = b[i + 1]!, c2 = b[i + 2]!, c3 = b[i + 3]!, c4 = b[i + 4]!, c5 = b[i + 5]!, c6 = b[i + 6]!, c7 = b[i + 7]!;
    const c8 = b[i + 8]!, c9 = b[i + 9]!, c10 = b[i + 10]!, c11 = b[i + 11]!, c12 = b[i + 12]!, c13 = b[i + 13]!, c14 = b[i + 14]!;
    const c15 = b[i + 15]!;
    high |= c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8 | c9 | c10 | c11 | c12 | c13 | c14 | c15;
    text += String.fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
  }
  for (; i + 4 <= end; i += 4) {
    const c0 = b[i]!, c1 = b[i + 1]!, c2 = b[i + 2]!, c3 = b[i + 3]!;
    high |= c0 | c1 | c2 | c3;
    text += String.fromCharCode(c0, c1, c2, c3);
  }
  for (; i < end; i++) {
    const c = b[i]!;
    high |= c;
    text += String.fromCharCode(c);
  }
  return high < 0x80 ? text : undefined;
}

/** Short ASCII strings already read, by their length and bytes packed into one number (at most 45 bits). */
const shortStrings = new Map<number, string>();
/** The last short string read of each length (1–6; a string of NULs until one is read, which compares as real). */
const recentShort: string[] = Array.from({ length: 7 }, (_, n) => "\0".repeat(n));
