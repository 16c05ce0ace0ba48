// Build step of scripts/build.mjs (issue 8, fast start): layers of modules as CommonJS files that Node 20 can compile
// from V8 code caches (dist/chunks/core-loader.js loads them), and every other file of dist/ taking those modules
// from them, so that each module exists once in a process whichever entry imported it. The layers, in load order:
// core.cjs (the modules of an executor process), docarray.cjs, client.cjs and root.cjs (the rest of jina-ts/docarray's,
// jina-ts/client's and the package root's modules), and gateway.cjs (the rest of the gateway's, which a Flow imports
// when it starts: as ES module chunks, compiling and linking them cost a flow's process ~35 ms of CPU more while its
// replicas start, medians of 9 alternating flows of 10 executors). An executor whose module imports the package root
// loads four cached files instead of one cached file and the two dozen ES module chunks that splitting made of the
// root's graph (CPU to import the root after the core, medians of 9 alternating processes: 25 ms as chunks, 10.5 ms
// as one ES module, 5.1 ms as one CommonJS file from its cache); one layer per entry keeps `jina-ts/client` and
// `jina-ts/docarray` from evaluating the Flow's modules.
//   1. each layer's modules: the static import graph of its entries (tsc's output, with protobuf-es and Connect,
//      which are bundled in) less every earlier layer's modules, read from esbuild metafiles;
//   2. core.cjs: one esbuild CommonJS bundle exporting each of its modules' namespaces as m0, m1, …; a dynamic
//      import() of a module outside it loads the ES module file step 4 or 5 writes for it (chunks/lazy-<path>.js);
//      every `import(` goes through a hook, since a script compiled from a code cache has none;
//   3. the later layers the same, each requiring the earlier layers' files for their modules;
//   4. the other entries (package.json "exports", the bin, the lazy modules) bundled as ES modules with splitting,
//      except that importing a module of a layer gives a small module that exports its names from the layer;
//   5. the entries and lazy modules that are modules of a layer (mod.js, executor/mod.js, client/mod.js …) written as
//      such small modules, and executor/main.js, the loader that runs the executor and then saves the code caches.
// An exported binding that changes after import (`export let x`) would be copied once by steps 3 to 5: the build
// fails if a module outside a layer imports a module of that layer that has one.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

const hook = 'globalThis[Symbol.for("jina-ts.import")]';
const dynamicImport = /(^|[^\w$.])import\(/g;

/**
 * The modules (paths relative to dist/) that the static imports of `roots` reach, less `excluded`, and the modules
 * outside both that they import dynamically.
 */
async function staticGraph(build, common, dist, roots, excluded = new Set()) {
  const probe = { ...common, entryPoints: roots.map((path) => join(dist, path)), outdir: join(dist, ".probe"), splitting: true, format: "esm" };
  const { metafile } = await build({ ...probe, write: false, metafile: true });
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

/** The entry name of a lazily imported module outside the layers ("config/executor-config.js" → "chunks/lazy-config-executor-config"). */
export function lazyEntryName(path) {
  return `chunks/lazy-${path.replace(/\.js$/, "").replace(/^\.\.\//, "").replace(/[^\w-]+/g, "-")}`;
}

/**
 * The layers in load order: each holds its entries' static graph less every earlier layer's modules, and evaluates
 * `first` first. The core is evaluated in the order an executor process evaluates it (executor/main.js, then
 * executor/mod.js), so that the import cycles inside protobuf-es start where they start there.
 */
const layerSpecs = [
  { file: "core.cjs", entries: ["executor/main.js", "executor/mod.js"], first: ["runtime/process.js", "executor/run-executor.js", "executor/mod.js"] },
  { file: "docarray.cjs", entries: ["docarray/mod.js"], first: ["docarray/mod.js"] },
  { file: "client.cjs", entries: ["client/mod.js"], first: ["client/mod.js"] },
  { file: "root.cjs", entries: ["mod.js"], first: ["mod.js"] },
  { file: "gateway.cjs", entries: ["gateway/gateway.js"], first: ["gateway/gateway.js"] },
];

/**
 * An ES module that exports the names of module `index` of `layer` (a copy of each binding, taken once), from outside
 * the layers: `chunks` is the specifier of dist/chunks/ where the module is written.
 */
function facadeSource(layer, index, chunks = "../chunks/") {
  return namesOf(layer, index, [
    `import { jinaLayer } from ${JSON.stringify(`${chunks}core-loader.js`)};`,
    `const __m = jinaLayer(${JSON.stringify(layer.file)}, ${JSON.stringify(layer.deps)}).m${index};`,
  ]);
}

/** The same inside a later layer's CommonJS file: it requires the earlier layer's file (core-loader.js loaded it first). */
function requiredSource(layer, index) {
  return namesOf(layer, index, [`const __m = require(${JSON.stringify(`./${layer.file}`)}).m${index};`]);
}

/** `namespace` (lines that set `__m`), then one export per name of module `index` of `layer`. */
function namesOf(layer, index, namespace) {
  const names = layer.names[index];
  const local = names.map((_, i) => `__v${i}`);
  return [
    ...namespace,
    names.length ? `const ${names.map((name, i) => `${local[i]} = __m[${JSON.stringify(name)}]`).join(", ")};` : "",
    names.length ? `export { ${names.map((name, i) => `${local[i]} as ${JSON.stringify(name)}`).join(", ")} };` : "",
  ].join("\n") + "\n";
}

/** Modules of `layers` that export a binding which may change after import (`export let`). */
function mutableModules(dist, layers) {
  const paths = layers.flatMap((layer) => layer.modules).filter((path) => !path.startsWith("../"));
  return new Set(paths.filter((path) => /^export let /m.test(readFileSync(join(dist, path), "utf8"))));
}

/**
 * An esbuild plugin: importing a module of one of `layers` gives the module `sourceOf(layer, index)` writes in its
 * place (a facade); the facades' own imports stay as written. Adds each layer it used to `used`.
 */
function layerFacades(dist, layers, mutable, sourceOf, used = new Set()) {
  return {
    name: "layer-facades",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === "jina-layer") return { path: args.path, external: true };
        if (args.pluginData?.layerFacades || args.kind === "entry-point" || args.namespace !== "file") return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { layerFacades: true } });
        if (resolved.errors.length || resolved.external || resolved.namespace !== "file") return undefined;
        const path = relative(dist, resolved.path);
        const layer = layers.find((one) => one.index.has(path));
        if (!layer) return undefined;
        if (mutable.has(path)) throw new Error(`layer bundle: ${relative(dist, args.importer)} imports ${path}, whose exports may change after import`);
        used.add(layer);
        return { path, namespace: "jina-layer", pluginData: { layer } };
      });
      b.onLoad({ filter: /.*/, namespace: "jina-layer" }, ({ path, pluginData: { layer } }) => ({
        contents: sourceOf(layer, layer.index.get(path)),
        loader: "js",
        resolveDir: dist,
      }));
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
 * `text` with every non-ASCII character escaped (`\u2026`), which must all be in comments (esbuild escapes the ones in
 * strings and regular expressions): V8 then holds the file as a one-byte string. One "…" in a doc comment made
 * core.cjs a two-byte string, and decoding it and finding its line ends cost an executor process ~20 M of its ~680 M
 * instructions to its exit (callgrind).
 */
function asciiComments(outfile, text) {
  return text.replace(/^.*[^\x00-\x7f].*$/gm, (line) => {
    if (!/^\s*(\/\/|\/\*|\*)/.test(line)) throw new Error(`layer bundle ${outfile}: a non-ASCII character outside a comment:\n${line}`);
    return line.replace(/[^\x00-\x7f]/gu, (char) => `\\u${char.codePointAt(0).toString(16).padStart(4, "0")}`);
  });
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
  writeFileSync(outfile, asciiComments(outfile, text.replace(dynamicImport, (_, before) => (replaced++, `${before}__jinaImport(`))));
  // every dynamic import esbuild saw (calls with a computed specifier come on top)
  if (replaced < dynamicCount) throw new Error(`layer bundle ${outfile}: ${replaced} import( found for ${dynamicCount} dynamic imports`);
}

/**
 * Writes the layers' files (core.cjs, docarray.cjs, …), core-loader.js, the facades of the entries whose module is in
 * a layer and executor/main.js into `outdir`, then bundles the other `entries` (name → file) with splitting; `common`
 * holds the options all bundles share (absWorkingDir = dist, externals, plugins).
 */
export async function bundleWithCore(build, { dist, outdir, entries, common, chunkOptions }) {
  // 1. the layers' modules
  const layers = [];
  const taken = new Set();
  for (const spec of layerSpecs) {
    const graph = await staticGraph(build, common, dist, spec.entries, taken);
    for (const path of graph.modules) taken.add(path);
    // executor/main.js's top-level await runs the executor: the loader does that (step 5)
    const modules = graph.modules.filter((path) => path !== "executor/main.js");
    layers.push({ file: spec.file, first: spec.first, modules, lazy: graph.lazy, index: new Map(modules.map((path, i) => [path, i])), names: [], deps: [] });
  }
  const layerOf = (path) => layers.find((layer) => layer.index.has(path));
  const lazyTargets = [...new Set(layers.flatMap((layer) => layer.lazy))];
  const lazy = lazyTargets.filter((path) => !layerOf(path)); // bundled as entries of their own (step 4)
  const lazyInLayers = lazyTargets.filter((path) => layerOf(path)); // their files are facades (step 5)
  const inChunks = (paths) => new Map(paths.map((path) => [join(dist, path), `./${lazyEntryName(path).slice("chunks/".length)}.js`]));
  const mutable = mutableModules(dist, layers);
  const require = createRequire(import.meta.url);

  // 2. and 3. the layers' files, each requiring the earlier ones it uses
  mkdirSync(join(outdir, "chunks"), { recursive: true });
  writeFileSync(join(outdir, "chunks/core-loader.js"), readFileSync(new URL("./core-loader.mjs", import.meta.url), "utf8"));
  for (const [at, layer] of layers.entries()) {
    const earlier = layers.slice(0, at);
    const used = new Set();
    const later = lazyTargets.filter((path) => !earlier.some((one) => one.index.has(path)) && !layer.index.has(path));
    const path = join(outdir, "chunks", layer.file);
    await commonJsLayer(build, common, path, {
      stdin: layerInput(dist, layer.first, layer.modules, layer.file),
      plugins: at === 0
        ? [...common.plugins, lazyImports(inChunks(later))]
        : [layerFacades(dist, earlier, mutable, requiredSource, used), lazyImports(inChunks(later)), ...common.plugins],
    });
    const needed = new Set([...used].flatMap((dep) => [dep.file, ...dep.deps])); // what it requires, and what those require
    layer.deps = earlier.map((one) => one.file).filter((file) => needed.has(file));
    const exported = require(path); // its earlier layers are in require's cache already
    layer.names = layer.modules.map((_, i) => Object.keys(exported[`m${i}`]).sort());
  }

  // 4. every other entry
  const inLayer = Object.entries(entries).filter(([, file]) => layerOf(relative(dist, file)));
  const bundled = Object.fromEntries(Object.entries(entries).filter(([, file]) => !layerOf(relative(dist, file))));
  await build({
    ...common,
    ...chunkOptions,
    entryPoints: { ...bundled, ...Object.fromEntries(lazy.map((path) => [lazyEntryName(path), join(dist, path)])) },
    outdir,
    splitting: true,
    format: "esm",
    sourcemap: "linked",
    plugins: [layerFacades(dist, layers, mutable, (layer, index) => facadeSource(layer, index)), ...common.plugins],
  });

  // 5. the entries and lazy modules that are modules of a layer, as facades; executor/main.js
  const facadeAt = (name, path) => {
    mkdirSync(dirname(join(outdir, name)), { recursive: true });
    const up = name.split("/").length - 1;
    const chunks = name.startsWith("chunks/") ? "./" : up ? `${"../".repeat(up)}chunks/` : "./chunks/";
    const layer = layerOf(path);
    writeFileSync(join(outdir, `${name}.js`), facadeSource(layer, layer.index.get(path), chunks));
  };
  for (const [name, file] of inLayer) facadeAt(name, relative(dist, file));
  for (const path of lazyInLayers) facadeAt(lazyEntryName(path), path);
  const core = layers[0];
  const at = (path) => core.index.get(path);
  mkdirSync(join(outdir, "executor"), { recursive: true });
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
