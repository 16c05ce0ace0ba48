/**
 * A list of doc dicts (or `{ docs: [...] }`) to a `DocumentArrayProto`, validated with exact paths.
 *
 * @module
 */
import type { DocumentArrayProto } from "../proto/gen/docarray_pb.ts";
import { documentFromJSON } from "./document-json.ts";
import { fail, isPlainObject } from "./json-check.ts";

/**
 * Reads `json` (a list of doc dicts, or `{ docs: [...] }` as Jina's `/post` body allows; `null` is empty).
 * Throws a `JinaError` (InvalidArgument) naming the path, e.g. `data[3].embedding: ...`.
 *
 * @example
 * ```ts
 * documentArrayFromJSON([{ text: "a" }], "data").docs.length; // 1
 * ```
 */
export function documentArrayFromJSON(json: unknown, path: string): DocumentArrayProto {
  const proto: DocumentArrayProto = { $typeName: "docarray.DocumentArrayProto", docs: [] }; // what create() makes, without walking the schema
  if (json === undefined || json === null) return proto;
  let list = json;
  let at = path;
  if (isPlainObject(json) && "docs" in json) {
    list = json.docs ?? [];
    at = `${path}.docs`;
  }
  if (!Array.isArray(list)) fail(at, "a list of documents", list);
  proto.docs = list.map((item, i) => documentFromJSON(item, `${at}[${i}]`));
  return proto;
}
