#!/usr/bin/env node
// `npm run build`: the package build in dist/ — ESM JavaScript, .d.ts and source maps, module for module, by tsc
// (tsconfig.build.json, rewriteRelativeImportExtensions turns "./x.ts" into "./x.js").
//   1. package.json "exports" follow deno.json "exports" (the one list of public entries: add a line there), and
//      deno.json "imports" (the import map Deno and JSR use) follow package.json's (optional) dependencies;
//   2. dist/ is emitted afresh (into .dist-build-PID/, renamed to dist/ when complete); relative ".ts" specifiers in the .d.ts files become ".js" (tsc keeps them), and
//      declarations that use Disposable reference @types/node (a dependency);
//   3. the JavaScript is bundled (esbuild; see bundle() and scripts/core-bundle.mjs): what an executor process needs
//      becomes one CommonJS file, dist/chunks/core.cjs, and the rest of jina-ts/docarray, jina-ts/client, the
//      package root and the gateway four more (docarray.cjs, client.cjs, root.cjs, gateway.cjs), that Node compiles
//      from V8 code caches once they are saved; every other entry (package.json "exports", the bin) becomes one
//      file at its own path beside shared chunks in dist/chunks/ that take those modules from them (issue 8, fast
//      start);
//   4. dist/cli/main.js (the `jina-ts` bin) becomes executable.
// Usage: node scripts/build.mjs [--manifests-only]   (--manifests-only: step 1 alone, no dist/)
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleWithCore } from "./core-bundle.mjs";
import { embeddedDescriptors } from "./embedded-descriptors.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const dist = join(root, "dist");

/** deno.json's import map for package.json's dependencies: "x" → "npm:x@version", and "x/" for subpaths. */
export function denoImports(pkg) {
  const dependencies = { ...pkg.dependencies, ...pkg.optionalDependencies };
  return Object.fromEntries(
    Object.entries(dependencies)
      .filter(([name]) => !name.startsWith("@types/"))
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([name, version]) => [[name, `npm:${name}@${version}`], [`${name}/`, `npm:/${name}@${version}/`]]),
  );
}

/** package.json's export entry for one deno.json entry ("./client/mod.ts" → dist/client/mod.{js,d.ts}). */
export function packageExport(source) {
  const base = source.replace(/^\.\//, "./dist/").replace(/\.ts$/, "");
  return { types: `${base}.d.ts`, import: `${base}.js` };
}

function syncExports() {
  const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  const path = join(root, "package.json");
  const text = readFileSync(path, "utf8");
  const pkg = JSON.parse(text);
  const exports = Object.fromEntries(Object.entries(deno.exports).map(([key, source]) => [key, packageExport(source)]));
  exports["./package.json"] = "./package.json";
  if (JSON.stringify(exports) !== JSON.stringify(pkg.exports)) {
    pkg.exports = exports;
    writeFileSync(path, JSON.stringify(pkg, null, 2) + "\n");
    console.log("build: package.json exports updated from deno.json");
  }
  const imports = denoImports(pkg);
  if (JSON.stringify(imports) !== JSON.stringify(deno.imports)) {
    deno.imports = imports;
    writeFileSync(join(root, "deno.json"), JSON.stringify(deno, null, 2) + "\n");
    console.log("build: deno.json imports updated from package.json");
  }
}

/**
 * An esbuild plugin: Connect's node adapter takes node:zlib's functions from runtime/lazy-zlib.js, which loads
 * node:zlib on its first call (issue 8, fast start: 1–2 ms of CPU per process that compresses nothing).
 */
function lazyZlibForConnect(dist) {
  return {
    name: "lazy-zlib-for-connect",
    setup(b) {
      const lazyZlib = { path: join(dist, "runtime/lazy-zlib.js") };
      b.onResolve({ filter: /^(node:)?zlib$/ }, (args) => (args.importer.includes("/node_modules/@connectrpc/") ? lazyZlib : undefined));
    },
  };
}

function* files(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/**
 * Bundles dist/'s JavaScript (tsc's output, module for module) with esbuild: the modules of an executor process
 * (executor/main.js's and executor/mod.js's static graphs) become dist/chunks/core.cjs, the rest of
 * jina-ts/docarray's, jina-ts/client's, the package root's and the gateway's graphs dist/chunks/docarray.cjs,
 * client.cjs, root.cjs and gateway.cjs, all loaded by dist/chunks/core-loader.js with V8 code caches on Node (Node
 * 20 has none for ES modules; the cache cut an executor process's CPU to its ready line by 13–15%); every other
 * entry is written at its own path (dist/cli/main.js, dist/gateway/mod.js …) with what several share in chunks in
 * dist/chunks/, and takes the layers' modules from those files, so that a process has one copy of each module: the one `Executor` class a user's module
 * imports from `jina-ts/executor` or the root is the one executor/main.js serves (scripts/core-bundle.mjs;
 * tests/package/core-bundle.test.ts). The bundled code sits one folder below dist/, where the
 * `import.meta.url`-relative paths of the sources ("../executor/main.ts", "../playground/", dist/ as the library's
 * own root) still resolve. protobuf-es and Connect are bundled in (most of what an executor process imported: ~140
 * files; their classes work across copies: messages are plain objects, `ConnectError` has `Symbol.hasInstance`);
 * every other package stays an import.
 * The per-module .js files (and their maps) are removed; the .d.ts files stay module for module.
 */
async function bundle(dist, entries) {
  const { build } = await import("esbuild");
  const temp = `${dist}-bundle`;
  rmSync(temp, { recursive: true, force: true });
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const inlined = (name) => name === "@bufbuild/protobuf" || name.startsWith("@connectrpc/");
  const external = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((name) => !inlined(name)).flatMap((name) => [name, `${name}/*`]);
  const common = {
    absWorkingDir: dist, // the chunks' "// path" comments name dist/'s files (executor/main.js), not the build folder
    bundle: true,
    platform: "node",
    target: "es2022",
    external,
    // Not minified, so names stay as written but for the few functions renamed apart (`connect2`): keepNames wrapped
    // every function and class in a `__name()` call (Object.defineProperty), 1,176 in core.cjs, ~12 M of an executor
    // process's ~670 M instructions to its exit, and one more call per closure made on a request's path.
    keepNames: false,
    logLevel: "warning",
    // descriptors as object literals, not decoded at import; node:zlib loaded when used (issue 8, fast start)
    plugins: [embeddedDescriptors(root), lazyZlibForConnect(dist)],
  };
  const bundled = entries.filter((entry) => entry !== "executor/main"); // written over the core by bundleWithCore
  await bundleWithCore(build, {
    dist,
    outdir: temp,
    entries: Object.fromEntries(bundled.map((entry) => [entry, join(dist, `${entry}.js`)])),
    common,
    chunkOptions: { chunkNames: "chunks/[name]-[hash]" },
  });
  for (const file of files(dist)) if (/\.js(\.map)?$/.test(file)) rmSync(file);
  cpSync(temp, dist, { recursive: true });
  rmSync(temp, { recursive: true, force: true });
}

/** The entries to bundle, relative to dist/ without ".js": deno.json's exports, the bin, the executor process. */
function bundleEntries() {
  const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  const exported = Object.values(deno.exports).map((source) => source.replace(/^\.\//, "").replace(/\.ts$/, ""));
  return [...new Set([...exported, "cli/main", "executor/main"])];
}

syncExports();
if (!process.argv.includes("--manifests-only")) {
  // Built in a folder of its own, then swapped in: two builds at once (`npm pack` from two tests in parallel) never
  // write into one folder, and dist/ is never seen half-written.
  const out = join(root, `.dist-build-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  try {
    const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json"), "--outDir", out], { stdio: "inherit" });
    if (tsc.status !== 0) process.exit(tsc.status ?? 1);
    const relativeTs = /((?:from\s+|import\()\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g;
    let count = 0;
    for (const file of files(out)) {
      if (!file.endsWith(".d.ts")) continue;
      const text = readFileSync(file, "utf8");
      let rewritten = text.replace(relativeTs, "$1$2.js$3");
      // Disposable/AsyncDisposable and Symbol.(async)dispose come from @types/node (a dependency) for users whose lib
      // lacks esnext.disposable.
      if (/\b(?:Async)?Disposable\b|Symbol\.(?:async)?[dD]ispose/.test(rewritten) && !rewritten.startsWith("/// <reference types=\"node\"")) {
        rewritten = `/// <reference types="node" />\n${rewritten}`;
      }
      if (rewritten !== text) writeFileSync(file, rewritten);
      count++;
    }
    await bundle(out, bundleEntries());
    chmodSync(join(out, "cli/main.js"), 0o755);
    cpSync(join(root, "playground"), join(out, "playground"), { recursive: true }); // gateway/playground.ts reads ../playground/
    const previous = `${out}-previous`;
    if (existsSync(dist)) renameSync(dist, previous);
    renameSync(out, dist);
    rmSync(previous, { recursive: true, force: true });
    console.log(`build: dist/ written (${count} declaration files)`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
