/**
 * Brute-force k-nearest-neighbour search over a contiguous row-major matrix, at memory speed: distances are
 * computed straight from the Float32Array (or Float64Array) rows without converting them, queries are processed in
 * blocks so each row is read once per block, and a bounded max-heap per query keeps the `k` best (no full sort).
 * Storage backends call this over their own matrices.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { BoundedHeap } from "./bounded-heap.ts";

/**
 * A distance, lower is closer: `cosine` (1 − cosine similarity), `euclidean` (L2), `sqeuclidean` (squared L2),
 * `dot` (1 − inner product, as hnswlib's and annlite's inner-product space; equal to cosine for unit vectors).
 *
 * @example
 * ```ts
 * const metric: Metric = "cosine";
 * ```
 */
export type Metric = "cosine" | "euclidean" | "sqeuclidean" | "dot";

/**
 * The metrics {@link topK} knows.
 *
 * @example
 * ```ts
 * metrics.includes("dot"); // true
 * ```
 */
export const metrics: readonly Metric[] = ["cosine", "euclidean", "sqeuclidean", "dot"];

/**
 * The `k` nearest rows for one query, closest first (ties: lower row first).
 *
 * @example
 * ```ts
 * const { rows, distances } = topK(matrix, 128, query, 10, "cosine")[0]!;
 * ```
 */
export interface TopKResult {
  rows: Int32Array;
  distances: Float64Array;
}

/**
 * Options of {@link topK}.
 *
 * @example
 * ```ts
 * const options: TopKOptions = { skip: (q, row) => ids[row] === queryIds[q] };
 * ```
 */
export interface TopKOptions {
  /** Rows to leave out for a query (asked only of rows that would enter its top k). */
  skip?: ((query: number, row: number) => boolean) | undefined;
  /** Queries per block (default 8): each block reads the matrix once. */
  block?: number | undefined;
}

/** A numeric matrix or vector, row-major. */
type Floats = Float32Array | Float64Array;

/** Cosine norms below this count as this (docarray's epsilon), so zero vectors do not divide by zero. */
const epsilon = 1e-7;

/**
 * For each query (rows of `queries`, `dim` wide), the `k` rows of `matrix` (`dim` wide) closest by `metric`.
 * `k` may be `Infinity` (all rows, sorted). Throws a `JinaError` (InvalidArgument) for an unknown metric, a
 * negative `k`, or lengths that are not a multiple of `dim`.
 *
 * @example
 * ```ts
 * const matrix = new Float32Array([1, 0, 0, 1, 1, 1]); // 3 rows of 2
 * topK(matrix, 2, Float32Array.of(1, 0.1), 2, "cosine")[0]?.rows; // Int32Array [0, 2]
 * ```
 */
export function topK(matrix: Floats, dim: number, queries: Floats, k: number, metric: Metric, options: TopKOptions = {}): TopKResult[] {
  if (!metrics.includes(metric)) {
    throw new JinaError(`unknown metric ${JSON.stringify(metric)}: use one of ${metrics.join(", ")}`, ErrorCode.InvalidArgument);
  }
  if (!(k >= 0)) throw new JinaError(`limit must be a non-negative number, got ${k}`, ErrorCode.InvalidArgument);
  if (!(Number.isInteger(dim) && dim > 0) || matrix.length % dim !== 0 || queries.length % dim !== 0) {
    throw new JinaError(`topK: the matrix (${matrix.length}) and queries (${queries.length}) must be rows of ${dim} values`, ErrorCode.InvalidArgument);
  }
  const rows = matrix.length / dim;
  const count = queries.length / dim;
  const q64 = queries instanceof Float64Array ? queries : Float64Array.from(queries);
  const heaps = Array.from({ length: count }, () => new BoundedHeap(Math.min(k, rows)));
  const queryNorms = norms(q64, dim);
  const block = Math.max(1, options.block ?? 8);
  const scores = new Float64Array(block);
  const skip = options.skip;
  for (let q0 = 0; q0 < count; q0 += block) {
    const q1 = Math.min(count, q0 + block);
    for (let row = 0; row < rows; row++) {
      rowDistances(matrix, row * dim, dim, q64, q0, q1, metric, queryNorms, scores);
      for (let q = q0; q < q1; q++) {
        const heap = heaps[q] as BoundedHeap;
        const d = scores[q - q0] as number;
        // one comparison rejects the usual row; the heap settles NaN, ties and a heap not yet full
        if (!(d >= heap.limit) && heap.accepts(d, row) && !(skip && skip(q, row))) heap.push(d, row);
      }
    }
  }
  return heaps.map((heap) => heap.sorted());
}

/** Fills `out[q - q0]` with the distance between the row at `base` and queries `q0..q1` (one pass over the row). */
function rowDistances(
  matrix: Floats,
  base: number,
  dim: number,
  queries: Float64Array,
  q0: number,
  q1: number,
  metric: Metric,
  queryNorms: Float64Array,
  out: Float64Array,
): void {
  switch (metric) {
    case "cosine": {
      // the first query's dot product and the row's norm in one pass; the others' dot products after it
      const first = dotAndNorm(matrix, base, queries, q0 * dim, dim);
      const rowNorm = Math.max(Math.sqrt(normOut), epsilon);
      out[0] = 1 - first / (rowNorm * Math.max(queryNorms[q0] as number, epsilon));
      for (let q = q0 + 1; q < q1; q++) {
        out[q - q0] = 1 - dot(matrix, base, queries, q * dim, dim) / (rowNorm * Math.max(queryNorms[q] as number, epsilon));
      }
      return;
    }
    case "dot":
      for (let q = q0; q < q1; q++) out[q - q0] = 1 - dot(matrix, base, queries, q * dim, dim);
      return;
    default:
      for (let q = q0; q < q1; q++) {
        const sq = squaredDistance(matrix, base, queries, q * dim, dim);
        out[q - q0] = metric === "euclidean" ? Math.sqrt(sq) : sq;
      }
  }
}

/** The squared norm of the row {@link dotAndNorm} read last (a second return value without an allocation). */
let normOut = 0;

/** The inner product of `a[i..i+dim)` and `b[j..j+dim)`, and (in `normOut`) the squared norm of `a[i..i+dim)`. */
function dotAndNorm(a: Floats, i: number, b: Float64Array, j: number, dim: number): number {
  let d0 = 0;
  let d1 = 0;
  let n0 = 0;
  let n1 = 0;
  let n = 0;
  for (; n + 1 < dim; n += 2) {
    const x0 = a[i + n] as number;
    const x1 = a[i + n + 1] as number;
    d0 += x0 * (b[j + n] as number);
    d1 += x1 * (b[j + n + 1] as number);
    n0 += x0 * x0;
    n1 += x1 * x1;
  }
  if (n < dim) {
    const x = a[i + n] as number;
    d0 += x * (b[j + n] as number);
    n0 += x * x;
  }
  normOut = n0 + n1;
  return d0 + d1;
}

/**
 * The inner product of `a[i..i+dim)` and `b[j..j+dim)`, four lanes at a time (also the HNSW's kernel where
 * WebAssembly SIMD is missing).
 *
 * @example
 * ```ts
 * dot(Float32Array.of(1, 2, 3, 4), 2, Float64Array.of(10, 100), 0, 2); // 3·10 + 4·100 = 430
 * ```
 */
export function dot(a: Floats, i: number, b: Float64Array, j: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let n = 0;
  for (; n + 3 < dim; n += 4) {
    s0 += (a[i + n] as number) * (b[j + n] as number);
    s1 += (a[i + n + 1] as number) * (b[j + n + 1] as number);
    s2 += (a[i + n + 2] as number) * (b[j + n + 2] as number);
    s3 += (a[i + n + 3] as number) * (b[j + n + 3] as number);
  }
  for (; n < dim; n++) s0 += (a[i + n] as number) * (b[j + n] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * The squared L2 distance between `a[i..i+dim)` and `b[j..j+dim)`.
 *
 * @example
 * ```ts
 * squaredDistance(Float32Array.of(0, 0, 3, 4), 2, Float64Array.of(0, 0), 0, 2); // 25
 * ```
 */
export function squaredDistance(a: Floats, i: number, b: Float64Array, j: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let n = 0;
  for (; n + 1 < dim; n += 2) {
    const d0 = (a[i + n] as number) - (b[j + n] as number);
    const d1 = (a[i + n + 1] as number) - (b[j + n + 1] as number);
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  for (; n < dim; n++) {
    const d = (a[i + n] as number) - (b[j + n] as number);
    s0 += d * d;
  }
  return s0 + s1;
}

function norms(queries: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(queries.length / dim);
  for (let q = 0; q < out.length; q++) {
    let sum = 0;
    for (let n = q * dim; n < (q + 1) * dim; n++) sum += (queries[n] as number) * (queries[n] as number);
    out[q] = Math.sqrt(sum);
  }
  return out;
}
