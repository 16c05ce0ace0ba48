/**
 * bench/executor-ab: the executor's side of the gateway hop, alone and A/B. One no-op executor process of the
 * working tree and one of a git ref (default `HEAD`, extracted with `git archive` into a temporary folder that
 * shares this node_modules) beside bench/hop.ts' raw node:http2 echo, all driven by the same raw gRPC client with
 * the request the gateway forwards (`process_single_data`, one document, one route). Every rep runs each server
 * once at c=32 (reversed order on odd reps); prints each server's CPU per call from /proc (the figure the machine's
 * load moves least) and its ratio to the echo's, p50 at c=1, and the executors' resident memory after the run.
 * Run: `npx tsx bench/executor-ab.ts [ref=HEAD] [reps=5] [requests=3000]` (also with deno/bun: the processes run
 * on the runtime that runs the bench); `BENCH_DOCS=10` sends 10 documents with 128-dim embeddings instead of one;
 * `BENCH_MONITORING=1` runs both executors with `--monitoring`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDataRequest, Document, DocumentArray, encodeDataRequest } from "../docarray/mod.ts";
import { grpcEnvelope } from "../runtime/grpc-frame.ts";
import { commandArgs, getEnv, runtimeName, spawnScript } from "../runtime/mod.ts";
import { type BenchChild, cpuMs, startChild, stopAll } from "./children.ts";
import { grpcPoster } from "./grpc-load.ts";
import { interleavedP50, measure, median } from "./measure.ts";

const [ref = "HEAD", repsArg = "5", requestsArg = "3000"] = commandArgs();
if (!/^[\w./~^-]+$/.test(ref)) throw new Error(`not a git ref: ${ref}`);
const reps = Number(repsArg);
const requests = Number(requestsArg);
const root = fileURLToPath(new URL("..", import.meta.url));
// BENCH_DOCS documents (default 1; more: each with a 128-dim embedding too, as a search hop carries them)
const docCount = Number(getEnv("BENCH_DOCS") ?? 1);
// BENCH_MONITORING=1: both executors keep Prometheus metrics (Jina's --monitoring), what a production deployment pays
const monitoring = getEnv("BENCH_MONITORING") === "1";
const request = createDataRequest({
  endpoint: "/search",
  docs: new DocumentArray(docCount === 1
    ? [new Document({ id: "bench-doc", text: "hello jina-ts", tags: { n: 1 } })]
    : Array.from({ length: docCount }, (_, i) => new Document({ id: `bench-doc-${i}`, text: "hello jina-ts", tags: { n: i }, embedding: new Float32Array(128).fill(i) }))),
});
request.routes.push({ $typeName: "jina.RouteProto", executor: "gateway", startTime: { $typeName: "google.protobuf.Timestamp", seconds: 1n, nanos: 0 } } as never);
const body = grpcEnvelope(encodeDataRequest(request), false);

/** Starts `executor/main.ts` of the tree at `dir` serving bench/noop-executor.ts (with `--monitoring` when BENCH_MONITORING=1). */
async function startExecutor(dir: string): Promise<BenchChild> {
  const args = ["--uses", "./bench/noop-executor.ts#Noop", "--port", "0", ...(monitoring ? ["--monitoring"] : [])];
  const child = spawnScript(join(dir, "executor", "main.ts"), { args, cwd: dir });
  const port = await child.waitForLine((line) => (line.startsWith("JINA_EXECUTOR_READY ") ? (JSON.parse(line.slice(20)) as { port: number }).port : undefined));
  return { child, info: { port } };
}

function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
  } catch {
    return NaN;
  }
}

const before = mkdtempSync(join(tmpdir(), "jina-ts-exec-ab-"));
const started: BenchChild[] = [];
try {
  execFileSync("sh", ["-c", `git -C "${root}" archive "${ref}" | tar -x -C "${before}"`]);
  symlinkSync(join(root, "node_modules"), join(before, "node_modules"));
  const servers = { echo: await startChild("./serve-raw-echo.ts"), before: await startExecutor(before), after: await startExecutor(root) };
  started.push(...Object.values(servers));
  type Name = keyof typeof servers;
  const names = Object.keys(servers) as Name[];
  const posters = Object.fromEntries(names.map((name) => [name, grpcPoster(servers[name].info.port!, name === "echo" ? "/echo" : "/jina.JinaSingleDataRequestRPC/process_single_data", body)])) as Record<Name, ReturnType<typeof grpcPoster>>;
  const cpu = {} as Record<Name, number[]>, p50 = {} as Record<Name, number[]>, rps = {} as Record<Name, number[]>;
  for (const name of names) [cpu[name], p50[name], rps[name]] = [[], [], []];
  for (const name of names) await measure(name, posters[name].post, { concurrency: 32, requests }); // warm-up (JIT), not counted
  for (let rep = 0; rep < reps; rep++) {
    // c=1: the three side by side, blocks of 100 calls of each in turn (the same machine for all of them)
    const oneAtATime = await interleavedP50(Object.fromEntries(names.map((name) => [name, posters[name].post])), { requests: Math.ceil(requests / 6) });
    for (const name of names) p50[name].push(oneAtATime[name]!);
    for (const name of rep % 2 ? [...names].reverse() : names) {
      const pid = servers[name].child.pid;
      const start = cpuMs(pid);
      const loaded = await measure(name, posters[name].post, { concurrency: 32, requests, warmup: 64 });
      cpu[name].push((cpuMs(pid) - start) / loaded.requests);
      rps[name].push(loaded.rps);
    }
    console.log(`  rep ${rep + 1}: load ${loadavg().map((n) => n.toFixed(1)).join(" ")}; CPU ms/call, req/s: ${names.map((n) => `${n} ${cpu[n].at(-1)!.toFixed(3)} ${rps[n].at(-1)!.toFixed(0)}`).join(", ")}`);
  }
  for (const name of names) posters[name].close();
  const ratio = (name: Name, base: Name) => median(cpu[name].map((value, i) => value / cpu[base][i]!));
  console.log(`executor A/B against ${ref} (${reps} reps, ${requests} calls at c=32, ${docCount} doc(s)${monitoring ? ", --monitoring" : ""}, runtime ${runtimeName()}):`);
  for (const name of names) {
    console.log(`  ${name.padEnd(6)} CPU ${median(cpu[name]).toFixed(3)} ms/call (÷ echo ${ratio(name, "echo").toFixed(2)}), c=32 ${median(rps[name]).toFixed(0)} req/s, c=1 p50 ${median(p50[name]).toFixed(3)} ms, RSS ${rssMb(servers[name].child.pid).toFixed(0)} MB`);
  }
  console.log(`  after ÷ before CPU per call: ${ratio("after", "before").toFixed(2)} (median of per-rep ratios)`);
} finally {
  await stopAll(started);
  rmSync(before, { recursive: true, force: true });
}
