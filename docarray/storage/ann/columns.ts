/**
 * Filter columns of the ann backend (Jina annlite's `columns`): which tag fields are kept beside each vector,
 * and a query-language filter rewritten to them (`{ price: { $lt: 50 } }` and `{ tags__price: … }` both work).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../../proto/errors.ts";
import type { DocumentProto } from "../../../proto/gen/docarray_pb.ts";
import { Document } from "../../document.ts";
import { compileQuery, type DocumentPredicate, type QueryFilter } from "../../query.ts";

/**
 * The column values of a document (from its tags), or null when it has none of them.
 *
 * @example
 * ```ts
 * columnValues(doc.proto, ["price"]); // { price: 12 }
 * ```
 */
export function columnValues(proto: DocumentProto, names: string[]): Record<string, unknown> | null {
  if (names.length === 0) return null;
  const tags = Document.fromProto(proto).tags as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const name of names) {
    if (name in tags) {
      out[name] = tags[name];
      any = true;
    }
  }
  return any ? out : null;
}

/**
 * Compiles a filter over the declared columns into a predicate on column values. Throws a JinaError naming
 * `location` when the filter uses a field that is not a column.
 *
 * @example
 * ```ts
 * const test = compileColumnFilter({ price: { $lt: 50 } }, ["price"], "data/");
 * test({ price: 12 }); // true
 * ```
 */
export function compileColumnFilter(filter: QueryFilter, names: string[], location: string): (values: Record<string, unknown> | null) => boolean {
  const rewritten = rewrite(filter, names, location) as QueryFilter;
  const predicate: DocumentPredicate = compileQuery(rewritten);
  const empty = new Document();
  return (values) => predicate(values ? new Document({ tags: values as never }) : empty);
}

function rewrite(value: unknown, names: string[], location: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, names, location));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith("$")) {
      out[key] = ["$and", "$or", "$not"].includes(key) ? rewrite(inner, names, location) : inner;
      continue;
    }
    const name = key.startsWith("tags__") ? key.slice(6).split("__")[0] as string : key;
    if (!names.includes(name)) {
      throw new JinaError(
        `${location}: filter field ${JSON.stringify(key)} is not a column (columns: ${names.join(", ") || "none"}): declare it in config.columns`,
        ErrorCode.InvalidArgument,
      );
    }
    out[key.startsWith("tags__") ? key : `tags__${key}`] = inner;
  }
  return out;
}
