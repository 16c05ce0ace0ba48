/**
 * Importing a user's TypeScript module at run time, on every runtime: Deno and Bun run `.ts` as they are; Node
 * does where it strips types itself (`process.features.typescript`, Node ≥ 22.6 with stripping on), and otherwise
 * (Node 20) gets the tsx loader — registered once, only when a `.ts` module is imported, so processes that load
 * only jina-ts's compiled JavaScript never pay for a TypeScript compiler.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { runtimeName } from "./detect.ts";

const typeScriptFile = /\.[cm]?tsx?$/;
/** True when jina-ts itself runs from its `.ts` sources (tsx, Deno, Bun): a TypeScript loader is already active. */
const runningFromSource = typeScriptFile.test(new URL(import.meta.url).pathname);
let loader: Promise<void> | undefined;

/**
 * Whether importing `path` on this runtime needs a TypeScript loader registered first.
 *
 * @example
 * ```ts
 * needsTypeScriptLoader("./executor.ts"); // true on Node 20 running jina-ts's compiled JS; false on Deno and Bun
 * ```
 */
export function needsTypeScriptLoader(path: string): boolean {
  if (runtimeName() !== "node" || runningFromSource || !typeScriptFile.test(path.split(/[?#]/)[0]!)) return false;
  const features = (globalThis.process as { features?: { typescript?: unknown } }).features;
  return !features?.typescript;
}

/**
 * Imports the module at `path` (absolute, or relative to the working directory) or file URL, registering the
 * tsx loader first where Node cannot run TypeScript by itself.
 *
 * @example
 * ```ts
 * const module = await importModule("/home/me/app/executors.ts");
 * ```
 */
export async function importModule(pathOrUrl: string): Promise<Record<string, unknown>> {
  const url = pathOrUrl.startsWith("file:") ? pathOrUrl : pathToFileURL(pathOrUrl).href;
  if (needsTypeScriptLoader(new URL(url).pathname)) {
    loader ??= import("tsx/esm/api").then(({ register }) => {
      register();
    });
    await loader;
  }
  return (await import(url)) as Record<string, unknown>;
}

/**
 * The sibling module `relative` of the module at `base` (an `import.meta.url`), with the extension the caller
 * runs under: `.ts` from the sources, `.js` from the package build (whose bundled modules sit in `.js` and `.cjs` files).
 *
 * @example
 * ```ts
 * moduleSibling("../executor/main.ts", import.meta.url); // file:///…/dist/executor/main.js in the package
 * ```
 */
export function moduleSibling(relative: string, base: string): URL {
  const compiled = /\.c?js$/.test(new URL(base).pathname);
  return new URL(compiled ? relative.replace(/\.ts$/, ".js") : relative, base);
}
