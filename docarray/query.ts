/**
 * Jina's query language (docarray's `find(filter)`, also the gateway's `when` condition):
 * `{ "tags__price": { $gte: 50, $lt: 100 }, $or: [{ text: { $regex: "^a" } }, { "tags__x": { $exists: true } }] }`.
 *
 * - comparison: `$eq $ne $neq $gt $gte $lt $lte`, membership `$in $nin`, `$regex` (search), `$size`, `$exists`;
 * - logic: `$and` / `$or` (lists of filters), `$not` (a filter, or operators under a field);
 * - several keys or operators together are ANDed; a plain value means `$eq`;
 * - field paths use `__` (`tags__a__b`, `scores__cosine__value`); snake_case and camelCase field names work;
 * - an operand `"{field}"` is replaced by that field of the same document.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { DocumentArray } from "./document-array.ts";
import type { Document } from "./document.ts";
import { isPlainObject } from "./json-check.ts";
import { NdArray } from "./ndarray.ts";

/**
 * A query-language filter: field paths to values or operator objects, and `$and`/`$or`/`$not`.
 *
 * @example
 * ```ts
 * const filter: QueryFilter = { $and: [{ "tags__lang": "en" }, { "tags__year": { $gte: 2020 } }] };
 * ```
 */
export type QueryFilter = { [key: string]: unknown };

/**
 * A compiled filter.
 *
 * @example
 * ```ts
 * const english: DocumentPredicate = compileQuery({ "tags__lang": "en" });
 * ```
 */
export type DocumentPredicate = (doc: Document) => boolean;

type Operand = (doc: Document) => unknown;
type FieldTest = (value: unknown, doc: Document) => boolean;

const fieldOperators = ["$eq", "$ne", "$neq", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$regex", "$size", "$exists", "$not"];
const logicalOperators = ["$and", "$or", "$not"];

const fieldNames: Record<string, string> = {
  parent_id: "parentId",
  mime_type: "mimeType",
  op_name: "opName",
  ref_id: "refId",
};
const emptyIsMissing = new Set(["parentId", "mimeType", "uri", "modality"]);

/**
 * Compiles a filter into a predicate. Throws a `JinaError` (InvalidArgument) naming the operator and where it is
 * for an unknown operator or a malformed operand (e.g. `$in` without a list, a bad `$regex`).
 *
 * @example
 * ```ts
 * const isEnglish = compileQuery({ "tags__lang": { $eq: "en" } });
 * isEnglish(new Document({ tags: { lang: "en" } })); // true
 * ```
 */
export function compileQuery(filter: QueryFilter, path = "filter"): DocumentPredicate {
  if (!isPlainObject(filter)) bad(path, "a filter object", filter);
  const tests: DocumentPredicate[] = [];
  for (const [key, value] of Object.entries(filter)) {
    const at = `${path}.${key}`;
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value)) bad(at, "a list of filters", value);
      const parts = value.map((item, i) => compileQuery(item as QueryFilter, `${at}[${i}]`));
      tests.push(key === "$and" ? (doc) => parts.every((t) => t(doc)) : (doc) => parts.some((t) => t(doc)));
    } else if (key === "$not") {
      const inner = Array.isArray(value)
        ? compileQuery({ $and: value }, at)
        : compileQuery(value as QueryFilter, at);
      tests.push((doc) => !inner(doc));
    } else if (key.startsWith("$")) {
      unknownOperator(key, path, logicalOperators);
    } else {
      const test = compileCondition(value, at);
      const field = key;
      tests.push((doc) => test(lookup(doc, field), doc));
    }
  }
  return (doc) => tests.every((t) => t(doc));
}

/**
 * The value at a `__`-separated field path of a document (`tags__a__b`, `text`, `scores__cosine__value`,
 * `matches__0__id`); undefined when missing.
 *
 * @example
 * ```ts
 * lookup(new Document({ tags: { a: { b: 1 } } }), "tags__a__b"); // 1
 * ```
 */
export function lookup(doc: Document, path: string): unknown {
  const [head = "", ...rest] = path.split("__");
  const name = fieldNames[head] ?? head;
  // tags are read from the message: the `tags` getter would attach an empty Struct to the document.
  let value: unknown = name === "tags" ? doc.proto.tags : name in doc ? (doc as unknown as Record<string, unknown>)[name] : undefined;
  if (rest.length === 0 && emptyIsMissing.has(name) && value === "") return undefined;
  for (const part of rest) {
    if (value instanceof DocumentArray) value = value.at(Number(part));
    else if (Array.isArray(value)) value = /^-?\d+$/.test(part) ? value.at(Number(part)) : undefined;
    else if (typeof value === "object" && value !== null) {
      const object = value as Record<string, unknown>;
      value = part in object ? object[part] : object[fieldNames[part] ?? part];
    } else return undefined;
  }
  return value;
}

function compileCondition(condition: unknown, path: string): FieldTest {
  if (!isOperatorObject(condition, path)) {
    const operand = compileOperand(condition);
    return (value, doc) => equal(value, operand(doc));
  }
  const tests = Object.entries(condition).map(([op, arg]) => compileOperator(op, arg, `${path}.${op}`, path));
  return (value, doc) => tests.every((t) => t(value, doc));
}

function isOperatorObject(condition: unknown, path: string): condition is Record<string, unknown> {
  if (!isPlainObject(condition)) return false;
  const keys = Object.keys(condition);
  const operators = keys.filter((k) => k.startsWith("$"));
  if (operators.length > 0 && operators.length < keys.length) {
    bad(path, "either operators ($eq, $gt …) or a plain value, not both", condition);
  }
  return keys.length > 0 && operators.length === keys.length;
}

function compileOperator(op: string, arg: unknown, at: string, field: string): FieldTest {
  const operand = compileOperand(arg);
  switch (op) {
    case "$eq":
      return (value, doc) => equal(value, operand(doc));
    case "$ne":
    case "$neq":
      return (value, doc) => !equal(value, operand(doc));
    case "$gt":
      return (value, doc) => compare(value, operand(doc), (c) => c > 0);
    case "$gte":
      return (value, doc) => compare(value, operand(doc), (c) => c >= 0);
    case "$lt":
      return (value, doc) => compare(value, operand(doc), (c) => c < 0);
    case "$lte":
      return (value, doc) => compare(value, operand(doc), (c) => c <= 0);
    case "$in":
    case "$nin": {
      if (!Array.isArray(arg) && !isSubstitution(arg)) bad(at, "a list", arg);
      const inside = (value: unknown, doc: Document): boolean => {
        const list = operand(doc);
        return Array.isArray(list) && list.some((item) => equal(value, item));
      };
      return op === "$in" ? inside : (value, doc) => !inside(value, doc);
    }
    case "$regex": {
      if (typeof arg !== "string") bad(at, "a regular expression string", arg);
      let pattern: RegExp;
      try {
        pattern = new RegExp(arg);
      } catch (error) {
        throw new JinaError(`${at}: invalid regular expression ${JSON.stringify(arg)}: ${(error as Error).message}`, ErrorCode.InvalidArgument);
      }
      return (value) => typeof value === "string" && pattern.test(value);
    }
    case "$size": {
      if (typeof arg !== "number" && !isSubstitution(arg)) bad(at, "a number", arg);
      return (value, doc) => sizeOfValue(value) === operand(doc);
    }
    case "$exists": {
      if (typeof arg !== "boolean") bad(at, "true or false", arg);
      return (value) => (value !== undefined && value !== null) === arg;
    }
    case "$not": {
      if (!isOperatorObject(arg, at)) bad(at, "an operator object such as { $gt: 1 }", arg);
      const inner = compileCondition(arg, at);
      return (value, doc) => !inner(value, doc);
    }
    default:
      return unknownOperator(op, field, fieldOperators);
  }
}

function compileOperand(arg: unknown): Operand {
  if (isSubstitution(arg)) {
    const field = arg.slice(1, -1);
    return (doc) => lookup(doc, field);
  }
  return () => arg;
}

function isSubstitution(arg: unknown): arg is string {
  return typeof arg === "string" && /^\{\w+\}$/.test(arg);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof NdArray) return equal(a.toList(), b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => equal(a[k], b[k]));
  }
  return false;
}

function compare(a: unknown, b: unknown, accept: (c: number) => boolean): boolean {
  if (typeof a === "number" && typeof b === "number") return accept(a - b);
  if (typeof a === "string" && typeof b === "string") return accept(a < b ? -1 : a > b ? 1 : 0);
  return false;
}

function sizeOfValue(value: unknown): number | undefined {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (value instanceof DocumentArray) return value.length;
  if (value instanceof NdArray) return value.shape[0];
  if (isPlainObject(value)) return Object.keys(value).length;
  return undefined;
}

function bad(path: string, what: string, value: unknown): never {
  throw new JinaError(`${path}: expected ${what}, got ${JSON.stringify(value) ?? String(value)}`, ErrorCode.InvalidArgument);
}

function unknownOperator(op: string, where: string, allowed: string[]): never {
  throw new JinaError(
    `unknown query operator ${JSON.stringify(op)} at ${where}: use one of ${allowed.join(", ")}`,
    ErrorCode.InvalidArgument,
  );
}
