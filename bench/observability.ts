/**
 * bench/observability: what metrics and tracing cost when they are on, against the same flow with both off, in one
 * run (alternating reps, medians of per-rep ratios). Three flows `gateway → one no-op executor (own process)`
 * (bench/serve-flow.ts): plain; `monitoring: true` (Prometheus metrics in the gateway and the executor); and an
 * OpenTelemetry SDK registered in the gateway's process (bench/tracing-sdk.ts: every span recorded, W3C context sent
 * to the executor). The client is bench/hop.ts's raw node:http2 gRPC loop. Prints, for each, req/s at c=32 and p50
 * at c=1 as ratios to the plain flow, and CPU per request of the gateway and the executor (Linux /proc).
 * Run: `npx tsx bench/observability.ts` (BENCH_REQUESTS, BENCH_REPS to change the counts).
 */
import { createDataRequest, Document, DocumentArray, encodeDataRequest } from "../docarray/mod.ts";
import { grpcEnvelope } from "../runtime/grpc-frame.ts";
import { getEnv } from "../runtime/mod.ts";
import { type BenchChild, childPids, cpuMs, startChild, stopAll } from "./children.ts";
import { grpcPoster } from "./grpc-load.ts";
import { interleavedP50, measure, median } from "./measure.ts";

const requests = Number(getEnv("BENCH_REQUESTS") ?? 1000);
const reps = Number(getEnv("BENCH_REPS") ?? 3);
const docs = new DocumentArray([new Document({ id: "bench-doc", text: "hello jina-ts", tags: { n: 1 } })]);
const body = grpcEnvelope(encodeDataRequest(createDataRequest({ endpoint: "/search", docs })), false);
const variants = ["plain", "monitoring", "tracing"] as const;
type Variant = (typeof variants)[number];

/** Per variant, one list per figure, one entry per rep. */
type Samples = Record<Variant, { rps: number[]; p50: number[]; gateway: number[]; executor: number[] }>;

const started: BenchChild[] = [];
try {
  const flows = {} as Record<Variant, { post(): Promise<void>; close(): void; gatewayPid: number; executorPid: number }>;
  for (const variant of variants) {
    const flow = await startChild("./serve-flow.ts", variant === "plain" ? [] : [variant]);
    started.push(flow);
    const poster = grpcPoster(flow.info.gateway!, "/jina.JinaSingleDataRequestRPC/process_single_data", body);
    flows[variant] = { ...poster, gatewayPid: flow.child.pid, executorPid: childPids(flow.child.pid)[0] ?? NaN };
  }
  const samples = Object.fromEntries(variants.map((v) => [v, { rps: [], p50: [], gateway: [], executor: [] }])) as unknown as Samples;
  for (let rep = 0; rep < reps; rep++) {
    // c=1: the variants side by side, blocks of 100 calls of each in turn (the same machine for all of them)
    const oneAtATime = await interleavedP50(Object.fromEntries(variants.map((variant) => [variant, flows[variant].post])), { requests: Math.ceil(requests / 4) });
    for (const variant of variants) samples[variant].p50.push(oneAtATime[variant]!);
    // A different variant goes first in each rep, so that none always runs right after the machine's quiet spell.
    for (const variant of [...variants.slice(rep % variants.length), ...variants.slice(0, rep % variants.length)]) {
      const flow = flows[variant];
      const before = [cpuMs(flow.gatewayPid), cpuMs(flow.executorPid)];
      const loaded = await measure(variant, flow.post, { concurrency: 32, requests, warmup: 64 });
      samples[variant].rps.push(loaded.rps);
      samples[variant].gateway.push((cpuMs(flow.gatewayPid) - before[0]!) / loaded.requests);
      samples[variant].executor.push((cpuMs(flow.executorPid) - before[1]!) / loaded.requests);
    }
  }
  for (const flow of Object.values(flows)) flow.close();
  const ratio = (variant: Variant, figure: "rps" | "p50" | "gateway" | "executor") =>
    median(samples[variant][figure].map((value, i) => value / samples.plain[figure][i]!));
  console.log(`observability (${reps} reps, ${requests} requests at c=32; ratios to the plain flow in the same rep):`);
  console.log("| flow | c=32 req/s | ÷ plain | c=1 p50 ms | ÷ plain | gateway CPU ms/req | ÷ plain | executor CPU ms/req | ÷ plain |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  const result: Record<string, Record<string, number>> = {};
  for (const variant of variants) {
    const s = samples[variant];
    result[variant] = {
      rps: median(s.rps), rpsRatio: ratio(variant, "rps"), p50Ms: median(s.p50), p50Ratio: ratio(variant, "p50"),
      gatewayCpuMs: median(s.gateway), gatewayCpuRatio: ratio(variant, "gateway"),
      executorCpuMs: median(s.executor), executorCpuRatio: ratio(variant, "executor"),
    };
    const r = result[variant]!;
    console.log(
      `| ${variant} | ${r.rps!.toFixed(0)} | ${r.rpsRatio!.toFixed(2)} | ${r.p50Ms!.toFixed(2)} | ${r.p50Ratio!.toFixed(2)}× | ` +
        `${r.gatewayCpuMs!.toFixed(3)} | ${r.gatewayCpuRatio!.toFixed(2)}× | ${r.executorCpuMs!.toFixed(3)} | ${r.executorCpuRatio!.toFixed(2)}× |`,
    );
  }
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
} finally {
  await stopAll(started);
}
