// Copied by scripts/build.mjs to dist/chunks/core-loader.js (issue 8, fast start). dist/chunks/core.cjs holds every
// module an executor process needs; docarray.cjs, client.cjs, root.cjs and gateway.cjs the rest of jina-ts/docarray's,
// of jina-ts/client's, of the package root's and of the gateway's, each less the earlier layers' (CommonJS files, so
// that Node 20 can give them a V8 code cache: Node 20 has none for ES modules); every other file of dist/ takes those
// modules from them through `jinaLayer()`, so a process has one copy of each (one `Executor` class, one registry)
// whichever entry a module imported.
// On Node each file is compiled with the code cache dist/chunks/<file>.<node version>-<arch>.cache when there is one
// (V8 rejects a cache made from another source, V8 or flags, and then compiles as usual); `saveCodeCaches()` writes
// them once the process has run its start-up (executor/main.js calls it after the ready line, a Flow once it started,
// through runtime/code-cache.ts). Deno and Bun `require` the files.
import { createRequire } from "node:module";

// Built-ins through `require`: importing one into an ES module makes a facade that reads every export (node:fs's
// loads its streams), ~1 ms of an executor process's start-up for these four.
const require = createRequire(import.meta.url);
const Module = require("node:module");
const { readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");
const { fileURLToPath } = require("node:url");
const vm = require("node:vm");
const onNode = typeof globalThis.Deno === "undefined" && !globalThis.process?.versions?.bun;
// import.meta.resolve for the layers' modules (resolving from dist/chunks/, where they were before)
globalThis[Symbol.for("jina-ts.resolve")] ??= (specifier) => import.meta.resolve(specifier);

/**
 * `require` for a layer file: another layer's file ("./core.cjs") straight from the loaded layer, anything else through
 * Node's. Node resolves a file it did not load itself (a layer, compiled here) afresh on every call, ~33 µs each; the
 * root's three layers make ~100 such calls.
 */
function layerRequire(file) {
  const required = createRequire(file);
  return Object.assign((id) => (/^\.\/[\w-]+\.cjs$/.test(id) ? layerNamed(id.slice(2)).load() : required(id)), required);
}

/** One CommonJS file of modules, loaded once per process (compiled from its code cache on Node). */
function layer(name) {
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  const state = { exports: undefined, script: undefined, cacheFile: undefined, cacheUsed: false, cacheFound: false };
  function load() {
    if (state.exports) return state.exports;
    if (!onNode || require.cache[file]) return (state.exports = require(file));
    // the file's `import()`s call this (a script compiled from a code cache has no dynamic import of its own)
    globalThis[Symbol.for("jina-ts.import")] = (specifier) => import(specifier);
    state.cacheFile = `${file}.${process.version}-${process.arch}.cache`;
    let cachedData;
    try {
      cachedData = readFileSync(state.cacheFile);
    } catch {
      // no cache yet
    }
    const script = new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, ...(cachedData ? { cachedData } : {}) });
    state.script = script;
    state.cacheFound = cachedData !== undefined;
    state.cacheUsed = state.cacheFound && !script.cachedDataRejected;
    const module = new Module(file, undefined);
    module.filename = file;
    module.paths = Module._nodeModulePaths(dirname(file));
    require.cache[file] = module;
    try {
      script.runInThisContext()(module.exports, layerRequire(file), module, file, dirname(file));
    } catch (error) {
      delete require.cache[file];
      throw error;
    }
    module.loaded = true;
    return (state.exports = module.exports);
  }
  /**
   * Writes the code cache when the file was compiled without one, or with a rejected one unless `onlyMissing`;
   * quietly does nothing where it cannot write.
   */
  function saveCache(onlyMissing) {
    if (!state.script || state.cacheUsed || (onlyMissing && state.cacheFound)) return;
    state.cacheUsed = true;
    const temp = `${state.cacheFile}.${process.pid}`;
    try {
      writeFileSync(temp, state.script.createCachedData());
      renameSync(temp, state.cacheFile); // whole or not at all: replicas starting together each write their own
    } catch {
      rmSync(temp, { force: true });
    }
  }
  return { load, saveCache };
}

const layers = new Map();
const layerNamed = (file) => layers.get(file) ?? layers.set(file, layer(file)).get(file);

/** The modules of dist/chunks/core.cjs, loaded once per process: `{ m0: namespace, m1: namespace, … }`. */
export function jinaCore() {
  return layerNamed("core.cjs").load();
}

/**
 * The modules of one layer file of dist/chunks/ (core.cjs, docarray.cjs, client.cjs, root.cjs, gateway.cjs), loaded
 * once per process after `deps`, the earlier layers it requires (each then compiled from its own code cache).
 */
export function jinaLayer(file, deps) {
  for (const dep of deps) layerNamed(dep).load();
  return layerNamed(file).load();
}

/**
 * Writes the code caches of the layers this process loaded without one; with `onlyMissing`, not those whose cache V8
 * rejected (made by another Node or with other V8 flags): a flow's process run with flags (`--max-old-space-size`)
 * would otherwise replace the caches its executor processes, run without them, made, and they then its own.
 */
export function saveCodeCaches({ onlyMissing = false } = {}) {
  for (const one of layers.values()) one.saveCache(onlyMissing);
}
// runtime/code-cache.ts calls it from the layers' modules (a flow's process, once it started)
globalThis[Symbol.for("jina-ts.saveCodeCaches")] = saveCodeCaches;
