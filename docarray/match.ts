/**
 * Nearest neighbours by embedding for docarray's `find`/`match` (cosine = 1 − cosine similarity, euclidean,
 * sqeuclidean, dot; lower is closer; the kernels are in top-k.ts) and stacking embeddings into a matrix.
 *
 * @module
 */
import { clone } from "@bufbuild/protobuf";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type DocumentProto, DocumentProtoSchema } from "../proto/gen/docarray_pb.ts";
import { toNamedScoreProto } from "./named-score.ts";
import { embeddingMatrix } from "./embedding-matrix.ts";
import { NdArray } from "./ndarray.ts";
import type { QueryFilter } from "./query.ts";
import { type MetricFunction, nearestByFunction } from "./api/custom-metric.ts";
import { type Metric as TopKMetric, metrics, topK } from "./top-k.ts";

/**
 * A distance metric, lower is closer: `cosine` (1 − cosine similarity), `euclidean` (L2), `sqeuclidean`
 * (squared L2), or `dot` (1 − inner product).
 *
 * @example
 * ```ts
 * const metric: Metric = "cosine";
 * ```
 */
export type Metric = TopKMetric;

/**
 * Options of `DocumentArray.find` with a vector and of `DocumentArray.match`.
 *
 * @example
 * ```ts
 * const options: FindOptions = { metric: "cosine", limit: 5, filter: { "tags__lang": { $eq: "en" } } };
 * ```
 */
export interface FindOptions {
  /**
   * `cosine` (1 − cosine similarity, the default), `euclidean`, `sqeuclidean`, `dot` (1 − a·b), or a function
   * `(a, b) => distance` over two float64 vectors; lower is closer.
   */
  metric?: Metric | MetricFunction;
  /** The score name for a function metric (default the function's name, else `custom`). */
  metricName?: string;
  /** Matches carry only their id and scores (docarray's `only_id`). */
  onlyId?: boolean;
  /** Search the documents this traversal path reaches instead of the array itself (`"@c"`: the chunks). */
  on?: string;
  /** How many matches to keep (default 20; `Infinity` for all). */
  limit?: number;
  /** Only consider candidates that pass this query-language filter. */
  filter?: QueryFilter;
  /** Skip candidates whose id equals the query document's id. */
  excludeSelf?: boolean;
}

/**
 * One ranked candidate: its index in the candidate list and its distance.
 *
 * @example
 * ```ts
 * const hit: Hit = { index: 3, value: 0.12 };
 * ```
 */
export interface Hit {
  index: number;
  value: number;
}

/**
 * For every query vector, the `limit` closest candidates (ascending distance, ties in candidate order),
 * skipping the candidates whose id is `excluded[q]`. The candidates' embeddings are read as one matrix (kept
 * between calls when they are all float32; see `embedding-matrix.ts`), the queries in blocks (`topK`). Throws a
 * `JinaError` (InvalidArgument) for an unknown metric, a candidate without embedding, or mismatched dimensions.
 *
 * @example
 * ```ts
 * nearest([NdArray.from([1, 0])], index.protos, "cosine", 3, []); // [[{ index, value }, …]]
 * ```
 */
export function nearest(queries: NdArray[], candidates: DocumentProto[], metric: Metric, limit: number, excluded: (string | undefined)[]): Hit[][] {
  if (!metrics.includes(metric)) {
    throw new JinaError(`unknown metric ${JSON.stringify(metric)}: use one of ${metrics.join(", ")}`, ErrorCode.InvalidArgument);
  }
  if (!(limit >= 0)) throw new JinaError(`limit must be a non-negative number, got ${limit}`, ErrorCode.InvalidArgument);
  const dim = queries[0]?.size ?? 0;
  const matrix = embeddingMatrix(candidates, dim);
  if (candidates.length === 0 || dim === 0) return queries.map(() => []);
  const queryMatrix = new Float64Array(queries.length * dim);
  queries.forEach((query, q) => {
    if (query.size !== dim) {
      throw new JinaError(`embedding of document 0 (id ${candidates[0]?.id}) has ${dim} values but the query has ${query.size}`, ErrorCode.InvalidArgument);
    }
    queryMatrix.set(query.dtype === "<f4" || query.dtype === "<f8" ? (query.data as ArrayLike<number>) : query.toFloat64(), q * dim);
  });
  const skip = excluded.some((id) => id !== undefined) ? (q: number, row: number) => excluded[q] !== undefined && candidates[row]?.id === excluded[q] : undefined;
  return topK(matrix, dim, queryMatrix, limit, metric, { skip }).map(({ rows, distances }) =>
    Array.from(rows, (index, i) => ({ index, value: distances[i] as number })),
  );
}

/**
 * For every query vector, its nearest candidates as match documents: copies of the candidates without their own
 * matches, carrying `scores[metric] = { value: distance }`, closest first.
 *
 * @example
 * ```ts
 * const [matches] = nearestMatches([NdArray.from([1, 0])], index.protos, { metric: "cosine", limit: 3 });
 * ```
 */
export function nearestMatches(
  queries: NdArray[],
  candidates: DocumentProto[],
  options: FindOptions,
  excluded: (string | undefined)[] = [],
): DocumentProto[][] {
  const metric = options.metric ?? "cosine";
  if (typeof metric === "function") {
    return nearestByFunction(queries, candidates, metric, options.metricName ?? (metric.name || "custom"), options.limit ?? 20, excluded);
  }
  return nearest(queries, candidates, metric, options.limit ?? 20, excluded).map((hits) =>
    hits.map(({ index, value }) => {
      const match = clone(DocumentProtoSchema, candidates[index] as DocumentProto);
      match.matches = [];
      match.scores[metric] = toNamedScoreProto({ value });
      return match;
    }),
  );
}

/**
 * Stacks arrays of one shape into a matrix `[n, ...shape]` (float32 when all are `<f4`, float64 otherwise), or
 * undefined when the list is empty or one is missing.
 *
 * @example
 * ```ts
 * stackEmbeddings([NdArray.from([1, 2]), NdArray.from([3, 4])])?.shape; // [2, 2]
 * ```
 */
export function stackEmbeddings(arrays: (NdArray | undefined)[]): NdArray | undefined {
  if (arrays.length === 0 || arrays.some((a) => a === undefined)) return undefined;
  const rows = arrays as NdArray[];
  const first = rows[0] as NdArray;
  const width = first.size;
  const float32 = rows.every((a) => a.dtype === "<f4");
  const out = float32 ? new Float32Array(rows.length * width) : new Float64Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row.size !== width || row.shape.join() !== first.shape.join()) {
      throw new JinaError(
        `cannot stack: array ${i} has shape [${row.shape.join(", ")}] but array 0 has [${first.shape.join(", ")}]`,
        ErrorCode.InvalidArgument,
      );
    }
    out.set(float32 ? (row.data as Float32Array) : row.toFloat64(), i * width);
  });
  return new NdArray(out, { shape: [rows.length, ...first.shape] });
}
