// Build step of scripts/build.mjs (issue 8, fast start): two layers of modules as CommonJS files that Node 20 can
// compile from a V8 code cache (dist/chunks/core-loader.js loads them) — dist/chunks/core.cjs, the modules of an
// executor process, and dist/chunks/root.cjs, the rest of the package root's — and every other file of dist/ taking
// those modules from them, so that each module exists once in a process whichever entry imported it.
//   1. the layers' modules: the static import graph of executor/main.js and executor/mod.js (tsc's output, with
//      protobuf-es and Connect, which are bundled in) for the core, that of mod.js less the core for the root layer,
//      read from esbuild metafiles;
//   2. core.cjs: one esbuild CommonJS bundle exporting each of its modules' namespaces as m0, m1, …; a dynamic
//      import() of a module outside the layers loads the ES module file step 4 writes for it (chunks/lazy-<path>.js);
//      every `import(` goes through a hook, since a script compiled from a code cache has none;
//   3. root.cjs: the same for the root layer, requiring the core's modules from core.cjs. An executor whose module
//      imports the package root then loads one file more than one importing jina-ts/executor, compiled from its
//      cache, instead of the two dozen ES module chunks that splitting made of the root's graph (CPU to import them
//      after the core, medians of 9 alternating processes: 25 ms as chunks, 10.5 ms as one ES module, 5.1 ms as one
//      CommonJS file from its code cache);
//   4. the other entries (package.json "exports", the bin, the lazy modules) bundled as ES modules with splitting as
//      before, except that importing a module of a layer gives a small module that exports its names from the layer;
//   5. mod.js, executor/mod.js the same over their layer, executor/main.js the loader that runs the executor and then
//      saves the code caches.
// An exported binding that changes after import (`export let x`) would be copied once by steps 3 to 5: the build
// fails if a module outside a layer imports a module of that layer that has one.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

const hook = 'globalThis[Symbol.for("jina-ts.import")]';
const dynamicImport = /(^|[^\w$.])import\(/g;

/** The metafile of an esbuild run over `entryPoints` (paths relative to dist/) that writes nothing. */
async function probe(build, common, dist, entryPoints) {
  const options = { ...common, entryPoints: entryPoints.map((path) => join(dist, path)), outdir: join(dist, ".probe"), splitting: true, format: "esm" };
  return (await build({ ...options, write: false, metafile: true })).metafile;
}

/**
 * The modules (paths relative to dist/) that the static imports of `roots` reach, less `excluded`, and the modules
 * outside both that they import dynamically.
 */
async function staticGraph(build, common, dist, roots, excluded = new Set()) {
  const metafile = await probe(build, common, dist, roots);
  const outputs = metafile.outputs;
  const pending = Object.keys(outputs).filter((output) => roots.includes(outputs[output].entryPoint));
  const reached = new Set(pending);
  while (pending.length) {
    for (const { path, kind, external } of outputs[pending.pop()].imports) {
      if (kind === "import-statement" && !external && !reached.has(path)) reached.add(path), pending.push(path);
    }
  }
  const modules = new Set();
  for (const output of reached) {
    for (const input of Object.keys(outputs[output].inputs)) if (!input.includes(":") && !excluded.has(input)) modules.add(input);
  }
  const lazy = new Set();
  for (const input of modules) {
    for (const { path, kind, external } of metafile.inputs[input].imports) {
      if (kind === "dynamic-import" && !external && !path.includes(":") && !modules.has(path) && !excluded.has(path)) lazy.add(path);
    }
  }
  return { modules: [...modules], lazy: [...lazy] };
}

/** The names each module exports (paths relative to dist/), read from an esbuild metafile. */
async function exportedNames(build, common, dist, modules) {
  const metafile = await probe(build, common, dist, modules);
  const byEntry = new Map(Object.values(metafile.outputs).filter((output) => output.entryPoint).map((output) => [output.entryPoint, output.exports]));
  return modules.map((path) => [...byEntry.get(path)].sort());
}

/** The entry name of a lazily imported module outside the layers ("config/executor-config.js" → "chunks/lazy-config-executor-config"). */
export function lazyEntryName(path) {
  return `chunks/lazy-${path.replace(/\.js$/, "").replace(/^\.\.\//, "").replace(/[^\w-]+/g, "-")}`;
}

/**
 * One layer: its modules (paths relative to dist/), their exported names, and how a module outside it imports
 * module `index` (`from`: the specifier of chunks/<file> relative to a file one folder below dist/).
 */
function layer(modules, names, namespaceOf) {
  return { modules, names, index: new Map(modules.map((path, i) => [path, i])), namespaceOf };
}

const coreLayer = (modules, names) => layer(modules, names, (i, from) => [`import { jinaCore } from ${JSON.stringify(from("core-loader.js"))};`, `const __m = jinaCore().m${i};`]);
const rootLayer = (modules, names) => layer(modules, names, (i, from) => [`import { jinaRoot } from ${JSON.stringify(from("core-loader.js"))};`, `const __m = jinaRoot().m${i};`]);
const fromChunks = (file) => `../chunks/${file}`;

/** An ES module that exports the names of module `index` of `layer` (a copy of each binding, taken once). */
function facadeSource(layer, index, from = fromChunks) {
  const names = layer.names[index];
  const local = names.map((_, i) => `__v${i}`);
  return [
    ...layer.namespaceOf(index, from),
    names.length ? `const ${names.map((name, i) => `${local[i]} = __m[${JSON.stringify(name)}]`).join(", ")};` : "",
    names.length ? `export { ${names.map((name, i) => `${local[i]} as ${JSON.stringify(name)}`).join(", ")} };` : "",
  ].join("\n") + "\n";
}

/** Modules of `layers` that export a binding which may change after import (`export let`). */
function mutableModules(dist, layers) {
  const paths = layers.flatMap((layer) => layer.modules).filter((path) => !path.startsWith("../"));
  return new Set(paths.filter((path) => /^export let /m.test(readFileSync(join(dist, path), "utf8"))));
}

/** An esbuild plugin: importing a module of one of `layers` gives its facade (facadeSource); the facades' own imports stay as written. */
function layerFacades(dist, layers, mutable) {
  return {
    name: "layer-facades",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === "jina-layer") return { path: args.path, external: true };
        if (args.pluginData?.layerFacades || args.kind === "entry-point" || args.namespace !== "file") return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { layerFacades: true } });
        if (resolved.errors.length || resolved.external || resolved.namespace !== "file") return undefined;
        const path = relative(dist, resolved.path);
        const at = layers.findIndex((layer) => layer.index.has(path));
        if (at < 0) return undefined;
        if (mutable.has(path)) throw new Error(`layer bundle: ${relative(dist, args.importer)} imports ${path}, whose exports may change after import`);
        return { path, namespace: "jina-layer", pluginData: { at } };
      });
      b.onLoad({ filter: /.*/, namespace: "jina-layer" }, (args) => {
        const layer = layers[args.pluginData.at];
        return { contents: facadeSource(layer, layer.index.get(args.path)), loader: "js", resolveDir: dist };
      });
    },
  };
}

/** An esbuild plugin: a dynamic import() of one of the `lazy` modules (absolute path → its file in chunks/) loads that file. */
function lazyImports(lazy) {
  return {
    name: "lazy-imports",
    setup(b) {
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.kind !== "dynamic-import" || args.pluginData?.lazyImports) return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { lazyImports: true } });
        const target = lazy.get(resolved.path);
        return target ? { path: target, external: true } : undefined;
      });
    },
  };
}

/** An esbuild input that evaluates `first` and then exports each of `modules`' namespaces as m0, m1, … */
function layerInput(dist, first, modules, sourcefile) {
  return {
    contents: [
      ...first.map((path) => `import ${JSON.stringify(join(dist, path))};`),
      ...modules.map((path, i) => `export * as m${i} from ${JSON.stringify(join(dist, path))};`),
    ].join("\n"),
    resolveDir: dist,
    sourcefile,
  };
}

/**
 * Bundles `options.stdin` (a layerInput) as one CommonJS file at `outfile` that core-loader.js can compile from a
 * code cache: `import.meta` and every `import(` go through hooks (a script compiled from a code cache has no dynamic
 * import of its own).
 */
async function commonJsLayer(build, common, outfile, options) {
  const result = await build({
    ...common,
    ...options,
    outfile,
    format: "cjs",
    metafile: true,
    sourcemap: "linked",
    define: { "import.meta.url": "__jinaCoreUrl", "import.meta.resolve": "__jinaResolve" },
    banner: {
      js: [
        `var __jinaCoreUrl = require("node:url").pathToFileURL(__filename).href;`,
        `var __jinaImport = (specifier) => (${hook} ?? ((s) => import /* as CommonJS */ (s)))(specifier);`,
        `var __jinaResolve = (specifier) => globalThis[Symbol.for("jina-ts.resolve")](specifier);`,
      ].join("\n"),
    },
  });
  const dynamicCount = Object.values(result.metafile.outputs).flatMap((output) => output.imports).filter((record) => record.kind === "dynamic-import").length;
  const text = readFileSync(outfile, "utf8");
  let replaced = 0;
  writeFileSync(outfile, text.replace(dynamicImport, (_, before) => (replaced++, `${before}__jinaImport(`)));
  // every dynamic import esbuild saw (calls with a computed specifier come on top)
  if (replaced < dynamicCount) throw new Error(`layer bundle ${outfile}: ${replaced} import( found for ${dynamicCount} dynamic imports`);
}

/**
 * Writes core.cjs, core-loader.js, root.cjs, mod.js, executor/main.js and executor/mod.js into `outdir`, then bundles
 * `entries` (name → file) with splitting; `common` holds the options all bundles share (absWorkingDir = dist,
 * externals, plugins).
 */
export async function bundleWithCore(build, { dist, outdir, entries, common, chunkOptions }) {
  // 1. the layers
  const coreGraph = await staticGraph(build, common, dist, ["executor/main.js", "executor/mod.js"]);
  const coreModules = coreGraph.modules.filter((path) => path !== "executor/main.js"); // its top-level await runs the executor: the loader does that (step 5)
  const rootGraph = await staticGraph(build, common, dist, ["mod.js"], new Set(coreGraph.modules));
  const root = rootLayer(rootGraph.modules, await exportedNames(build, common, dist, rootGraph.modules));
  const lazy = [...new Set([...coreGraph.lazy, ...rootGraph.lazy])].filter((path) => !root.index.has(path));
  const lazyOfRoot = coreGraph.lazy.filter((path) => root.index.has(path)); // the core imports them dynamically: their files are facades (step 5)
  const lazyEntries = Object.fromEntries(lazy.map((path) => [lazyEntryName(path), join(dist, path)]));
  const inChunks = (paths) => new Map(paths.map((path) => [join(dist, path), `./${lazyEntryName(path).slice("chunks/".length)}.js`]));

  // 2. core.cjs
  const corePath = join(outdir, "chunks/core.cjs");
  await commonJsLayer(build, common, corePath, {
    // evaluated in the order an executor process evaluates them (executor/main.js, then executor/mod.js), so that
    // the import cycles inside protobuf-es start where they start there
    stdin: layerInput(dist, ["runtime/process.js", "executor/run-executor.js", "executor/mod.js"], coreModules, "core.js"),
    plugins: [...common.plugins, lazyImports(inChunks([...lazy, ...lazyOfRoot]))],
  });
  const coreExports = createRequire(import.meta.url)(corePath);
  const core = coreLayer(coreModules, coreModules.map((_, i) => Object.keys(coreExports[`m${i}`]).sort()));
  const layers = [core, root];
  const mutable = mutableModules(dist, layers);
  writeFileSync(join(outdir, "chunks/core-loader.js"), readFileSync(new URL("./core-loader.mjs", import.meta.url), "utf8"));

  // 3. root.cjs, taking the core's modules from core.cjs
  const coreRequired = { ...core, namespaceOf: (i) => [`const __m = require("./core.cjs").m${i};`] };
  const rootPath = join(outdir, "chunks/root.cjs");
  await commonJsLayer(build, common, rootPath, {
    stdin: layerInput(dist, ["mod.js"], root.modules, "root.js"),
    plugins: [layerFacades(dist, [coreRequired], mutable), lazyImports(inChunks(lazy)), ...common.plugins],
  });
  // the facades export the names the metafile listed: the file must export exactly those
  const rootExports = createRequire(import.meta.url)(rootPath);
  const unlisted = root.modules.filter((path, i) => Object.keys(rootExports[`m${i}`]).sort().join() !== root.names[i].join());
  if (unlisted.length) throw new Error(`layer bundle: root.cjs exports other names than esbuild listed for ${unlisted.join(", ")}`);

  // 4. every other entry
  await build({
    ...common,
    ...chunkOptions,
    entryPoints: { ...entries, ...lazyEntries },
    outdir,
    splitting: true,
    format: "esm",
    sourcemap: "linked",
    plugins: [layerFacades(dist, layers, mutable), ...common.plugins],
  });

  // 5. the entries over the layers
  const facadeAt = (file, layer, path, from) => writeFileSync(join(outdir, file), facadeSource(layer, layer.index.get(path), from));
  mkdirSync(join(outdir, "executor"), { recursive: true });
  facadeAt("executor/mod.js", core, "executor/mod.js");
  facadeAt("mod.js", root, "mod.js", (file) => `./chunks/${file}`);
  for (const path of lazyOfRoot) facadeAt(`${lazyEntryName(path)}.js`, root, path, (file) => `./${file}`);
  const at = (path) => core.index.get(path);
  writeFileSync(
    join(outdir, "executor/main.js"),
    [
      "// The process the Flow spawns for each replica (executor/main.ts): its modules come from dist/chunks/core.cjs,",
      "// compiled from the code cache once one was saved (dist/chunks/core-loader.js).",
      'import { jinaCore, saveCodeCaches } from "../chunks/core-loader.js";',
      "const core = jinaCore();",
      `await core.m${at("executor/run-executor.js")}.runExecutor(core.m${at("runtime/process.js")}.commandArgs());`,
      "saveCodeCaches();",
      "",
    ].join("\n"),
  );
}
