/**
 * Exact top-k by inner product over a contiguous row-major Float32 matrix (for L2-normalised rows, cosine).
 *
 * @module
 */

/**
 * The `k` rows of `matrix` (`rows × dim`, row-major) with the largest inner product with `query`, best first.
 *
 * @example
 * ```ts
 * topKInnerProduct(new Float32Array([1, 0, 0, 1]), 2, new Float32Array([0, 1]), 1); // [{ index: 1, score: 1 }]
 * ```
 */
export function topKInnerProduct(matrix: Float32Array, dim: number, query: Float32Array, k: number): { index: number; score: number }[] {
  const rows = matrix.length / dim;
  const best: { index: number; score: number }[] = [];
  let floor = -Infinity;
  for (let row = 0; row < rows; row++) {
    let score = 0;
    const offset = row * dim;
    for (let i = 0; i < dim; i++) score += matrix[offset + i]! * query[i]!;
    if (best.length < k || score > floor) {
      best.push({ index: row, score });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
      floor = best[best.length - 1]!.score;
    }
  }
  return best;
}
