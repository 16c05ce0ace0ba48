// `jina-ts new NAME` writes a project that works: `npm install` (jina-ts from the packed tarball), `npm test`, and
// `npm start` serves flow.yml on gRPC 54321 / HTTP 54322 / WebSocket 54323, answering a client; SIGINT leaves no
// process. In that project the installed `jina-ts` bin (compiled JavaScript, plain node) also runs `new`,
// `executor --uses executor1/config.yml`, `export flowchart flow.yml out.svg|out.md --vertical-layout` and
// `export schema`, as a user types them. Node only: it packs the package and runs npm itself (as
// tests/package/smoke.test.ts does).
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Client, Document, DocumentArray, Flow } from "../../mod.ts";
import { runtimeName, scriptCommand, spawnScript } from "../../runtime/mod.ts";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const env = { ...globalThis.process.env, NO_COLOR: "1" };
/** `jina-ts` from the sources, with the runtime running this test. */
const [jinaTs, jinaTsArgs] = scriptCommand(join(root, "cli/main.ts"));

function run(command: string, args: string[], cwd: string, timeoutMs = 120_000, extraEnv: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...env, ...extraEnv } });
  assert.is(result.status, 0, `${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

test("jina-ts new writes flow.yml, executor1/ (config.yml, executor.ts, its test), client.ts, package.json, README", () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-new-files-"));
  try {
    const wrote = run(jinaTs, [...jinaTsArgs, "new", "hello"], dir);
    // from this checkout: the project links it (nothing to fetch from a registry)
    assert.is((JSON.parse(readFileSync(join(dir, "hello/package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["jina-ts"], `file:${root}`);
    assert.match(wrote.stdout, `(jina-ts: file:${root})`);
    for (const file of ["flow.yml", "executor1/config.yml", "executor1/executor.ts", "executor1/executor.test.ts", "client.ts", "package.json", "tsconfig.json", "README.md"]) {
      assert.ok(existsSync(join(dir, "hello", file)), file);
    }
    assert.match(readFileSync(join(dir, "hello/flow.yml"), "utf8"), /port: \[54321, 54322, 54323\]/);
    const again = spawnSync(jinaTs, [...jinaTsArgs, "new", "hello"], { cwd: dir, encoding: "utf8", env });
    assert.is(again.status, 1);
    assert.match(again.stderr, /exists and is not empty/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Processes whose command line or working directory is inside `dir` (Linux /proc; none elsewhere). */
function processesIn(dir: string): number[] {
  if (!existsSync("/proc/self")) return [];
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry) && Number(entry) !== globalThis.process.pid).filter((entry) => {
    try {
      return readFileSync(`/proc/${entry}/cmdline`, "latin1").includes(dir) || readlinkSync(`/proc/${entry}/cwd`).startsWith(dir);
    } catch {
      return false;
    }
  }).map(Number);
}

/**
 * A folder with better-sqlite3's prebuilt binary as prebuild-install names it
 * (`better-sqlite3-v<version>-node-v<abi>-<platform>-<arch>.tar.gz`), made from this checkout's build, and the
 * variable that points prebuild-install at it; undefined when this checkout has no build of it.
 */
function localPrebuilds(dir: string): Record<string, string> | undefined {
  const module = join(root, "node_modules/better-sqlite3");
  const built = join(module, "build/Release/better_sqlite3.node");
  if (!existsSync(built)) return undefined;
  const version = (JSON.parse(readFileSync(join(module, "package.json"), "utf8")) as { version: string }).version;
  const stage = join(dir, "prebuild-stage");
  mkdirSync(join(stage, "build/Release"), { recursive: true });
  copyFileSync(built, join(stage, "build/Release/better_sqlite3.node"));
  const prebuilds = join(dir, "prebuilds");
  mkdirSync(prebuilds);
  const { modules } = globalThis.process.versions;
  const name = `better-sqlite3-v${version}-node-v${modules}-${globalThis.process.platform}-${globalThis.process.arch}.tar.gz`;
  run("tar", ["-czf", join(prebuilds, name), "-C", stage, "build"], dir);
  return { npm_config_better_sqlite3_local_prebuilds: prebuilds };
}

/** The installed bin, from the project's folder, as `npx jina-ts …` runs it. */
async function installedCommands(app: string): Promise<void> {
  const bin = join(app, "node_modules/.bin/jina-ts");
  run(bin, ["new", "second"], app);
  assert.ok(existsSync(join(app, "second/executor1/executor.ts")), "jina-ts new from the installed package");
  // the new project gets jina-ts where this one got it: the tarball, as an absolute path (no registry needed)
  const tarball = resolve(app, (JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["jina-ts"]!.slice(5));
  const second = JSON.parse(readFileSync(join(app, "second/package.json"), "utf8")) as { dependencies: Record<string, string> };
  assert.is(second.dependencies["jina-ts"], `file:${tarball}`);
  run(bin, ["export", "flowchart", "flow.yml", "flow.svg", "--vertical-layout"], app);
  const svg = readFileSync(join(app, "flow.svg"), "utf8");
  assert.ok(svg.startsWith("<svg") && svg.includes("executor1") && svg.includes("gateway"), svg.slice(0, 200));
  assert.not.match(svg, /@import|https?:\/\/(?!www\.w3\.org)/, "the SVG was rendered here and loads nothing");
  run(bin, ["export", "flowchart", "flow.yml", "flow.md", "--vertical-layout"], app);
  assert.match(readFileSync(join(app, "flow.md"), "utf8"), /^```mermaid\n[\s\S]*\nflowchart TD\n[\s\S]*executor1/);
  run(bin, ["export", "schema", "flow.schema.json"], app);
  assert.is(JSON.parse(readFileSync(join(app, "flow.schema.json"), "utf8")).title, "jina-ts Flow YAML");
  const bad = spawnSync(bin, ["flow", "--uses", "executor1/config.yml"], { cwd: app, encoding: "utf8", env, timeout: 60_000 });
  assert.is(bad.status, 1, "a bad Flow YAML exits 1");
  assert.match(bad.stderr, /config\.yml:\d+:\d+: top level: unknown key/);
  // jina-ts executor --uses executor1/config.yml: the Executor YAML (its TypeScript module, its `with`) served alone.
  // The bin is dist/cli/main.js: plain node runs it, no loader.
  const executor = spawnScript(realpathSync(bin), { args: ["executor", "--uses", "executor1/config.yml", "--port", "0"], cwd: app });
  try {
    const port = await executor.waitForLine((line) => (line.startsWith("JINA_EXECUTOR_READY ") ? (JSON.parse(line.slice(20)) as { port: number }).port : undefined));
    await using flow = await new Flow().add({ name: "executor1", external: true, host: "127.0.0.1", port }).start();
    assert.is((await flow.post("/", [{ text: "world" }])).at(0)!.text, "hello, world!");
  } finally {
    await executor.stop();
  }
}

if (runtimeName() !== "node") {
  test.skip("npm install && npm test && npm start in a new project (runs from the Node suite: it packs and runs npm)", () => {});
} else {
  test("npm install && npm test && npm start in a new project: the flow answers on 54321 and stops on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jina-new-"));
    try {
      run("npm", ["pack", "--silent", "--pack-destination", dir], root, 180_000);
      const tarball = readdirSync(dir).find((name) => name.endsWith(".tgz"))!;
      run(jinaTs, [...jinaTsArgs, "new", "app", "--jina-ts", `file:../${tarball}`], dir);
      const app = join(dir, "app");
      // A plain `npm install`, install scripts included. jina-ts's optional better-sqlite3 (Node 20's sqlite) gets
      // its binary as a user's install does, from prebuild-install, here from a local prebuild made of this
      // checkout's own build (there is no network); without one it would build sqlite from source (26 min on this
      // shared machine), and then the install skips scripts, as it says.
      const prebuilds = localPrebuilds(dir);
      const install = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
      if (!prebuilds) console.log("  no better-sqlite3 build in this checkout: npm install --ignore-scripts");
      run("npm", prebuilds ? install : [...install, "--ignore-scripts"], app, 300_000, prebuilds ?? {});
      if (prebuilds) assert.ok(existsSync(join(app, "node_modules/better-sqlite3/build/Release/better_sqlite3.node")), "the install ran better-sqlite3's install script");
      const tested = run("npm", ["test"], app);
      assert.match(tested.stdout, /pass 2/);
      const started = spawn("npm", ["start"], { cwd: app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      started.stdout.on("data", (chunk) => (output += chunk));
      started.stderr.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((done) => started.on("exit", (code) => done(code)));
      try {
        for (let i = 0; i < 600 && !output.includes("JINA_FLOW_READY"); i++) await new Promise((done) => setTimeout(done, 100));
        assert.match(output, /JINA_FLOW_READY \{"host":"127\.0\.0\.1","protocols":\["grpc","http","websocket"\],"ports":\[54321,54322,54323\]\}/, output);
        const client = new Client({ host: "127.0.0.1", port: 54321, protocol: "grpc" });
        try {
          const docs = await client.post("/", new DocumentArray([new Document({ text: "world" })]));
          assert.is(docs.at(0)!.text, "hello, world!");
        } finally {
          client.close();
        }
        globalThis.process.kill(-started.pid!, "SIGINT");
        await exited;
        for (let i = 0; i < 50 && processesIn(app).length > 0; i++) await new Promise((done) => setTimeout(done, 100));
        assert.equal(processesIn(app), [], "SIGINT left no process of the project running");
      } finally {
        try {
          globalThis.process.kill(-started.pid!, "SIGKILL");
        } catch {
          // the group is gone
        }
      }
      await installedCommands(app);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
