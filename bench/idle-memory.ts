/**
 * bench/idle-memory: what a flow holds when idle (Jina users report an empty Flow at ~80 MB + ~66 MB across its two
 * processes: jina-ai/serve #6168). From the package build on Node (plain node, no loader): the resident memory (RSS)
 * of the gateway's process (gRPC + HTTP + WebSocket) and of one no-op executor process, right after start and again
 * after 2,000 HTTP posts, each ÷ a bare node:http2 server process's RSS in the same run (the floor: what Node itself
 * costs). Medians of BENCH_REPS (default 3) fresh starts. Linux (/proc); prints `BENCH_RESULT {json}` last.
 * Run: `npx tsx bench/idle-memory.ts` (builds dist/ first when it is missing).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getEnv } from "../runtime/mod.ts";
import { childPids, startChild, stopAll } from "./children.ts";
import { httpPoster } from "./http-load.ts";
import { measure, median } from "./measure.ts";
import { pipelineBody } from "./pipeline-request.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
if (!existsSync(`${root}dist/mod.js`)) spawnSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: "inherit" });
const reps = Number(getEnv("BENCH_REPS") ?? 3);

/** Resident memory of `pid` in MiB (Linux). */
function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 2000));
const figures = { bare: [] as number[], gateway: [] as number[], executor: [] as number[], gatewayLoaded: [] as number[], executorLoaded: [] as number[] };
for (let rep = 0; rep < reps; rep++) {
  const bare = await startChild("./start/idle-bare.mjs");
  const flow = await startChild("./start/idle-flow.mjs");
  try {
    await settle();
    const executorPid = childPids(flow.child.pid)[0]!;
    figures.bare.push(rssMiB(bare.child.pid));
    figures.gateway.push(rssMiB(flow.child.pid));
    figures.executor.push(rssMiB(executorPid));
    const poster = httpPoster(flow.info.http!, "/post", pipelineBody, 8);
    await measure("idle-memory", poster.post, { concurrency: 8, requests: 2000, warmup: 0 });
    poster.close();
    await settle();
    figures.gatewayLoaded.push(rssMiB(flow.child.pid));
    figures.executorLoaded.push(rssMiB(executorPid));
  } finally {
    await stopAll([flow, bare]);
  }
}
const bare = median(figures.bare);
const result = Object.fromEntries(Object.entries(figures).map(([name, values]) => [name, Number(median(values).toFixed(1))])) as Record<keyof typeof figures, number>;
const ratio = (name: keyof typeof figures) => Number((result[name] / bare).toFixed(2));
console.log(`idle memory (RSS, medians of ${reps} starts, Node, from dist/; a bare node:http2 server: ${result.bare} MiB):`);
console.log(`  after start: gateway ${result.gateway} MiB (÷ bare ${ratio("gateway")}), executor ${result.executor} MiB (÷ bare ${ratio("executor")}); both ${(result.gateway + result.executor).toFixed(0)} MiB`);
console.log(`  after 2,000 HTTP posts: gateway ${result.gatewayLoaded} MiB (÷ bare ${ratio("gatewayLoaded")}), executor ${result.executorLoaded} MiB (÷ bare ${ratio("executorLoaded")})`);
console.log(`  (Jina 3.x, reported: an empty Flow ~80 MB + ~66 MB across its two processes, jina-ai/serve #6168)`);
console.log(`BENCH_RESULT ${JSON.stringify({ ...result, gatewayRatio: ratio("gateway"), executorRatio: ratio("executor"), gatewayLoadedRatio: ratio("gatewayLoaded"), executorLoadedRatio: ratio("executorLoaded") })}`);
