/**
 * Fast start, measured side by side (medians of alternating reps; ratios to a baseline run in the same call):
 *  1. a 10-executor flow (one process each) start → ready → close, from the package build (dist/, plain Node; the
 *     executor module importing the package root `jina-ts`, and importing `jina-ts/executor`) and from the sources
 *     (tsx in every process), vs 10 bare Node processes opening a port;
 *  2. CLI cold start, `jina-ts --version` and `jina-ts ping executor 127.0.0.1:1` (a closed port, 300 ms timeout),
 *     from dist/ vs from the sources, vs `node -e 0`.
 * Each flow row gives the wall time and the CPU time of all its processes (the flow's and the executors', Linux), both
 * as ratios of medians to the bare run's, and that CPU split into the parent's own and the mean per child.
 * `--before DIR` adds the dist/ rows of another tree (a checkout of an earlier commit with its dist/ built and this
 * tree's bench/start/ copied in), alternating with this tree's in the same reps: an A/B of two builds. One executor
 * process alone, A/B: `node bench/start/process-cpu.mjs [DIR ...]`.
 * Usage: tsx bench/start.ts [--reps 3] [--executors 10] [--no-source] [--before DIR]. Builds dist/ first when it is missing.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const node = globalThis.process.execPath;
const argv = globalThis.process.argv.slice(2);
const option = (name: string, fallback: number) => Number(argv[argv.indexOf(name) + 1] ?? fallback) || fallback;
const reps = option("--reps", 3);
const executors = option("--executors", 10);
const withSource = !argv.includes("--no-source");
const before = argv.includes("--before") ? argv[argv.indexOf("--before") + 1]!.replace(/\/?$/, "/") : undefined;
const tsx = ["--import", "tsx"];

if (!existsSync(`${root}dist/mod.js`)) spawnSync(node, [`${root}scripts/build.mjs`], { stdio: "inherit" });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Runs a script that prints "START_MS ready closed" (and "CPU_MS all" and "SELF_MS own" on Linux); returns [ready,
 * closed, cpu of all processes, cpu of the parent process alone] ms.
 */
function startRun(args: string[]): [number, number, number, number] {
  const result = spawnSync(node, args, { cwd: root, encoding: "utf8", timeout: 120_000 });
  const match = /START_MS (\d+) (\d+)/.exec(result.stdout);
  if (!match) throw new Error(`${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  const number = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(result.stdout)?.[1] ?? Number.NaN);
  return [Number(match[1]), Number(match[2]), number("CPU_MS"), number("SELF_MS")];
}

/** Wall time of one process run, in ms. */
function wall(args: string[]): number {
  const started = performance.now();
  spawnSync(node, args, { cwd: root, stdio: "ignore", timeout: 60_000 });
  return performance.now() - started;
}

const flows: Record<string, string[]> = {
  [`${executors} bare node processes`]: [`${root}bench/start/bare.mjs`, String(executors)],
  [`flow, dist/ (plain node)`]: [`${root}bench/start/flow.mjs`, String(executors), "dist"],
  [`flow, dist/, jina-ts/executor`]: [`${root}bench/start/flow.mjs`, String(executors), "dist-lean"],
  ...(before
    ? {
      [`before: flow, dist/`]: [`${before}bench/start/flow.mjs`, String(executors), "dist"],
      [`before: dist/, jina-ts/executor`]: [`${before}bench/start/flow.mjs`, String(executors), "dist-lean"],
    }
    : {}),
  ...(withSource ? { [`flow, sources (tsx)`]: [...tsx, `${root}bench/start/flow.mjs`, String(executors), "source"] } : {}),
};
const flowTimes: Record<string, Array<[number, number, number, number]>> = Object.fromEntries(Object.keys(flows).map((name) => [name, []]));
for (let rep = 0; rep < reps; rep++) {
  for (const [name, args] of Object.entries(flows)) flowTimes[name]!.push(startRun(args));
}
const [baseline] = Object.keys(flows);
const baseClosed = median(flowTimes[baseline!]!.map(([, closed]) => closed));
const baseCpu = median(flowTimes[baseline!]!.map(([, , cpu]) => cpu));
console.log(`\n${executors}-executor flow start → ready → close (median of ${reps}; ratios to the bare processes; CPU of all processes)`);
for (const [name, times] of Object.entries(flowTimes)) {
  const ready = median(times.map(([value]) => value));
  const closed = median(times.map(([, value]) => value));
  const cpu = median(times.map(([, , value]) => value));
  const self = median(times.map(([, , , value]) => value));
  // the parent's own CPU (the flow's process: gateway, spawning, waiting) and the mean per child (an executor)
  const split = Number.isNaN(self) ? "" : ` (parent ${self} ms, per child ${((cpu - self) / executors).toFixed(0)} ms)`;
  const cpuText = Number.isNaN(cpu) ? "" : `, CPU ${String(cpu).padStart(6)} ms  ${(cpu / baseCpu).toFixed(2)}×${split}`;
  console.log(`  ${name.padEnd(32)} ready ${String(ready).padStart(6)} ms, closed ${String(closed).padStart(6)} ms  ${(closed / baseClosed).toFixed(2)}×${cpuText}`);
}

const cli: Record<string, string[]> = {
  "node -e 0 (baseline)": ["-e", "0"],
  "--version, dist/": [`${root}dist/cli/main.js`, "--version"],
  "--version, sources (tsx)": [...tsx, `${root}cli/main.ts`, "--version"],
  "ping, dist/": [`${root}dist/cli/main.js`, "ping", "executor", "127.0.0.1:1", "--timeout", "300"],
  "ping, sources (tsx)": [...tsx, `${root}cli/main.ts`, "ping", "executor", "127.0.0.1:1", "--timeout", "300"],
};
const cliReps = Math.max(reps, 5);
const cliTimes: Record<string, number[]> = Object.fromEntries(Object.keys(cli).map((name) => [name, []]));
for (let rep = 0; rep < cliReps; rep++) {
  for (const [name, args] of Object.entries(cli)) cliTimes[name]!.push(wall(args));
}
const nodeBase = median(cliTimes["node -e 0 (baseline)"]!);
console.log(`\nCLI cold start on Node (wall time, median of ${cliReps}; ratio to node -e 0)`);
for (const [name, times] of Object.entries(cliTimes)) {
  const value = median(times);
  console.log(`  ${name.padEnd(30)} ${value.toFixed(0).padStart(6)} ms  ${(value / nodeBase).toFixed(2)}×`);
}
