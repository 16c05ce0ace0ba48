/**
 * The load both reliability scripts put on a flow: `total` calls of `send`, `concurrency` at a time.
 *
 * @module
 */

/**
 * Runs `total` calls of `send` with `concurrency` callers; resolves with how many failed.
 *
 * @example
 * ```ts
 * const failed = await load(() => client.post("/", docs), 2_000, 64);
 * ```
 */
export async function load(send: () => Promise<unknown>, total: number, concurrency: number): Promise<number> {
  let next = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      await send().catch(() => failed++);
    }
  }));
  return failed;
}
