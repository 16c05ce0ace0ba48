/**
 * Reduces the parts a node waits for into one request (Jina's `reduce_requests`): documents by id, left to
 * right; `__results__` merged; every other parameter and the header from the first part; routes by executor.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { docsOf, reduceAll, setDocs } from "../docarray/mod.ts";
import { type DataRequestProto, DataRequestProtoSchema, type RouteProto } from "../proto/gen/jina_pb.ts";
import { mergeResults, resultsKey } from "./parameters.ts";

/**
 * Options of {@link reduceRequests}.
 *
 * @example
 * ```ts
 * reduceRequests(parts, { ownsFirst: false } satisfies ReduceRequestsOptions);
 * ```
 */
export interface ReduceRequestsOptions {
  /**
   * True when nobody else holds the first part: its documents are reduced in place. Otherwise they are
   * cloned first, so a request shared with another branch is never changed.
   */
  ownsFirst: boolean;
}

/**
 * One request from several parts of the same request (one per incoming edge of a node).
 *
 * @example
 * ```ts
 * const joined = reduceRequests([fromBranchA, fromBranchB], { ownsFirst: true });
 * docsOf(joined).length; // the union of both parts' documents, by id
 * ```
 */
export function reduceRequests(parts: readonly DataRequestProto[], options: ReduceRequestsOptions): DataRequestProto {
  const [first, ...rest] = parts;
  if (!first) throw new RangeError("reduceRequests needs at least one part");
  if (rest.length === 0) return first;
  const firstDocs = options.ownsFirst ? docsOf(first) : docsOf(first).clone();
  const docs = reduceAll([firstDocs, ...rest.map((part) => docsOf(part))]);
  const results = mergeResults(parts.map((part) => part.parameters));
  const reduced = create(DataRequestProtoSchema, {
    ...(first.header ? { header: first.header } : {}),
    parameters: results ? { ...first.parameters, [resultsKey]: results } : { ...first.parameters },
    routes: mergeRoutes(parts),
  });
  setDocs(reduced, docs);
  return reduced;
}

function mergeRoutes(parts: readonly DataRequestProto[]): RouteProto[] {
  const byExecutor = new Map<string, RouteProto>();
  for (const part of parts) {
    for (const route of part.routes) if (!byExecutor.has(route.executor)) byExecutor.set(route.executor, route);
  }
  return [...byExecutor.values()];
}
