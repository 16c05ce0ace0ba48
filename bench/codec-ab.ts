/**
 * bench/codec-ab: the codec bench of a base revision against the working tree, A/B in one run. `bench/codec.ts` of
 * each tree runs in its own child process (one process per sample: codec copies loaded side by side in one process
 * were measured unevenly, the first loaded faster), alternating base and work — which goes first alternating too —
 * `--rounds` times on each runtime. Prints per runtime the median and range of each tree's ratios to the memcpy
 * (arena path, owned path) and the median of the paired ratios work ÷ base of the same round, with the load average
 * before and after. The base tree is extracted with `git archive` into `.bench-ab/` (removed at the end), and both
 * trees are measured by the working tree's `bench/codec.ts` (the same harness, with its warm-up), the arena path and
 * the owned path each in a process of its own (BENCH_CODEC_CASES), so that neither is charged for the other's garbage.
 * Usage: tsx bench/codec-ab.ts [--base main] [--runtimes node,deno,bun] [--rounds 6] (BENCH_CODEC_REPS per sample
 * run, default 20).
 *
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { median } from "./measure.ts";
import { commands, root, type Runtime } from "./runtime-commands.ts";

const argv = globalThis.process.argv.slice(2);
const option = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] ?? fallback : fallback);
const base = option("--base", "main");
const runtimes = option("--runtimes", "node,deno,bun").split(",") as Runtime[];
const rounds = Number(option("--rounds", "6")) || 6;
const keys = { leasedCpuRatio: "arena (leased) ÷ memcpy", cpuRatio: "owned ÷ memcpy" } as const;

const rev = execFileSync("git", ["rev-parse", "--short", base], { cwd: root, encoding: "utf8" }).trim();
const baseDir = `${root}.bench-ab/${rev}/`;
rmSync(baseDir, { recursive: true, force: true });
mkdirSync(baseDir, { recursive: true });
const archive = spawnSync("git", ["archive", rev, "docarray", "runtime", "proto", "bench"], { cwd: root, maxBuffer: 1 << 28 });
spawnSync("tar", ["-x", "-C", baseDir], { input: archive.stdout });
for (const file of ["bench/codec.ts", "bench/measure.ts"]) copyFileSync(`${root}${file}`, `${baseDir}${file}`);

/** `bench/codec.ts` in the tree at `dir` on `runtime`, the arena path and the owned path in a process each: their BENCH_RESULTs. */
function sample(runtime: Runtime, dir: string): Record<string, number> {
  const { bin, ts } = commands[runtime];
  const results: Record<string, number> = {};
  for (const cases of ["arena", "owned"]) {
    const result = spawnSync(bin, [...ts, `${dir}bench/codec.ts`], {
      cwd: root,
      encoding: "utf8",
      timeout: 300_000,
      env: { ...globalThis.process.env, BENCH_CODEC_REPS: globalThis.process.env.BENCH_CODEC_REPS ?? "20", BENCH_CODEC_CASES: cases },
    });
    const line = result.stdout.split("\n").find((text) => text.startsWith("BENCH_RESULT "));
    if (!line) throw new Error(`${runtime} ${dir}bench/codec.ts failed:\n${result.stdout}\n${result.stderr}`);
    Object.assign(results, JSON.parse(line.slice("BENCH_RESULT ".length)) as Record<string, number>);
  }
  return results;
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(" ");
console.log(`codec A/B: base ${rev} (${base}) against the working tree, ${rounds} alternating rounds; load ${load()}`);
try {
  for (const runtime of runtimes) {
    const values: Record<"base" | "work", Record<string, number[]>> = { base: {}, work: {} };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (["base", "work"] as const) : (["work", "base"] as const);
      for (const tree of order) {
        const result = sample(runtime, tree === "base" ? baseDir : root);
        for (const key of Object.keys(keys)) (values[tree][key] ??= []).push(result[key]!);
      }
    }
    for (const [key, label] of Object.entries(keys)) {
      const b = values.base[key]!, w = values.work[key]!;
      const range = (list: number[]) => `${median(list).toFixed(2)}× (${Math.min(...list).toFixed(2)}–${Math.max(...list).toFixed(2)})`;
      const paired = w.map((v, i) => v / b[i]!);
      console.log(`${runtime} ${label}: base ${range(b)}, work ${range(w)}, work ÷ base paired median ${median(paired).toFixed(3)} (${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)})`);
    }
  }
} finally {
  rmSync(`${root}.bench-ab/`, { recursive: true, force: true });
}
console.log(`load ${load()}`);
