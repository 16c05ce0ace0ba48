// Build step of scripts/build.mjs (issue 8, fast start): dist/chunks/core.cjs, the modules of an executor process as
// one CommonJS file that Node 20 can compile from a V8 code cache (dist/chunks/core-loader.js), and every other file
// of dist/ taking those modules from it, so that each module exists once in a process whichever entry imported it.
//   1. the core's modules: the static import graph of executor/main.js and executor/mod.js (tsc's output, with
//      protobuf-es and Connect, which are bundled in), read from an esbuild metafile;
//   2. core.cjs: one esbuild CommonJS bundle exporting each of those modules' namespaces as m0, m1, …; a dynamic
//      import() of a module outside the core loads the ES module file the last step writes for it
//      (chunks/lazy-<path>.js); every `import(` goes through a hook, since a script compiled from a code cache has none;
//   3. the other entries (package.json "exports", the bin, those lazy modules) bundled as ES modules with splitting as
//      before, except that importing a core module gives a small module that exports its names from `jinaCore()`;
//   4. executor/mod.js the same over the core, executor/main.js the loader that runs the executor and then saves
//      the code cache.
// An exported binding that changes after import (`export let x`) would be copied once by step 3: the build fails if
// a module outside the core imports a core module that has one.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

const hook = 'globalThis[Symbol.for("jina-ts.import")]';
const dynamicImport = /(^|[^\w$.])import\(/g;

/** The core's modules (paths relative to dist/) and the modules outside it that they import dynamically. */
async function coreModules(build, common, dist) {
  const { metafile } = await build({
    ...common,
    entryPoints: [join(dist, "executor/main.js"), join(dist, "executor/mod.js")],
    outdir: join(dist, ".core-probe"),
    splitting: true,
    format: "esm",
    write: false,
    metafile: true,
  });
  const outputs = metafile.outputs;
  const roots = new Set([join(dist, "executor/main.js"), join(dist, "executor/mod.js")].map((file) => relative(dist, file)));
  const pending = Object.keys(outputs).filter((output) => roots.has(outputs[output].entryPoint));
  const reached = new Set(pending);
  while (pending.length) {
    for (const { path, kind, external } of outputs[pending.pop()].imports) {
      if (kind === "import-statement" && !external && !reached.has(path)) reached.add(path), pending.push(path);
    }
  }
  const modules = new Set();
  for (const output of reached) for (const input of Object.keys(outputs[output].inputs)) if (!input.includes(":")) modules.add(input);
  modules.delete("executor/main.js"); // its top-level await runs the executor: the loader does that (step 4)
  const lazy = new Set();
  for (const input of modules) {
    for (const { path, kind, external } of metafile.inputs[input].imports) {
      if (kind === "dynamic-import" && !external && !path.includes(":") && !modules.has(path)) lazy.add(path);
    }
  }
  return { modules: [...modules], lazy: [...lazy] };
}

/** The entry name of a lazily imported module outside the core ("config/executor-config.js" → "chunks/lazy-config-executor-config"). */
export function lazyEntryName(path) {
  return `chunks/lazy-${path.replace(/\.js$/, "").replace(/^\.\.\//, "").replace(/[^\w-]+/g, "-")}`;
}

/** An ES module that exports the names of the core's module `index` (a copy of each binding, taken once). */
function facadeSource(index, names, from) {
  const local = names.map((_, i) => `__v${i}`);
  return [
    `import { jinaCore } from ${JSON.stringify(from)};`,
    `const __m = jinaCore().m${index};`,
    names.length ? `const ${names.map((name, i) => `${local[i]} = __m[${JSON.stringify(name)}]`).join(", ")};` : "",
    names.length ? `export { ${names.map((name, i) => `${local[i]} as ${JSON.stringify(name)}`).join(", ")} };` : "",
  ].join("\n") + "\n";
}

/**
 * Writes core.cjs, core-loader.js, executor/main.js and executor/mod.js into `outdir`, then bundles `entries` (name →
 * file) with splitting; `common` holds the options both bundles share (absWorkingDir = dist, externals, plugins).
 */
export async function bundleWithCore(build, { dist, outdir, entries, common, chunkOptions }) {
  const { modules, lazy } = await coreModules(build, common, dist);
  const index = new Map(modules.map((path, i) => [path, i]));
  const lazyEntries = Object.fromEntries(lazy.map((path) => [lazyEntryName(path), join(dist, path)]));
  const inLazy = new Map(lazy.map((path) => [join(dist, path), `./${lazyEntryName(path).slice("chunks/".length)}.js`]));

  // 2. core.cjs
  const corePath = join(outdir, "chunks/core.cjs");
  const result = await build({
    ...common,
    // evaluated in the order an executor process evaluates them (executor/main.js, then executor/mod.js), so that
    // the import cycles inside protobuf-es start where they start there
    stdin: {
      contents: [
        ...["runtime/process.js", "executor/run-executor.js", "executor/mod.js"].map((path) => `import ${JSON.stringify(join(dist, path))};`),
        ...modules.map((path, i) => `export * as m${i} from ${JSON.stringify(join(dist, path))};`),
      ].join("\n"),
      resolveDir: dist,
      sourcefile: "core.js",
    },
    outfile: corePath,
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
    plugins: [
      ...common.plugins,
      {
        name: "core-lazy",
        setup(b) {
          b.onResolve({ filter: /^\./ }, async (args) => {
            if (args.kind !== "dynamic-import" || args.pluginData?.coreLazy) return undefined;
            const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { coreLazy: true } });
            const target = inLazy.get(resolved.path);
            return target ? { path: target, external: true } : undefined;
          });
        },
      },
    ],
  });
  const dynamicCount = Object.values(result.metafile.outputs).flatMap((output) => output.imports).filter((record) => record.kind === "dynamic-import").length;
  const text = readFileSync(corePath, "utf8");
  let replaced = 0;
  writeFileSync(corePath, text.replace(dynamicImport, (_, before) => (replaced++, `${before}__jinaImport(`)));
  // every dynamic import esbuild saw (calls with a computed specifier come on top)
  if (replaced < dynamicCount) throw new Error(`core bundle: ${replaced} import( found for ${dynamicCount} dynamic imports`);

  // 3. every other entry, with the core's modules taken from it
  const core = createRequire(import.meta.url)(corePath);
  const names = modules.map((_, i) => Object.keys(core[`m${i}`]).sort());
  const mutable = new Set(modules.filter((path) => !path.startsWith("../") && /^export let /m.test(readFileSync(join(dist, path), "utf8"))));
  writeFileSync(join(outdir, "chunks/core-loader.js"), readFileSync(new URL("./core-loader.mjs", import.meta.url), "utf8"));
  await build({
    ...common,
    ...chunkOptions,
    entryPoints: { ...entries, ...lazyEntries },
    outdir,
    splitting: true,
    format: "esm",
    sourcemap: "linked",
    plugins: [
      {
        name: "core-modules",
        setup(b) {
          b.onResolve({ filter: /.*/ }, async (args) => {
            if (args.pluginData?.coreModules || args.kind === "entry-point" || args.namespace !== "file") return undefined;
            const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { coreModules: true } });
            if (resolved.errors.length || resolved.external || resolved.namespace !== "file") return undefined;
            const path = relative(dist, resolved.path);
            if (!index.has(path)) return undefined;
            if (mutable.has(path)) {
              throw new Error(`core bundle: ${relative(dist, args.importer)} imports ${path}, whose exports may change after import`);
            }
            return { path, namespace: "jina-core" };
          });
          b.onLoad({ filter: /.*/, namespace: "jina-core" }, (args) => ({
            contents: facadeSource(index.get(args.path), names[index.get(args.path)], "../chunks/core-loader.js"),
            loader: "js",
            resolveDir: dist,
          }));
          b.onResolve({ filter: /core-loader\.js$/ }, (args) => (args.importer.startsWith("jina-core") || args.namespace === "jina-core" ? { path: "../chunks/core-loader.js", external: true } : undefined));
        },
      },
      ...common.plugins,
    ],
  });

  // 4. the executor's two entries over the core
  const at = (path) => index.get(path);
  mkdirSync(join(outdir, "executor"), { recursive: true });
  writeFileSync(join(outdir, "executor/mod.js"), facadeSource(at("executor/mod.js"), names[at("executor/mod.js")], "../chunks/core-loader.js"));
  writeFileSync(
    join(outdir, "executor/main.js"),
    [
      "// The process the Flow spawns for each replica (executor/main.ts): its modules come from dist/chunks/core.cjs,",
      "// compiled from the code cache once one was saved (dist/chunks/core-loader.js).",
      'import { jinaCore, saveCoreCache } from "../chunks/core-loader.js";',
      "const core = jinaCore();",
      `await core.m${at("executor/run-executor.js")}.runExecutor(core.m${at("runtime/process.js")}.commandArgs());`,
      "saveCoreCache();",
      "",
    ].join("\n"),
  );
}
