import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { skipOn } from "../_setup.ts";

// Fast start (issue 8): dist/chunks/core.cjs holds the modules of an executor process; docarray.cjs, client.cjs,
// root.cjs and gateway.cjs the rest of jina-ts/docarray's, jina-ts/client's, the package root's and the gateway's:
// CommonJS files that Node compiles from V8 code caches (scripts/core-bundle.mjs, scripts/core-loader.mjs); every
// other file of dist/ takes those modules from them. Whichever entry a module imports, a process must get ONE copy of each class and registry: the
// package root, jina-ts/executor, jina-ts/docarray, jina-ts/client and jina-ts/proto give the same objects, and an
// executor process serves a module that imports the root and one that imports jina-ts/executor, with or without the
// caches.

const root = fileURLToPath(new URL("../../", import.meta.url));
if (!existsSync(join(root, "dist/chunks/core.cjs"))) {
  const built = spawnSync("node", [join(root, "scripts/build.mjs")], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
}
// A copy of dist/ (the package smoke test's `npm pack` may rebuild dist/ meanwhile), beside the repository's packages.
const work = mkdtempSync(join(tmpdir(), "jina-ts-core-"));
cpSync(join(root, "dist"), join(work, "dist"), { recursive: true, filter: (path) => !/\.(map|cache|d\.ts)$/.test(path) });
symlinkSync(join(root, "node_modules"), join(work, "node_modules"));
writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" })); // dist/'s .js files are ES modules
const dist = join(work, "dist");
test.after(() => rmSync(work, { recursive: true, force: true }));
const entry = async (path: string) => (await import(pathToFileURL(join(dist, path)).href)) as Record<string, unknown>;

test("the package's entries give the same classes, functions and schemas (one copy of each module)", async () => {
  const main = await entry("mod.js");
  const executor = await entry("executor/mod.js");
  const docarray = await entry("docarray/mod.js");
  const proto = await entry("proto/mod.js");
  const client = await entry("client/mod.js");
  assert.ok(main.Client !== undefined && main.Client === client.Client, "Client: the root's and jina-ts/client's differ");
  const gateway = await entry("gateway/mod.js");
  const flowsGateway = await entry("chunks/lazy-gateway-gateway.js"); // what a Flow imports when it starts
  assert.ok(gateway.createGateway !== undefined && gateway.createGateway === flowsGateway.createGateway, "createGateway: jina-ts/gateway's and the Flow's differ");
  for (const name of ["Executor", "requests", "bindRequests", "dynamicBatching", "bindDynamicBatching"]) {
    assert.ok(main[name] !== undefined && main[name] === executor[name], `${name}: the root's and jina-ts/executor's differ`);
  }
  for (const name of ["DocumentArray", "Document"]) assert.ok(main[name] !== undefined && main[name] === docarray[name], `${name} differs`);
  const core = ((await import(pathToFileURL(join(dist, "chunks/core-loader.js")).href)) as { jinaCore: () => Record<string, Record<string, unknown>> }).jinaCore();
  const schemas = Object.values(core).map((module) => module.DataRequestProtoSchema).filter((value) => value !== undefined);
  assert.ok(schemas.length > 0 && schemas.every((schema) => schema === proto.DataRequestProtoSchema), "jina-ts/proto's DataRequestProtoSchema is not the core's");
  const { isExecutorClass } = executor as { isExecutorClass: (value: unknown) => boolean };
  assert.ok(isExecutorClass(class extends (main.Executor as new () => object) {}), "a class extending the root's Executor is an executor for jina-ts/executor");
});

/** Runs dist/executor/main.js on `uses` until its ready line (then stops it); resolves with its output. */
function serveOnce(uses: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dist, "executor/main.js"), "--uses", uses, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      if (out.includes("JINA_EXECUTOR_READY")) child.kill("SIGTERM");
    });
    child.stderr.on("data", (chunk: Buffer) => (out += chunk));
    child.once("error", reject);
    child.once("exit", () => {
      clearTimeout(timer);
      out.includes("JINA_EXECUTOR_READY") ? resolve(out) : reject(new Error(`no ready line:\n${out}`));
    });
  });
}

skipOn(test, ["deno", "bun"], "an executor process serves modules importing the root and jina-ts/executor, without and with the code caches; a flow's process saves the gateway's", "the code caches are Node's (Deno and Bun require the layer files as they are)", async () => {
  const folder = join(work, "app");
  try {
    const module = (from: string) =>
      `import { Executor, bindRequests } from ${JSON.stringify(pathToFileURL(join(dist, from)).href)};\n` +
      `export class Noop extends Executor {\n  noop() {}\n}\nbindRequests(Noop, { "/": "noop" });\n`;
    mkdirSync(folder);
    writeFileSync(join(folder, "root.mjs"), module("mod.js"));
    writeFileSync(join(folder, "lean.mjs"), module("executor/mod.js"));
    const caches = () => readdirSync(join(dist, "chunks")).filter((file) => file.endsWith(".cache")).sort();
    for (const file of caches()) rmSync(join(dist, "chunks", file), { force: true });
    const cacheOf = (layer: string) => `${layer}.${process.version}-${process.arch}.cache`;
    const layers = readdirSync(join(dist, "chunks")).filter((file) => file.endsWith(".cjs")).sort();
    assert.equal(layers, ["client.cjs", "core.cjs", "docarray.cjs", "gateway.cjs", "root.cjs"]);
    const executorLayers = ["client.cjs", "core.cjs", "docarray.cjs", "root.cjs"].map(cacheOf);
    for (const uses of ["lean.mjs", "root.mjs", "lean.mjs", "root.mjs"]) {
      const out = await serveOnce(join(folder, uses) + "#Noop");
      assert.match(out, /executor Noop ready/);
      const expected = uses === "lean.mjs" && caches().length < 2 ? [cacheOf("core.cjs")] : executorLayers;
      assert.equal(caches(), expected, `after ${uses}: the first process to load each layer saved its cache`);
    }
    // The gateway's modules load in a flow's process only; it saves their cache once the flow has started. Run with a
    // V8 flag its executors lack, it finds the other caches rejected and leaves them as the executors made them.
    const executorCaches = executorLayers.map((file) => readFileSync(join(dist, "chunks", file)));
    writeFileSync(
      join(folder, "flow.mjs"),
      `import { Flow } from ${JSON.stringify(pathToFileURL(join(dist, "mod.js")).href)};\n` +
        `const flow = new Flow().add({ uses: ${JSON.stringify(join(folder, "lean.mjs") + "#Noop")} });\n` +
        `await flow.start();\nconsole.log((await flow.post("/", [{ text: "a" }])).length);\nawait flow.close();\n`,
    );
    const flow = spawnSync(process.execPath, ["--max-old-space-size=300", join(folder, "flow.mjs")], { encoding: "utf8", timeout: 60_000 });
    assert.equal(flow.stdout.trim(), "1", flow.stderr);
    assert.equal(caches(), layers.map(cacheOf), "after a flow: every layer's cache");
    executorLayers.forEach((file, i) => assert.ok(readFileSync(join(dist, "chunks", file)).equals(executorCaches[i]!), `${file} was rewritten by the flow's process`));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
