/**
 * `find`/`match` with a callable metric (docarray's `metric=callable`): any `(a, b) => distance` over two
 * float64 vectors, lower is closer; the score is stored under `metricName` (default the function's name).
 *
 * @module
 */
import { clone, create } from "@bufbuild/protobuf";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { type DocumentProto, DocumentProtoSchema } from "../../proto/gen/docarray_pb.ts";
import { toNamedScoreProto } from "../named-score.ts";
import { NdArray } from "../ndarray.ts";

/** A distance function: lower is closer. */
export type MetricFunction = (a: Float64Array, b: Float64Array) => number;

/**
 * For each query, the `limit` candidates closest by `metric`, as copies carrying `scores[name]`.
 *
 * @example
 * ```ts
 * const manhattan = (a, b) => a.reduce((s, x, i) => s + Math.abs(x - b[i]), 0);
 * nearestByFunction([NdArray.from([0, 0])], index.protos, manhattan, "manhattan", 3, []);
 * ```
 */
export function nearestByFunction(
  queries: NdArray[],
  candidates: DocumentProto[],
  metric: MetricFunction,
  name: string,
  limit: number,
  excluded: (string | undefined)[],
): DocumentProto[][] {
  const vectors = candidates.map((doc, i) => {
    if (!doc.embedding?.content.case) throw new JinaError(`document ${i} (id ${doc.id}) of the index has no embedding`, ErrorCode.InvalidArgument);
    return NdArray.fromProto(doc.embedding).toFloat64();
  });
  return queries.map((query, q) => {
    const vector = query.toFloat64();
    const hits = vectors
      .map((candidate, index) => ({ index, value: metric(vector, candidate) }))
      .filter(({ index, value }) => {
        if (Number.isNaN(value)) throw new JinaError(`metric ${name} returned NaN for document ${candidates[index]?.id}`, ErrorCode.InvalidArgument);
        return excluded[q] === undefined || candidates[index]?.id !== excluded[q];
      })
      .sort((a, b) => a.value - b.value || a.index - b.index)
      .slice(0, limit);
    return hits.map(({ index, value }) => {
      const match = clone(DocumentProtoSchema, candidates[index] as DocumentProto);
      match.matches = [];
      match.scores[name] = toNamedScoreProto({ value });
      return match;
    });
  });
}

/**
 * Reduces matches to their id and scores (`onlyId`).
 *
 * @example
 * ```ts
 * idsOnly(matches); // [{ id, scores }]
 * ```
 */
export function idsOnly(matches: DocumentProto[]): DocumentProto[] {
  return matches.map((match) => create(DocumentProtoSchema, { id: match.id, scores: match.scores }));
}
