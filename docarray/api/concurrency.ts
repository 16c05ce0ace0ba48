/**
 * Running async work over items with at most `concurrency` in flight, results in input order.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../proto/errors.ts";

/**
 * Maps `items` through `fn` with at most `concurrency` calls pending at once.
 *
 * @example
 * ```ts
 * const lengths = await mapConcurrent(["a", "bb"], async (s) => s.length, 2); // [1, 2]
 * ```
 */
export async function mapConcurrent<T, R>(items: T[], fn: (item: T, index: number) => R | Promise<R>, concurrency = 1): Promise<R[]> {
  if (!(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new JinaError(`concurrency must be a positive integer, got ${concurrency}`, ErrorCode.InvalidArgument);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
