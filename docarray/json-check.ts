/**
 * Small validators for JSON input: each returns the value (undefined for `null`/missing) or throws a `JinaError`
 * (InvalidArgument) whose message names the exact path, e.g. `data[3].weight: expected a number, got "x"`.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { describe } from "./ndarray.ts";

/**
 * Throws the InvalidArgument error for `path`: `<path>: expected <what>, got <value>`.
 *
 * @example
 * ```ts
 * fail("data[0].id", "a string", 5); // throws "data[0].id: expected a string, got number 5"
 * ```
 */
export function fail(path: string, what: string, value: unknown): never {
  throw new JinaError(`${path}: expected ${what}, got ${describe(value)}`, ErrorCode.InvalidArgument);
}

/**
 * The value of the first of `keys` present (not undefined) in `object`, with the key used for the path.
 *
 * @example
 * ```ts
 * pick({ parentId: "p" }, ["parent_id", "parentId"]); // ["p", "parentId"]
 * ```
 */
export function pick(object: Record<string, unknown>, keys: readonly string[]): [unknown, string] {
  for (const key of keys) if (object[key] !== undefined) return [object[key], key];
  return [undefined, keys[0] ?? ""];
}

/**
 * A string, or undefined for null/missing.
 *
 * @example
 * ```ts
 * optionalString("a", "data[0].id"); // "a"
 * ```
 */
export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : fail(path, "a string", value);
}

/**
 * A finite number, or undefined for null/missing.
 *
 * @example
 * ```ts
 * optionalNumber(0.5, "data[0].weight"); // 0.5
 * ```
 */
export function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : fail(path, "a number", value);
}

/**
 * A non-negative 32-bit integer, or undefined for null/missing.
 *
 * @example
 * ```ts
 * optionalUint32(1, "data[0].granularity"); // 1
 * ```
 */
export function optionalUint32(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0xffffffff
    ? value
    : fail(path, "a non-negative integer", value);
}

/**
 * A plain object, or undefined for null/missing.
 *
 * @example
 * ```ts
 * optionalObject({}, "data[0].tags"); // {}
 * ```
 */
export function optionalObject(value: unknown, path: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  return isPlainObject(value) ? value : fail(path, "an object", value);
}

/**
 * A list, or undefined for null/missing.
 *
 * @example
 * ```ts
 * optionalList([1], "data[0].location"); // [1]
 * ```
 */
export function optionalList(value: unknown, path: string, what = "a list"): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value : fail(path, what, value);
}

/**
 * A JSON object whose values are all JSON values (null, booleans, finite numbers, strings, lists, objects),
 * checked deeply; undefined for null/missing.
 *
 * @example
 * ```ts
 * optionalJsonObject({ a: [1, "x"] }, "data[0].tags"); // { a: [1, "x"] }
 * ```
 */
export function optionalJsonObject(value: unknown, path: string): JsonObject | undefined {
  const object = optionalObject(value, path);
  if (object === undefined) return undefined;
  // The common case costs no path string: they are built only to word a failure.
  if (isJsonValue(object)) return object as JsonObject;
  for (const [key, item] of Object.entries(object)) checkJsonValue(item, `${path}.${key}`);
  return object as JsonObject;
}

function isJsonValue(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      if (Array.isArray(value)) {
        for (const item of value) if (!isJsonValue(item)) return false;
        return true;
      }
      if (!isPlainObject(value)) return false;
      for (const key in value) if (!isJsonValue((value as Record<string, unknown>)[key])) return false;
      return true;
    default:
      return false;
  }
}

function checkJsonValue(value: unknown, path: string): asserts value is JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(path, "a finite number", value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonValue(item, `${path}[${i}]`));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJsonValue(item, `${path}.${key}`);
    return;
  }
  fail(path, "a JSON value", value);
}

/**
 * True for `{...}` objects (not lists, typed arrays, dates or class instances).
 *
 * @example
 * ```ts
 * isPlainObject({}); // true
 * isPlainObject([]); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * True when `object` is undefined or has no enumerable keys (as `for…in` sees them), without the array that
 * `Object.keys(object).length` makes (a map field of every document written to JSON made one).
 *
 * @example
 * ```ts
 * isEmptyObject({}); // true
 * isEmptyObject({ a: 1 }); // false
 * ```
 */
export function isEmptyObject(object: object | undefined): boolean {
  if (!object) return true;
  for (const _ in object) return false;
  return true;
}
