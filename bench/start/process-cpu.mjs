// CPU of ONE executor process to its ready line, A/B between builds (issue 8, fast start):
//   node bench/start/process-cpu.mjs [--reps 21] [--root] [--instructions] [DIR ...]
// spawns `node <tree>/dist/executor/main.js --uses <tree>/bench/start/noop-executor-lean.mjs#Noop --port 0` (with
// --root: noop-executor.mjs, whose module imports the package root) for this tree and each DIR (a checkout with its
// dist/ built and bench/start/ copied in), alternating with a bare node process opening a port (bare-child.mjs);
// reads the CPU of every thread of the process (/proc/PID/task/*/schedstat, ns) when its ready line arrives, then
// kills it. Before the measured runs, one run per tree lingers 2 s past its ready line, so that the executor saves its
// code caches (dist/chunks/*.cache; a run killed at its ready line may not have). Prints medians, their ratio to the
// bare process's and to this tree's. Linux only; Node only.
// `--instructions` counts instead the instructions each process runs (all threads) from its start to its exit, SIGTERM
// sent at the ready line, under valgrind's callgrind (Debian's `valgrind`; ~10 s a run, so 3 reps by default): shared
// machines make CPU times of 100 ms vary by ±10 % from run to run, the counts by ±1–2 % (background compiler and GC
// threads). The bare process dies of the signal, an executor drains and exits: its exit is counted in.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);
const repsAt = argv.indexOf("--reps");
const instructions = argv.includes("--instructions");
const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : instructions ? 3 : 21;
const executorModule = argv.includes("--root") ? "noop-executor.mjs" : "noop-executor-lean.mjs";
const dirs = argv.filter((arg, index) => !arg.startsWith("--") && (repsAt < 0 || index !== repsAt + 1));
const here = fileURLToPath(new URL("../../", import.meta.url));
const trees = [here, ...dirs.map((dir) => dir.replace(/\/?$/, "/"))];

/** CPU time of all threads of a live process, in ns. */
function cpuNs(pid) {
  let sum = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return sum;
}

/**
 * One measured run: the instructions of one process under callgrind with `--instructions`, else its CPU at the ready
 * line in ms; a run that lingers (`lingerMs`, to let the executor save its caches) is timed, never counted.
 */
function run(args, readyText, lingerMs = 0) {
  return instructions && lingerMs === 0 ? countInstructions(args, readyText) : cpuAtReady(args, readyText, lingerMs);
}

/** Where callgrind writes its output files (made with `--instructions` only; removed at exit). */
const callgrindOut = instructions ? mkdtempSync(join(tmpdir(), "jina-ts-callgrind-")) : undefined;
if (callgrindOut) process.on("exit", () => rmSync(callgrindOut, { recursive: true, force: true }));

/** Runs one process under callgrind, sends it SIGTERM at its ready line; resolves with the instructions it ran, in millions. */
function countInstructions(args, readyText) {
  return new Promise((resolve, reject) => {
    const tool = ["--tool=callgrind", `--callgrind-out-file=${callgrindOut}/%p`, "--dump-instr=no"];
    const child = spawn("valgrind", [...tool, process.execPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes(readyText)) (child.stdout.removeAllListeners("data"), child.kill("SIGTERM"));
    });
    child.stderr.on("data", (chunk) => (err += chunk));
    child.once("error", (error) => reject(new Error(`valgrind: ${error.message} (Debian: apt-get install valgrind)`)));
    child.once("exit", () => {
      const collected = /Collected : (\d+)/.exec(err);
      if (collected && out.includes(readyText)) resolve(Number(collected[1]) / 1e6);
      else reject(new Error(`${args.join(" ")} under callgrind:\n${out}\n${err.slice(-2000)}`));
    });
  });
}

/** Runs one process until its stdout contains `readyText` (and `lingerMs` more); resolves with its CPU at the ready line, in ms. */
function cpuAtReady(args, readyText, lingerMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (!out.includes(readyText)) return;
      child.stdout.removeAllListeners("data");
      const cpu = cpuNs(child.pid);
      child.once("exit", () => resolve(cpu / 1e6));
      setTimeout(() => child.kill("SIGKILL"), lingerMs);
    });
    child.once("exit", (code) => (out.includes(readyText) ? undefined : reject(new Error(`${args.join(" ")} exited with ${code}:\n${out}`))));
    child.once("error", reject);
  });
}

const rows = [
  ["bare node opening a port", () => run([`${here}bench/start/bare-child.mjs`], "ready")],
  ...trees.map((tree, index) => [
    index === 0 ? "executor, this tree" : `executor, ${tree}`,
    (lingerMs) => run([`${tree}dist/executor/main.js`, "--uses", `${tree}bench/start/${executorModule}#Noop`, "--port", "0"], "JINA_EXECUTOR_READY", lingerMs),
  ]),
];
for (const [, measure] of rows.slice(1)) await measure(2000);
const samples = rows.map(() => []);
for (let rep = 0; rep < reps; rep++) {
  for (const [index, [, measure]] of rows.entries()) samples[index].push(await measure());
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const base = median(samples[0]);
const first = median(samples[1]);
const measured = instructions ? "instructions from start to exit, SIGTERM at the ready line (M)" : "CPU to the ready line (ms)";
console.log(`${measured} (${executorModule}), median of ${reps} alternating runs, ÷ bare, ÷ this tree`);
for (const [index, [name]] of rows.entries()) {
  const value = median(samples[index]);
  console.log(`  ${name.padEnd(40)} ${value.toFixed(1).padStart(7)}  ${(value / base).toFixed(2)}×  ${(value / first).toFixed(3)}`);
}
