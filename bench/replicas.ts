/**
 * bench/replicas: does a CPU-bound executor scale with replicas? The same flow with replicas 1 and 2 (executor
 * processes doing ~20 ms of arithmetic per request), loaded at concurrency 8 over gRPC, 3 alternating reps; prints
 * the median ratio of req/s (2 ÷ 1; 2.0 is perfect on 2 free cores) and `BENCH_RESULT {json}` last. The floor in the
 * same run: the same work in 1 or 2 raw node:http2 servers (bench/serve-raw-echo.ts burn) behind a raw round-robin proxy
 * (bench/serve-raw-proxy.ts), 2 ÷ 1, i.e. how far 2 replicas can scale on this machine as loaded, with no framework.
 * Run: `npx tsx bench/replicas.ts` (BENCH_REQUESTS, BENCH_REPS, BENCH_WORK_MS).
 */
import { createDataRequest, Document, DocumentArray, encodeDataRequest } from "../docarray/mod.ts";
import { grpcEnvelope } from "../runtime/grpc-frame.ts";
import { getEnv } from "../runtime/mod.ts";
import { type BenchChild, childPids, cpuMs, startChild, stopAll } from "./children.ts";
import { grpcPoster } from "./grpc-load.ts";
import { measure, median } from "./measure.ts";
import { workMs } from "./burn.ts";

const requests = Number(getEnv("BENCH_REQUESTS") ?? 200);
const reps = Number(getEnv("BENCH_REPS") ?? 3);
const body = grpcEnvelope(encodeDataRequest(createDataRequest({ endpoint: "/burn", docs: new DocumentArray([new Document({ text: "x" })]) })), false);
const started: (BenchChild | undefined)[] = [];
try {
  const one = await startChild("./serve-replicas.ts", ["1"]);
  started.push(one);
  const two = await startChild("./serve-replicas.ts", ["2"]);
  started.push(two);
  const burners = [await startChild("./serve-raw-echo.ts", ["burn"]), await startChild("./serve-raw-echo.ts", ["burn"])];
  started.push(...burners);
  const rawOne = await startChild("./serve-raw-proxy.ts", [String(burners[0]!.info.port)]);
  started.push(rawOne);
  const rawTwo = await startChild("./serve-raw-proxy.ts", burners.map((burner) => String(burner.info.port)));
  started.push(rawTwo);
  const raw = { one: [] as number[], two: [] as number[] };
  const rps = { one: [] as number[], two: [] as number[] };
  // The gateway runs in the flow's own process (the replicas are its children): its CPU per request, the part of
  // each request that competes with the replicas for the 2 cores.
  const gatewayCpu = { one: [] as number[], two: [] as number[] };
  const replicaPids = childPids(two.child.pid);
  const cpuBefore = replicaPids.map(cpuMs);
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, flow] of [["one", one], ["two", two]] as const) {
      const poster = grpcPoster(flow.info.gateway!, "/jina.JinaSingleDataRequestRPC/process_single_data", body);
      const before = cpuMs(flow.child.pid);
      const measured = await measure(name, poster.post, { concurrency: 8, requests, warmup: 16 });
      rps[name].push(measured.rps);
      gatewayCpu[name].push((cpuMs(flow.child.pid) - before) / (measured.requests + 16));
      poster.close();
    }
    for (const [name, proxy] of [["one", rawOne], ["two", rawTwo]] as const) {
      const poster = grpcPoster(proxy.info.port!, "/burn", body);
      raw[name].push((await measure(`raw ${name}`, poster.post, { concurrency: 8, requests, warmup: 16 })).rps);
      poster.close();
    }
  }
  const cpuUsed = replicaPids.map((pid, i) => cpuMs(pid) - cpuBefore[i]!);
  const total = cpuUsed.reduce((sum, used) => sum + used, 0);
  const result = {
    ratio: median(rps.two.map((two, i) => two / rps.one[i]!)),
    /** The floor: 2 ÷ 1 raw servers doing the same work behind a raw round-robin proxy. */
    floorRatio: median(raw.two.map((two, i) => two / raw.one[i]!)),
    rpsOne: median(rps.one),
    rpsTwo: median(rps.two),
    /** Share of the executors' CPU time each replica of the replicas-2 flow took (0.5 each when the load is split evenly). */
    cpuShares: cpuUsed.map((used) => Number((used / total).toFixed(2))),
    /** The gateway process's CPU ms per request, with replicas 1 and 2. */
    gatewayCpuMsPerRequest: { one: Number(median(gatewayCpu.one).toFixed(3)), two: Number(median(gatewayCpu.two).toFixed(3)) },
  };
  console.log(`replicas (CPU-bound executor, c=8, ${reps} reps × ${requests} requests):`);
  console.log(`  replicas 1: ${result.rpsOne.toFixed(1)} req/s, replicas 2: ${result.rpsTwo.toFixed(1)} req/s → ratio ${result.ratio.toFixed(2)} (goal ≥ 1.7)`);
  console.log(`  floor, raw node:http2 servers doing the same work behind a raw round-robin proxy: 2 ÷ 1 = ${result.floorRatio.toFixed(2)}`);
  console.log(`  replicas 2: share of the executors' CPU time per replica ${result.cpuShares.join(" / ")}`);
  console.log(`  gateway CPU per request: ${result.gatewayCpuMsPerRequest.one} ms (replicas 1), ${result.gatewayCpuMsPerRequest.two} ms (replicas 2), against ${workMs} ms of work`);
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
} finally {
  await stopAll(started);
}
