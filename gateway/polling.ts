/**
 * Shard polling by endpoint (Jina's `--polling` and the head's `_default_polling_dict`): `"/search"` → ALL and
 * `"/index"` → ANY are always pre-set; a plain type is the default of every other endpoint; a map overrides
 * the pre-set endpoints it names, and its `"*"` is the default (ANY when absent).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { Polling, PollingType } from "./options.ts";

const preset: Readonly<Record<string, PollingType>> = { "/search": "ALL", "/index": "ANY" };

/**
 * Compiles a deployment's polling into a function from endpoint to polling type. Types are read
 * case-insensitively (`"all"` as Jina's `PollingType.from_string`). Throws a JinaError (InvalidArgument) naming
 * `where` and the bad value otherwise.
 *
 * @example
 * ```ts
 * const pollingOf = createPollingResolver("ALL", 'deployment "indexer"');
 * pollingOf("/custom"); // "ALL"
 * pollingOf("/index");  // "ANY": pre-set, only a map overrides it
 * createPollingResolver({ "/index": "ALL" }, "x")("/index"); // "ALL"
 * ```
 */
export function createPollingResolver(polling: Polling | undefined, where: string): (endpoint: string) => PollingType {
  if (polling === undefined || typeof polling === "string") {
    const fallback = pollingType(polling ?? "ANY", `polling of ${where}`);
    return (endpoint) => preset[endpoint] ?? fallback;
  }
  if (typeof polling !== "object" || polling === null || Array.isArray(polling)) {
    throw invalid(`polling of ${where}`, polling);
  }
  const map = new Map<string, PollingType>(Object.entries(preset));
  for (const [endpoint, value] of Object.entries(polling)) map.set(endpoint, pollingType(value, `polling["${endpoint}"] of ${where}`));
  const fallback = map.get("*") ?? "ANY";
  return (endpoint) => map.get(endpoint) ?? fallback;
}

function pollingType(value: unknown, what: string): PollingType {
  const upper = typeof value === "string" ? value.toUpperCase() : undefined;
  if (upper === "ANY" || upper === "ALL") return upper;
  throw invalid(what, value);
}

function invalid(what: string, value: unknown): JinaError {
  return new JinaError(
    `Invalid gateway deployments: ${what} must be "ANY", "ALL" or a map like {"/custom": "ALL", "*": "ANY"}, got ${JSON.stringify(value)}`,
    ErrorCode.InvalidArgument,
  );
}
