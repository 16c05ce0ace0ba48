/**
 * bench/runtimes: the benches that run the same on every runtime, on Node, Deno and Bun, each ratio against its
 * baseline run by the same runtime in the same call (issue 8 asks the hop and start rows on all three):
 *   codec  bench/codec.ts: encode+decode of 1,000 × 768 float32 (plain, and in a gRPC frame) ÷ a memcpy, CPU; the
 *          arena rows (the goal: as a hop sends it) are the median of three processes;
 *   find   bench/find.ts: `DocumentArray.find` over 100k × 128 ÷ a tight cosine loop;
 *   hop    bench/hop.ts: gRPC gateway + 1 no-op executor (processes) vs a raw node:http2 2-hop proxy → echo, c=1
 *          p50 and c=32 req/s (every process, client included, on the runtime measured);
 *   start  a 10-executor flow start → ready → close ÷ 10 bare processes of the same runtime opening a port, from the
 *          package build (what an installed package runs; plain node in every Node process) and, on Deno and Bun, from
 *          the sources too (which they run without a loader).
 * Each bench runs in a child of the runtime measured; the table prints medians of ratios (one bench run each; start
 * alternates `--reps` times). Usage: tsx bench/runtimes.ts [--runtimes node,deno,bun] [--only codec,find,hop,start]
 * [--reps 3]. Builds dist/ first when it is missing (the start rows).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { median } from "./measure.ts";
import { commands, root, type Runtime } from "./runtime-commands.ts";

const node = globalThis.process.execPath;
const argv = globalThis.process.argv.slice(2);
const option = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] ?? fallback : fallback);
const runtimes = option("--runtimes", "node,deno,bun").split(",") as Runtime[];
const only = new Set(option("--only", "codec,find,hop,start").split(","));
const reps = Number(option("--reps", "3")) || 3;

/** Runs `file` (relative to the repository) on `runtime` and returns its stdout; throws with its output on failure. */
function run(runtime: Runtime, file: string, args: string[] = [], env: Record<string, string> = {}): string {
  const { bin, ts, js } = commands[runtime];
  const result = spawnSync(bin, [...(file.endsWith(".ts") ? ts : js), `${root}${file}`, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 600_000,
    env: { ...globalThis.process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`${runtime} ${file} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The `BENCH_RESULT {json}` line a bench prints. */
function benchResult(output: string): Record<string, number> {
  const line = output.split("\n").find((text) => text.startsWith("BENCH_RESULT "));
  if (!line) throw new Error(`no BENCH_RESULT line in:\n${output}`);
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as Record<string, number>;
}

/** start → closed ms of a `START_MS ready closed` line. */
function closedMs(output: string): number {
  const match = /START_MS (\d+) (\d+)/.exec(output);
  if (!match) throw new Error(`no START_MS line in:\n${output}`);
  return Number(match[2]);
}

/**
 * The 10-executor start ratio on `runtime`: flow ÷ bare processes, alternating, median of the per-rep ratios. `mode`:
 * `dist`, the package build (what an installed package runs), or `source`, the TypeScript sources (Deno and Bun run
 * them without a loader; only in this repository).
 */
function startRatio(runtime: Runtime, mode: "dist" | "source"): number {
  const ratios: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const bare = closedMs(run(runtime, "bench/start/bare.mjs", ["10"], { BENCH_RUN_ARGS: JSON.stringify(commands[runtime].js) }));
    ratios.push(closedMs(run(runtime, "bench/start/flow.mjs", ["10", mode])) / bare);
  }
  return median(ratios);
}

if (only.has("start") && !existsSync(`${root}dist/mod.js`)) {
  spawnSync(node, [`${root}scripts/build.mjs`], { stdio: "inherit" });
}

type Row = { measure: string; goal: string; format: (value: number) => string; values: Partial<Record<Runtime, number>> };
const times = (value: number) => `${value.toFixed(2)}×`;
const rows: Record<string, Row> = {
  leased: {
    measure: "DataRequest encode+decode, 1,000 × 768 float32, encoded into a buffer lent by a WireArena (encodeDataRequestLeased, as a hop does) ÷ memcpy (CPU), median of 3 runs",
    goal: "≤ 5×",
    format: times,
    values: {},
  },
  codec: { measure: "same, an owned output buffer (encodeDataRequest) ÷ memcpy (CPU)", goal: "", format: times, values: {} },
  framedLeased: { measure: "same, in a gRPC frame (encodeEnvelopeLeased, as a hop sends it) ÷ memcpy (CPU)", goal: "", format: times, values: {} },
  framed: { measure: "same, in a gRPC frame (prefix written into the codec's buffer) ÷ memcpy (CPU)", goal: "", format: times, values: {} },
  slice: { measure: "allocate + copy the same bytes (`slice`) ÷ memcpy (CPU): a fresh buffer's floor", goal: "", format: times, values: {} },
  find: { measure: "`DocumentArray.find` 100k × 128 ÷ a tight cosine loop", goal: "≤ 1.5×", format: times, values: {} },
  p50: { measure: "gRPC gateway + 1 no-op executor, p50 at c=1 ÷ raw node:http2 2-hop proxy", goal: "≤ 1.3×", format: times, values: {} },
  rps: { measure: "same, c=32 req/s ÷ raw proxy", goal: "≥ 0.8", format: (value) => value.toFixed(2), values: {} },
  gatewayCpu: { measure: "same, gateway CPU per request at c=32 ÷ the raw proxy's", goal: "", format: times, values: {} },
  executorCpu: { measure: "same, executor CPU per request at c=32 ÷ the raw echo's", goal: "", format: times, values: {} },
  start: { measure: "10-executor flow start → ready → close ÷ 10 bare processes, from the package build (dist/)", goal: "≤ 1.5×", format: times, values: {} },
  startSource: { measure: "same, from the TypeScript sources (this repository; Deno and Bun need no loader)", goal: "", format: times, values: {} },
};

for (const runtime of runtimes) {
  console.log(`\n== ${runtime}`);
  const step = (name: string, work: () => void) => {
    if (!only.has(name)) return;
    const started = performance.now();
    try {
      work();
    } catch (error) {
      console.log(`  ${name}: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
    }
    console.log(`  ${name} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  };
  step("codec", () => {
    // The goal's case (the arena path, as a hop sends it) in processes of its own, three times, the median of the three
    // ratios: one 1–2 s run spread 3.9–6.5× on Bun. The owned-buffer cases run in another process, so that their fresh
    // 3 MB buffers' garbage collection is not charged to the arena path (bench/codec.ts, BENCH_CODEC_CASES).
    const arena = [0, 1, 2].map(() =>
      benchResult(run(runtime, "bench/codec.ts", [], { BENCH_CODEC_REPS: "20", BENCH_CODEC_CASES: "arena,framedArena" }))
    );
    const leased = arena.map((result) => result.leasedCpuRatio!);
    console.log(`  codec arena ÷ memcpy (CPU) in 3 runs: ${leased.map((value) => value.toFixed(2)).join(", ")}`);
    rows.leased!.values[runtime] = median(leased);
    rows.framedLeased!.values[runtime] = median(arena.map((result) => result.framedLeasedCpuRatio!));
    const result = benchResult(run(runtime, "bench/codec.ts", [], { BENCH_CODEC_REPS: "20", BENCH_CODEC_CASES: "owned,framed,slice" }));
    rows.codec!.values[runtime] = result.cpuRatio!;
    rows.framed!.values[runtime] = result.framedCpuRatio!;
    rows.slice!.values[runtime] = result.sliceCpuRatio!;
  });
  step("find", () => void (rows.find!.values[runtime] = benchResult(run(runtime, "bench/find.ts", [], { BENCH_FIND_REPS: "5" })).findRatio!));
  step("hop", () => {
    const result = benchResult(run(runtime, "bench/hop.ts", [], { BENCH_REQUESTS: "400", BENCH_REPS: String(reps) }));
    rows.p50!.values[runtime] = result.p50Ratio!;
    rows.rps!.values[runtime] = result.rpsRatio!;
    rows.gatewayCpu!.values[runtime] = result.gatewayCpuRatio!;
    rows.executorCpu!.values[runtime] = result.executorCpuRatio!;
  });
  step("start", () => {
    rows.start!.values[runtime] = startRatio(runtime, "dist");
    if (runtime !== "node") rows.startSource!.values[runtime] = startRatio(runtime, "source");
  });
}

console.log(`\n| measure (ratio to a baseline in the same runtime and run) | ${runtimes.join(" | ")} | goal |`);
console.log(`|---|${runtimes.map(() => "---|").join("")}---|`);
for (const row of Object.values(rows)) {
  if (runtimes.every((runtime) => row.values[runtime] === undefined)) continue;
  const cells = runtimes.map((runtime) => (row.values[runtime] === undefined ? "–" : row.format(row.values[runtime]!)));
  console.log(`| ${row.measure} | ${cells.join(" | ")} | ${row.goal} |`);
}
