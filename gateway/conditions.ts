/**
 * Jina's `when` conditions in the gateway: the documents entering a deployment are filtered with its condition
 * (`docs.find(condition)` replaces the request's docs), and when any deployment has a condition the final
 * response's documents are re-sorted to the request's order, unknown or new documents last.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { compileQuery, DocumentArray, docsOf, type DocumentPredicate, setDocs } from "../docarray/mod.ts";
import { type DataRequestProto, DataRequestProto_DataContentProtoSchema } from "../proto/gen/jina_pb.ts";
import { requestWith } from "../proto/request-copy.ts";

/**
 * Compiles a deployment's `when` (DocArray's query language). Throws a JinaError (InvalidArgument) naming the
 * deployment and the operator when the condition is malformed.
 *
 * @example
 * ```ts
 * const english = compileCondition("en-encoder", { tags__lang: { $eq: "en" } });
 * ```
 */
export function compileCondition(deployment: string, when: JsonObject): DocumentPredicate {
  return compileQuery(when, `when of deployment "${deployment}"`);
}

/**
 * The request with only the documents matching `condition` (a new request; `request` is not changed, the
 * documents are shared).
 *
 * @example
 * ```ts
 * const outgoing = filterRequest(request, english);
 * ```
 */
export function filterRequest(request: DataRequestProto, condition: DocumentPredicate): DataRequestProto {
  return withDocs(request, docsOf(request).filter(condition));
}

/**
 * The response with its documents in the order of `ids` (the request's): known ids first in that order, then
 * the others in their own order. A new request; `response` is not changed.
 *
 * @example
 * ```ts
 * const sorted = sortLikeRequest(response, docsOf(request).ids);
 * ```
 */
export function sortLikeRequest(response: DataRequestProto, ids: readonly string[]): DataRequestProto {
  const rank = new Map<string, number>();
  for (const [index, id] of ids.entries()) if (!rank.has(id)) rank.set(id, index);
  const last = ids.length;
  const sorted = docsOf(response).protos
    .map((proto, index) => ({ proto, index, rank: rank.get(proto.id) ?? last }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.proto);
  return withDocs(response, DocumentArray.fromProto(sorted));
}

function withDocs(request: DataRequestProto, docs: DocumentArray): DataRequestProto {
  const copy = requestWith(request, request.header, request.parameters, request.routes);
  copy.data = create(DataRequestProto_DataContentProtoSchema);
  setDocs(copy, docs);
  return copy;
}
