/**
 * bench/inprocess: what the framework costs per request when the whole flow is in one process, without HTTP: the
 * pipeline bench's 10-document JSON body parsed into a request (as the HTTP data route does), through a gateway with
 * 3 in-process no-op executors, and its answer written as JSON, 32 requests at a time. Beside it, in the same
 * process and alternating reps, the floor: the same body through `JSON.parse` and `JSON.stringify` alone.
 * Prints CPU per request (all threads, so the garbage collector's helpers count) and the ratio to the floor, and the
 * share of wall time spent in garbage-collection pauses. Medians of BENCH_REPS reps of BENCH_REQUESTS requests.
 * Run: `npx tsx bench/inprocess.ts` (also with deno/bun: `node_modules/.bin/bun bench/inprocess.ts`).
 * Prints `BENCH_RESULT {json}` last.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { dataRequestToJSON } from "../docarray/mod.ts";
import { createExecutorTransport } from "../executor/mod.ts";
import { createGateway, parseRequestBody } from "../gateway/mod.ts";
import { markOwned } from "../proto/ownership.ts";
import { getEnv } from "../runtime/mod.ts";
import { measure, median } from "./measure.ts";
import { Noop } from "./noop-executor.ts";
import { pipelineBody } from "./pipeline-request.ts";

const requests = Number(getEnv("BENCH_REQUESTS") ?? 20000);
const reps = Number(getEnv("BENCH_REPS") ?? 5);
const concurrency = 32;

const stages = ["stage1", "stage2", "stage3"];
const gateway = createGateway({
  graph: { "start-gateway": ["stage1"], stage1: ["stage2"], stage2: ["stage3"], stage3: ["end-gateway"] },
  deployments: stages.map((name) => ({ name, shards: [[createExecutorTransport(new Noop({ metas: { name } }))]] })),
});

let written = 0;
/** One request as the HTTP data route handles it: parsed and owned, through the flow, answered as JSON. */
async function throughFlow(): Promise<void> {
  const answer = await gateway.handle(markOwned(parseRequestBody(JSON.parse(pipelineBody), {})));
  written += JSON.stringify(dataRequestToJSON(answer)).length;
}
/** The floor: the body parsed and written again. */
function jsonOnly(): Promise<void> {
  written += JSON.stringify(JSON.parse(pipelineBody)).length;
  return Promise.resolve();
}

// Garbage-collection pauses, where the runtime reports them (Node; Deno and Bun report none).
let gcMs = 0;
const observer = (() => {
  try {
    const observing = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration;
    });
    observing.observe({ entryTypes: ["gc"] });
    return observing;
  } catch {
    return undefined;
  }
})();

/** Runs `n` calls of `one`, `concurrency` at a time; CPU µs per call (all threads) and the GC share of wall time. */
async function run(one: () => Promise<void>, n: number): Promise<{ cpuUs: number; gcShare: number }> {
  const cpu = process.cpuUsage();
  const gcBefore = gcMs;
  const measured = await measure("inprocess", one, { concurrency, requests: n, warmup: 0 });
  await new Promise((resolve) => setTimeout(resolve, 0)); // let the GC observer report this rep's pauses
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / n, gcShare: (gcMs - gcBefore) / ((n / measured.rps) * 1000) };
}

await run(throughFlow, 5000); // warm the JIT
await run(jsonOnly, 5000);
const flow: { cpuUs: number; gcShare: number }[] = [];
const floor: { cpuUs: number; gcShare: number }[] = [];
for (let rep = 0; rep < reps; rep++) {
  flow.push(await run(throughFlow, requests));
  floor.push(await run(jsonOnly, requests));
}
observer?.disconnect();
await gateway.close();

const result = {
  flowCpuUsPerRequest: median(flow.map((one) => one.cpuUs)),
  floorCpuUsPerRequest: median(floor.map((one) => one.cpuUs)),
  ratio: median(flow.map((one, i) => one.cpuUs / floor[i]!.cpuUs)),
  flowGcShare: median(flow.map((one) => one.gcShare)),
};
console.log(`in-process flow (3 no-op stages, 10-doc JSON body, c=${concurrency}, ${reps} reps × ${requests} requests, no HTTP):`);
console.log(`  CPU per request: flow ${result.flowCpuUsPerRequest.toFixed(1)} µs, JSON parse+stringify alone ${result.floorCpuUsPerRequest.toFixed(1)} µs → ratio ${result.ratio.toFixed(2)}×`);
console.log(`  garbage-collection pauses: ${(result.flowGcShare * 100).toFixed(1)} % of the flow's wall time${observer ? "" : " (not reported by this runtime)"}`);
console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
if (written === 0) throw new Error("nothing was written");
