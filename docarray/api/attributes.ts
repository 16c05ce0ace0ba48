/**
 * Attribute selection (docarray's `da[:, 'text']`, `da[:, ['id', 'tags__x']]`): read one or several fields of
 * every document, with `tags__a__b` reaching into tags.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import type { Document } from "../document.ts";

const fields = new Set([
  "id", "parentId", "granularity", "adjacency", "blob", "tensor", "mimeType", "text", "weight", "uri", "tags",
  "offset", "location", "embedding", "modality", "scores", "evaluations", "chunks", "matches",
]);

const snakeToCamel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * One field of a document: a Document attribute (camelCase or snake_case) or a tag path `tags__a__b`.
 *
 * @example
 * ```ts
 * attributeOf(doc, "tags__lang"); // "en"
 * ```
 */
export function attributeOf(doc: Document, field: string): unknown {
  if (field.startsWith("tags__")) {
    let value: unknown = doc.tags;
    for (const key of field.slice(6).split("__")) value = (value as Record<string, unknown> | undefined)?.[key];
    return value;
  }
  const name = snakeToCamel(field);
  if (!fields.has(name)) {
    throw new JinaError(`unknown document attribute ${JSON.stringify(field)}: use one of ${[...fields].join(", ")} or tags__<key>`, ErrorCode.InvalidArgument);
  }
  return (doc as unknown as Record<string, unknown>)[name];
}
