/**
 * Loads a runtime built-in (`node:fs`, `node:sqlite`, …) or a package synchronously and only when first used,
 * so modules that import this file still bundle for a browser (no static `node:` import).
 *
 * @module
 */

interface ProcessLike {
  getBuiltinModule?(id: string): unknown;
}

const processGlobal = (globalThis as { process?: ProcessLike }).process;

/**
 * The built-in module `id` (`"node:fs"`), or undefined where the runtime has none (a browser, or `node:sqlite`
 * on Node 20).
 *
 * @example
 * ```ts
 * const fs = builtin<typeof import("node:fs")>("node:fs");
 * ```
 */
export function builtin<T>(id: string): T | undefined {
  try {
    return processGlobal?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

let requireFn: ((id: string) => unknown) | undefined;

/**
 * CommonJS `require` from this file (for `bun:sqlite` and native npm packages), created on first use.
 *
 * @example
 * ```ts
 * const { Database } = requireModule("bun:sqlite") as { Database: unknown };
 * ```
 */
export function requireModule(id: string): unknown {
  if (!requireFn) {
    const module = builtin<{ createRequire(url: string): (id: string) => unknown }>("node:module");
    if (!module) throw new Error(`cannot load ${id}: this runtime has no node:module`);
    requireFn = module.createRequire(import.meta.url);
  }
  return requireFn(id);
}
