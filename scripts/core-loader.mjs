// Copied by scripts/build.mjs to dist/chunks/core-loader.js (issue 8, fast start). dist/chunks/core.cjs holds every
// module an executor process needs (one CommonJS file, so that Node 20 can give it a V8 code cache: Node 20 has none
// for ES modules); every other file of dist/ takes those modules from it through `jinaCore()`, so a process has one
// copy of each (one `Executor` class, one registry) whichever entry a module imported.
// On Node the file is compiled with the code cache dist/chunks/core.cjs.<node version>-<arch>.cache when there is one
// (V8 rejects a cache made from another source, V8 or flags, and then compiles as usual); `saveCoreCache()` writes it
// once the process has run its start-up (executor/main.js calls it after the ready line). Deno and Bun `require` it.
import Module, { createRequire } from "node:module";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const file = fileURLToPath(new URL("./core.cjs", import.meta.url));
const require = createRequire(import.meta.url);
const onNode = typeof globalThis.Deno === "undefined" && !globalThis.process?.versions?.bun;
// import.meta.resolve for the core's modules (resolving from dist/chunks/, where they were before)
globalThis[Symbol.for("jina-ts.resolve")] ??= (specifier) => import.meta.resolve(specifier);
let core;
let script;
let cacheFile;
let cacheUsed = false;

/** The modules of dist/chunks/core.cjs, loaded once per process: `{ m0: namespace, m1: namespace, … }`. */
export function jinaCore() {
  if (core) return core;
  if (!onNode || require.cache[file]) return (core = require(file));
  // the file's `import()`s call this (a script compiled from a code cache has no dynamic import of its own)
  globalThis[Symbol.for("jina-ts.import")] = (specifier) => import(specifier);
  cacheFile = `${file}.${process.version}-${process.arch}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  script = new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, ...(cachedData ? { cachedData } : {}) });
  cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const module = new Module(file, undefined);
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  require.cache[file] = module;
  try {
    script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  module.loaded = true;
  return (core = module.exports);
}

/** Writes the code cache of dist/chunks/core.cjs when it had none (or a rejected one); quietly does nothing where it cannot write. */
export function saveCoreCache() {
  if (!script || cacheUsed) return;
  cacheUsed = true;
  const temp = `${cacheFile}.${process.pid}`;
  try {
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile); // whole or not at all: replicas starting together each write their own
  } catch {
    rmSync(temp, { force: true });
  }
}
