/**
 * Checking that bytes decode as a message without building it: a server that must refuse undecodable documents
 * (INVALID_ARGUMENT, as Jina does) but whose handler may never read them need not build a `DocumentProto` per
 * document to find out. The check is conservative: `true` means protobuf-es (and so the wire codec, which falls back
 * to it) decodes the bytes without an error; `false` means only "not sure", and the caller decodes them for real,
 * which gives the exact error when there is one. Left to the decoder: groups, varints longer than protobuf-es surely
 * takes, nesting deeper than 32, and whatever `refuse` names at the top level.
 *
 * @module
 */
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { varintAt, varintValue } from "./reader.ts";

/** How one field's value is checked: its wire type, and what to check inside a length-delimited one. */
interface Rule {
  /** The wire type the field must come with (0 varint, 1 64-bit, 2 length-delimited, 5 32-bit). */
  wire: number;
  /** For wire type 2: a nested message's rules, "utf8" for a string, undefined for bytes or a packed list. */
  inner?: Rules | "utf8" | undefined;
  /** For a list of numbers: the elements' wire type (the list may come packed, with wire type 2, or one by one). */
  packed?: number | undefined;
}

type Rules = Map<number, Rule>;

const rulesOf = new WeakMap<DescMessage, Rules>();
/** Map entries' rules: protobuf-es reads a field other than key (1) and value (2) of an entry as garbage, not skips it. */
const mapEntries = new WeakSet<Rules>();
const maxDepth = 32;

function scalarWire(type: ScalarType): number {
  switch (type) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 1;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 5;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return 2;
    default:
      return 0;
  }
}

function scalarRule(type: ScalarType): Rule {
  return { wire: scalarWire(type), inner: type === ScalarType.STRING ? "utf8" : undefined };
}

function fieldRule(field: DescField): Rule {
  switch (field.fieldKind) {
    case "scalar":
      return scalarRule(field.scalar);
    case "enum":
      return { wire: 0 };
    case "message":
      return { wire: 2, inner: rules(field.message) };
    case "list":
      if (field.listKind === "message") return { wire: 2, inner: rules(field.message) };
      if (field.listKind === "enum") return { wire: 0, packed: 0 };
      return field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES ? scalarRule(field.scalar) : { wire: scalarWire(field.scalar), packed: scalarWire(field.scalar) };
    case "map": {
      const entry: Rules = new Map([[1, scalarRule(field.mapKey)]]);
      entry.set(2, field.mapKind === "message" ? { wire: 2, inner: rules(field.message) } : field.mapKind === "enum" ? { wire: 0 } : scalarRule(field.scalar));
      mapEntries.add(entry);
      return { wire: 2, inner: entry };
    }
  }
}

/** The rules of `schema`'s fields by number (made once per schema; a recursive schema refers to its own rules). */
function rules(schema: DescMessage): Rules {
  let made = rulesOf.get(schema);
  if (made) return made;
  made = new Map();
  rulesOf.set(schema, made);
  for (const field of schema.fields) made.set(field.number, fieldRule(field));
  return made;
}

/** Where a varint at `pos` ends (at most 10 bytes, the 10th at most 1), or -1. */
function varintEnd(buf: Uint8Array, pos: number, end: number): number {
  for (let i = 0; i < 10 && pos < end; i++) {
    const b = buf[pos++]!;
    if (b < 0x80) return i === 9 && b > 1 ? -1 : pos;
  }
  return -1;
}

/**
 * Reads a length or a tag at `pos` (the wire codec's `varintAt`, a varint of at most 5 bytes) into `varintValue`
 * when it ends by `end` and is below 2^31; returns where it ends, or -1.
 */
function lengthAt(buf: Uint8Array, pos: number, end: number): number {
  const at = varintAt(buf, pos);
  return at < 0 || at > end || varintValue > 0x7fffffff ? -1 : at;
}

let strict: TextDecoder | undefined;

function isUtf8(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      try {
        (strict ??= new TextDecoder("utf-8", { fatal: true })).decode(buf.subarray(start, end));
        return true;
      } catch {
        return false;
      }
    }
  }
  return true;
}

/** Where a value of wire type `wire` at `pos` ends (its content checked by `rule`), or -1. */
function valueEnd(buf: Uint8Array, pos: number, end: number, wire: number, rule: Rule | undefined, depth: number): number {
  switch (wire) {
    case 0:
      return varintEnd(buf, pos, end);
    case 1:
      return pos + 8 <= end ? pos + 8 : -1;
    case 5:
      return pos + 4 <= end ? pos + 4 : -1;
    case 2: {
      const start = lengthAt(buf, pos, end);
      if (start < 0 || start + varintValue > end) return -1;
      const stop = start + varintValue;
      const inner = rule?.inner;
      if (inner === undefined) {
        if (rule?.packed === undefined) return stop;
        for (let at = start; at < stop;) if ((at = valueEnd(buf, at, stop, rule.packed, undefined, depth)) < 0) return -1;
        return stop;
      }
      if (inner === "utf8") return isUtf8(buf, start, stop) ? stop : -1;
      return depth < maxDepth && fields(buf, start, stop, inner, depth + 1, undefined) ? stop : -1;
    }
    default:
      return -1; // groups (3, 4) and invalid wire types: left to the decoder
  }
}

function fields(buf: Uint8Array, pos: number, end: number, rules: Rules, depth: number, refuse: readonly number[] | undefined): boolean {
  while (pos < end) {
    pos = lengthAt(buf, pos, end);
    if (pos < 0) return false;
    const no = varintValue >>> 3;
    const wire = varintValue & 7;
    if (no === 0 || refuse?.includes(no)) return false;
    const rule = rules.get(no);
    if (!rule && mapEntries.has(rules)) return false;
    // A known field with another wire type is misread, not skipped, by protobuf-es (a packed list is the exception).
    if (rule && wire !== rule.wire && !(rule.packed !== undefined && wire === 2)) return false;
    pos = valueEnd(buf, pos, end, wire, rule && wire === rule.wire ? rule : rule ? { wire: 2, packed: rule.packed } : undefined, depth);
    if (pos < 0) return false;
  }
  return pos === end;
}

/**
 * Whether `bytes` surely decode as a `schema` message (protobuf-es would take them without an error), checked
 * without building anything; false when not sure (decode them to know), and when a top-level field numbered in
 * `refuse` is present.
 *
 * @example
 * ```ts
 * if (!decodesAs(DataRequestProto_DataContentProtoSchema, bytes, [2])) decodeDataContent(bytes); // throws the real error
 * ```
 */
export function decodesAs(schema: DescMessage, bytes: Uint8Array, refuse?: readonly number[]): boolean {
  return fields(bytes, 0, bytes.byteLength, rules(schema), 1, refuse);
}
