// CPU of ONE executor process to its ready line, A/B between builds (issue 8, fast start):
//   node bench/start/process-cpu.mjs [--reps 21] [--root] [DIR ...]
// spawns `node <tree>/dist/executor/main.js --uses <tree>/bench/start/noop-executor-lean.mjs#Noop --port 0` (with
// --root: noop-executor.mjs, whose module imports the package root) for this tree and each DIR (a checkout with its
// dist/ built and bench/start/ copied in), alternating with a bare node process opening a port (bare-child.mjs);
// reads the CPU of every thread of the process (/proc/PID/task/*/schedstat, ns) when its ready line arrives, then
// kills it. Before the measured runs, one run per tree lingers 2 s past its ready line, so that the executor saves its
// code caches (dist/chunks/*.cache; a run killed at its ready line may not have). Prints medians, their ratio to the
// bare process's and to this tree's. Linux only; Node only.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);
const repsAt = argv.indexOf("--reps");
const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : 21;
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

/** Runs one process until its stdout contains `readyText` (and `lingerMs` more); resolves with its CPU at the ready line, in ms. */
function run(args, readyText, lingerMs = 0) {
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
console.log(`CPU to the ready line (${executorModule}), median of ${reps} alternating runs: ms, ÷ bare, ÷ this tree`);
for (const [index, [name]] of rows.entries()) {
  const value = median(samples[index]);
  console.log(`  ${name.padEnd(40)} ${value.toFixed(1).padStart(7)}  ${(value / base).toFixed(2)}×  ${(value / first).toFixed(3)}`);
}
