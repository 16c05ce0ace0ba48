/**
 * Key spellings: Jina's snake_case and jina-ts's camelCase, and the nearest known key for a misspelled one.
 *
 * @module
 */

/**
 * `uses_with` → `usesWith` (a camelCase key is returned as it is).
 *
 * @example
 * ```ts
 * camelKey("timeout_send"); // "timeoutSend"
 * ```
 */
export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * `usesWith` → `uses_with` (a snake_case key is returned as it is).
 *
 * @example
 * ```ts
 * snakeKey("portMonitoring"); // "port_monitoring"
 * ```
 */
export function snakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The known key closest to `key` (edit distance, case and `_` ignored), if it is close enough to be a typo.
 *
 * @example
 * ```ts
 * nearestKey("replica", ["replicas", "shards"]); // "replicas"
 * nearestKey("colour", ["replicas", "shards"]);  // undefined
 * ```
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/_/g, "");
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(plain(key), plain(candidate));
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}
