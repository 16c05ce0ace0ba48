/**
 * What SimpleIndexer and AnnIndexer share: reading options given as Jina's `uses_with` (camelCase or
 * snake_case), and the handlers for `/index`, `/search`, `/delete`, `/update` and `/status` over one stored
 * DocumentArray. Every handler that writes flushes before it returns, so an acknowledged request is on disk.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { DocumentArray } from "../docarray/mod.ts";
import type { FindOptions, Metric, QueryFilter } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * The value of option `name` from `uses_with`, accepting `tableName` or `table_name`.
 *
 * @example
 * ```ts
 * option({ table_name: "x" }, "tableName"); // "x"
 * ```
 */
export function option<T>(options: Record<string, unknown>, name: string): T | undefined {
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return (options[name] ?? options[snake]) as T | undefined;
}

/**
 * Throws a JinaError for `uses_with` keys the indexer does not know (`known` in camelCase).
 *
 * @example
 * ```ts
 * checkOptions("SimpleIndexer", options, ["storage", "tableName"]);
 * ```
 */
export function checkOptions(executor: string, options: Record<string, unknown>, known: string[]): void {
  const reserved = ["metas", "runtimeArgs", "requests", "dynamicBatching"];
  const all = new Set([...known, ...known.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)), ...reserved]);
  const unknown = Object.keys(options).filter((key) => !all.has(key));
  if (unknown.length > 0) {
    throw new JinaError(`${executor}: unknown option ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the options are ${known.join(", ")}`, ErrorCode.InvalidArgument);
  }
}

/** Search defaults of an indexer. */
export interface SearchDefaults {
  metric?: Metric;
  limit: number;
}

/**
 * `/search`: for each query document, its nearest indexed documents into `matches` (`parameters.limit`,
 * `parameters.filter` in the query language, `parameters.metric`).
 *
 * @example
 * ```ts
 * searchInto(index, docs, parameters, { limit: 10 });
 * ```
 */
export function searchInto(index: DocumentArray, queries: DocumentArray, parameters: JsonObject, defaults: SearchDefaults): void {
  const limit = parameters.limit === undefined ? defaults.limit : Number(parameters.limit);
  if (!(Number.isInteger(limit) && limit >= 0)) {
    throw new JinaError(`/search: parameters.limit must be a non-negative integer, got ${JSON.stringify(parameters.limit)}`, ErrorCode.InvalidArgument);
  }
  const options: FindOptions = { limit };
  const metric = (parameters.metric as Metric | undefined) ?? defaults.metric;
  if (metric) options.metric = metric;
  if (parameters.filter !== undefined && parameters.filter !== null) {
    if (typeof parameters.filter !== "object" || Array.isArray(parameters.filter)) {
      throw new JinaError(`/search: parameters.filter must be a query-language object, got ${JSON.stringify(parameters.filter)}`, ErrorCode.InvalidArgument);
    }
    options.filter = parameters.filter as QueryFilter;
  }
  if (index.length === 0) {
    for (const query of queries) query.matches = [];
    return;
  }
  for (const query of queries) {
    if (!query.embedding) throw new JinaError(`/search: query ${query.id} has no embedding: encode it first`, ErrorCode.InvalidArgument);
  }
  // an HNSW store answers one query at a time; exact search reads the index once for all queries
  if (index.storage === "ann") for (const query of queries) query.matches = index.find(query, options);
  else queries.match(index, options);
}

/**
 * `/delete`: removes the documents whose ids are the request's docs (or `parameters.ids`); returns the count.
 *
 * @example
 * ```ts
 * deleteFrom(index, docs, parameters); // { deleted: 2 }
 * ```
 */
export function deleteFrom(index: DocumentArray, docs: DocumentArray, parameters: JsonObject): JsonObject {
  const ids = Array.isArray(parameters.ids) ? parameters.ids.map(String) : docs.ids;
  let deleted = 0;
  for (const id of ids) deleted += index.remove(id);
  index.flush();
  return { deleted };
}

/**
 * `/update`: replaces indexed documents that have the same id (others are ignored, as Jina's indexers do).
 *
 * @example
 * ```ts
 * updateIn(index, docs); // { updated: 1 }
 * ```
 */
export function updateIn(index: DocumentArray, docs: DocumentArray): JsonObject {
  let updated = 0;
  for (const doc of docs) {
    if (index.has(doc.id)) {
      index.set(doc.id, doc);
      updated++;
    }
  }
  index.flush();
  return { updated };
}
