/**
 * Which user file called into jina-ts, read from the stack, so that a relative `uses: "./my.ts#MyExec"` resolves
 * against the file that declares the flow — as `import` resolves — instead of the working directory.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** jina-ts's own folder (the repository, or `dist/` in the package); its library frames are skipped. */
const ownRoot = fileURLToPath(new URL("../", import.meta.url));
/** Folders of the repository that hold callers, not the library. */
const callerFolders = new Set(["tests", "examples", "bench", "scripts", "playground"]);
const frameFile = /\(?((?:file:\/\/)?\/[^()\s]+?):\d+:\d+\)?\s*$/;
const filePath = /^(?:file:\/\/)?\//;

function isLibraryFile(path: string): boolean {
  if (!path.startsWith(ownRoot)) return false;
  const rest = path.slice(ownRoot.length);
  return rest.includes("/") && !callerFolders.has(rest.split("/")[0]!) && !rest.startsWith("node_modules/");
}

/**
 * The absolute path of the first file on the call stack outside jina-ts's library; `undefined` when the stack
 * names none (e.g. code evaluated from a string).
 *
 * @example
 * ```ts
 * // in /home/me/app/flow.ts
 * new Flow().add({ uses: "./enc.ts#Encoder" }); // Flow.add calls callerFile() → "/home/me/app/flow.ts"
 * ```
 */
export function callerFile(): string | undefined {
  for (const file of stackFiles()) {
    const path = file.startsWith("file:") ? fileURLToPath(file) : file;
    if (!isLibraryFile(path)) return path;
  }
  return undefined;
}

/** What V8's structured stack trace API gives for a frame (Deno and Bun have it too). */
interface CallSite {
  getFileName(): string | null | undefined;
}

/**
 * The files of the current call stack's frames (paths or file URLs), from this function's caller on. Read from the
 * call sites, not the stack text: the text gives every frame's line and column, and V8 finds those by scanning the
 * whole of each file's source for line ends (a few ms for the package build's 800 KB dist/chunks/core.cjs, in every
 * executor process that declares a class, issue 8). From the text where a runtime has no call sites.
 */
function stackFiles(): string[] {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = 50;
  Error.prepareStackTrace = (_error, sites) => sites;
  const holder: { stack?: unknown } = {};
  Error.captureStackTrace(holder, stackFiles);
  const stack = holder.stack;
  Error.stackTraceLimit = limit;
  Error.prepareStackTrace = prepare;
  // Only files: Bun names a frame of its own code "native", for one
  if (Array.isArray(stack)) return (stack as CallSite[]).flatMap((site) => site.getFileName() ?? []).filter((file) => filePath.test(file));
  return String(stack ?? "").split("\n").flatMap((line) => frameFile.exec(line)?.[1] ?? []);
}

/**
 * Resolves a relative `uses` (`"./file.ts#Class"`) against the folder of `caller`, when the file is there;
 * anything else (a class name, an absolute path, a file only the working directory has) comes back unchanged.
 *
 * @example
 * ```ts
 * resolveFromCaller("./enc.ts#Encoder", "/home/me/app/flow.ts"); // "/home/me/app/enc.ts#Encoder" (if it exists)
 * ```
 */
export function resolveFromCaller(uses: string, caller: string | undefined): string {
  const hash = uses.lastIndexOf("#");
  const path = hash >= 0 ? uses.slice(0, hash) : uses;
  if (!caller || isAbsolute(path) || !/^\.\.?\//.test(path)) return uses;
  const candidate = resolve(dirname(caller), path);
  return existsSync(candidate) ? candidate + (hash >= 0 ? uses.slice(hash) : "") : uses;
}
