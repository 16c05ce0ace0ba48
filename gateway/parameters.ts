/**
 * Jina's request parameters as the gateway handles them: executor-specific keys, and `__results__`, the only
 * key that accumulates along the graph.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/**
 * The parameters key under which executors' dict returns are collected, by executor name.
 *
 * @example
 * ```ts
 * response.parameters?.[resultsKey]; // { ranker: { seen: 2 } }
 * ```
 */
export const resultsKey = "__results__";

const separator = "__";

function isPlainObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The parameters one executor sees (Jina's `_parse_specific_params`): a key `"<executor>__<key>"` is delivered
 * to that executor only, as `<key>`, and removed for every other executor (keys that start or end with `__` are
 * not specific); a key equal to the executor's name whose value is an object is merged in.
 *
 * @example
 * ```ts
 * specificParameters({ top_k: 3, encoder__batch: 8, ranker__top_k: 1, encoder: { device: "cpu" } }, "encoder");
 * // { top_k: 3, batch: 8, encoder: { device: "cpu" }, device: "cpu" }
 * ```
 */
export function specificParameters(parameters: JsonObject, executor: string): JsonObject {
  const parsed: JsonObject = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (!key.includes(separator) || key.startsWith(separator) || key.endsWith(separator)) {
      parsed[key] = value;
    }
  }
  for (const [key, value] of Object.entries(parameters)) {
    if (!key.includes(separator) || key.startsWith(separator) || key.endsWith(separator)) continue;
    const at = key.lastIndexOf(separator);
    if (key.slice(0, at) === executor) parsed[key.slice(at + separator.length)] = value;
  }
  const own = parameters[executor];
  if (isPlainObject(own)) Object.assign(parsed, own);
  return parsed;
}

/**
 * The union of the `__results__` of several parameter objects (later ones win per executor name), or
 * undefined when none has any.
 *
 * @example
 * ```ts
 * mergeResults([{ __results__: { a: { n: 1 } } }, { __results__: { b: { n: 2 } } }]);
 * // { a: { n: 1 }, b: { n: 2 } }
 * ```
 */
export function mergeResults(all: readonly (JsonObject | undefined)[]): JsonObject | undefined {
  let merged: JsonObject | undefined;
  for (const parameters of all) {
    const results = parameters?.[resultsKey];
    if (isPlainObject(results)) merged = { ...merged, ...results };
  }
  return merged;
}

/**
 * The parameters after a node: the ones it was given (before {@link specificParameters}), with `__results__`
 * merged from what the executor answered.
 *
 * @example
 * ```ts
 * restoreParameters({ top_k: 3 }, { top_k: 1, __results__: { ranker: { seen: 2 } } });
 * // { top_k: 3, __results__: { ranker: { seen: 2 } } }
 * ```
 */
export function restoreParameters(original: JsonObject, returned: JsonObject | undefined): JsonObject {
  const results = mergeResults([original, returned]);
  return results ? { ...original, [resultsKey]: results } : { ...original };
}
