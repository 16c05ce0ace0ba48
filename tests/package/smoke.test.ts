// jina-test-timeout: 420000
// The package as a user gets it: `npm pack` the tarball, install it into a fresh project in a temporary folder
// (from the npm cache where it can), and run the same small app (tests/package/app/: one executor in process, one
// in its own process from a relative `uses`, a post over gRPC and one over HTTP) with plain `node app.mjs`,
// `node --import tsx app.ts` (the shipped loader, Node 20), `deno run` (as `npm:jina-ts`) and `bun`; and
// `tsc --noEmit` on the user project (strict, NodeNext, skipLibCheck false) with the README's examples. The folder is removed afterwards.
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeName } from "../../runtime/mod.ts";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const app = join(root, "tests/package/app");
const bin = (name: string) => join(root, "node_modules/.bin", name);
const node = globalThis.process.execPath;

function run(command: string, args: string[], cwd: string, timeoutMs = 60_000): SpawnSyncReturns<string> & { ms: number } {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...globalThis.process.env, NO_COLOR: "1" } });
  const ms = Math.round(performance.now() - started);
  console.log(`  ${[command.split("/").pop(), ...args].join(" ")}: ${ms} ms`);
  return Object.assign(result, { ms });
}

function ok(result: SpawnSyncReturns<string>, what: string): void {
  assert.is(result.status, 0, `${what} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

/** Processes (not zombies) whose command line mentions `dir`, from /proc. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, "utf8"))) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(dir)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * `npx jina-ts flow --uses flow.yml` in `dir` (a flow with an executor process), then `signal` to npx: resolves with
 * how long after the signal npx had exited and no process of the flow was left (issue 14: after SIGTERM to an
 * `npx jina-ts flow` wrapper the flow kept running; npx runs the bin through `sh -c`, and SIGKILL forwards nothing).
 */
async function npxFlowStops(dir: string, signal: "SIGTERM" | "SIGKILL"): Promise<number> {
  const npx = spawn("npx", ["--no-install", "jina-ts", "flow", "--uses", "flow.yml", "--grace-period", "1000"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => npx.once("exit", resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no JINA_FLOW_READY within 90 s:\n${out}`)), 90_000);
      const read = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("JINA_FLOW_READY")) (clearTimeout(timer), resolve());
      };
      npx.stdout.on("data", read);
      npx.stderr.on("data", read);
      npx.once("exit", (code) => (clearTimeout(timer), reject(new Error(`npx exited ${code}:\n${out}`))));
    });
    assert.ok(processesIn(dir).length >= 2, "the flow and its executor process run");
    const signalled = Date.now();
    npx.kill(signal);
    await exited;
    while (processesIn(dir).length > 0 && Date.now() - signalled < 20_000) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(processesIn(dir), [], `left running 20 s after ${signal} to npx`);
    return Date.now() - signalled;
  } finally {
    npx.kill("SIGKILL");
    for (const pid of processesIn(dir)) globalThis.process.kill(pid, "SIGKILL");
  }
}

if (runtimeName() !== "node") {
  // It starts every runtime itself; running it again from Deno and Bun would only repeat the same work.
  test.skip("the packed tarball works from a user's project (runs from the Node suite: it starts Node, Deno and Bun itself)", () => {});
} else {
  test("the packed tarball works from a user's project on Node (JS and TS), Deno and Bun, and type-checks; `npx jina-ts flow` ends with its wrapper", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jina-ts-smoke-"));
    try {
      ok(run("npm", ["pack", "--silent", "--pack-destination", dir], root, 120_000), "npm pack");
      const tarball = readdirSync(dir).find((name) => name.endsWith(".tgz"))!;
      for (const file of readdirSync(app)) copyFileSync(join(app, file), join(dir, file));
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "smoke", private: true, type: "module" }));
      // The README's examples are type-checked with the app (the first TypeScript block of each section).
      const readme = readFileSync(join(root, "README.md"), "utf8");
      for (const [index, section] of ["## In ten lines", "## Use it in your project"].entries()) {
        const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(section)))?.[1];
        assert.ok(block && readme.includes(section), `README has a TypeScript example under "${section}"`);
        writeFileSync(join(dir, `readme-${index + 1}.ts`), block);
      }
      // --ignore-scripts: no install step may compile anything (the optional better-sqlite3 would build sqlite from source).
      ok(run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", `./${tarball}`], dir, 150_000), "npm install");

      const js = run(node, [join(dir, "app.mjs")], tmpdir()); // another working directory: uses resolves against app.mjs
      ok(js, "node app.mjs");
      assert.match(js.stdout, /smoke ok/);
      const ts = run(node, ["--import", "tsx", "app.ts"], dir);
      ok(ts, "node --import tsx app.ts");
      assert.match(ts.stdout, /smoke ok/);
      const deno = run(bin("deno"), ["run", "-A", "--quiet", "deno-app.ts"], dir);
      ok(deno, "deno run -A deno-app.ts");
      assert.match(deno.stdout, /smoke ok/);
      const bun = run(bin("bun"), ["app.ts"], dir);
      ok(bun, "bun app.ts");
      assert.match(bun.stdout, /smoke ok/);
      const tsc = run(node, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], dir);
      ok(tsc, "tsc --noEmit");
      for (const result of [js, ts, deno, bun, tsc]) assert.ok(result.ms < 60_000, `under a minute: ${result.ms} ms`);
      if (existsSync("/proc/self/cmdline")) {
        writeFileSync(join(dir, "flow.yml"), "jtype: Flow\nwith:\n  protocol: http\nexecutors:\n  - name: up\n    uses: ./executors.mjs#Upper\n");
        for (const signal of ["SIGTERM", "SIGKILL"] as const) console.log(`  npx jina-ts flow, ${signal} to npx: all gone in ${await npxFlowStops(dir, signal)} ms`);
      } else console.log("  skipped npx jina-ts flow + signals: needs /proc to list the flow's processes");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
