/**
 * Saving the V8 code caches of the package build's layers (issue 8, fast start). From the package build, Node compiles
 * each layer file (dist/chunks/*.cjs) from its code cache once one was written; `dist/chunks/core-loader.js` writes
 * them, and hands its writer to this module through a global so that the sources, Deno and Bun (where there is no
 * such loader) need no branch here.
 *
 * @module
 */

const saveHook = Symbol.for("jina-ts.saveCodeCaches");

/**
 * Options of {@link saveCodeCaches}.
 *
 * @example
 * ```ts
 * const options: SaveCodeCachesOptions = { onlyMissing: true };
 * ```
 */
export interface SaveCodeCachesOptions {
  /**
   * Write only the caches that do not exist; leave those V8 rejected (made by another Node, or with other V8 flags)
   * to the processes that made them. For a process that may run with flags its children do not have (a flow's).
   */
  onlyMissing?: boolean;
}

/**
 * Writes the code caches of the layers this process compiled without one; does nothing when it runs from the sources,
 * on Deno or Bun, or when every layer it loaded came from its cache. Call it once the process has done its start-up
 * (what ran by then is what the cache holds compiled).
 *
 * @example
 * ```ts
 * await flow.start();
 * saveCodeCaches({ onlyMissing: true }); // the next process that loads these layers compiles them from the caches
 * ```
 */
export function saveCodeCaches(options: SaveCodeCachesOptions = {}): void {
  const save = (globalThis as Record<symbol, unknown>)[saveHook];
  if (typeof save === "function") save(options);
}
