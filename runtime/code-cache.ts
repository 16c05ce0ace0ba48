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
 * Writes the code caches of the layers this process compiled without one; does nothing when it runs from the sources,
 * on Deno or Bun, or when every layer it loaded came from its cache. Call it once the process has done its start-up
 * (what ran by then is what the cache holds compiled).
 *
 * @example
 * ```ts
 * await flow.start();
 * saveCodeCaches(); // the next process that loads these layers compiles them from the caches
 * ```
 */
export function saveCodeCaches(): void {
  const save = (globalThis as Record<symbol, unknown>)[saveHook];
  if (typeof save === "function") save();
}
