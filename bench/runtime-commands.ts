/**
 * How the benches run a script on each runtime (for benches that spawn one child per runtime measured).
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The runtimes the benches compare. */
export type Runtime = "node" | "deno" | "bun";

/** The repository's root (with a trailing slash). */
export const root: string = fileURLToPath(new URL("../", import.meta.url));

/**
 * How each runtime runs a script: the executable and the arguments before the file (TypeScript included).
 *
 * @example
 * ```ts
 * const { bin, ts } = commands.deno;
 * spawnSync(bin, [...ts, "bench/codec.ts"]);
 * ```
 */
export const commands: Record<Runtime, { bin: string; ts: string[]; js: string[] }> = {
  node: { bin: globalThis.process.execPath, ts: ["--import", "tsx"], js: [] },
  deno: { bin: `${root}node_modules/.bin/deno`, ts: ["run", "-A", "--quiet"], js: ["run", "-A", "--quiet"] },
  bun: { bin: `${root}node_modules/.bin/bun`, ts: ["run"], js: ["run"] },
};
