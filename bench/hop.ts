/**
 * bench/hop: what a gateway hop costs, against its baseline, in one run (3 alternating reps, medians):
 *   baseline  client → raw node:http2 proxy → raw node:http2 echo (two processes, the same bytes);
 *   jina-ts   client → gRPC gateway → one no-op executor (two processes), `process_single_data`.
 * The client is the same raw node:http2 loop for both (a gRPC-framed DataRequest, status read from the trailers).
 * Prints p50 at concurrency 1 (the servers side by side: blocks of 100 calls of each in turn), req/s at 32, the
 * ratios, and the CPU time per request at c=32 of each process (Linux): gateway ÷ proxy and executor ÷ echo, figures
 * a busy machine moves less than req/s. Run: `npx tsx bench/hop.ts` (BENCH_REQUESTS, BENCH_REPS, BENCH_WARMUP to change the counts).
 * Every server is first warmed with BENCH_WARMUP requests at c=32 (default 2000), so that no rep measures a cold JIT: our
 * gateway and executor have far more code for the JIT to optimise than the raw proxy and echo (without it, the first
 * reps of 3000 requests measured the gateway at 0.62–0.72 of the proxy, warmed ~0.9, on the same machine).
 * `BENCH_MONITORING=1` runs the flows with Prometheus metrics on. `--before DIR` also runs the flow of another tree
 * (a checkout of an earlier revision, with its node_modules), its gateway alternating with this one's in every rep,
 * and prints the CPU per call of both and their ratios. Its spread: two identical trees measured gateway CPU 1.22,
 * 1.02 and 0.92 in three runs of 5 × 3,000 (2026-12-02): run an A/B two or three times before believing it, or
 * measure the changed piece alone.
 */
import { createDataRequest, Document, DocumentArray, encodeDataRequest } from "../docarray/mod.ts";
import { grpcEnvelope } from "../runtime/grpc-frame.ts";
import { getEnv } from "../runtime/mod.ts";
import { type BenchChild, childPids, cpuMs, startChild, stopAll } from "./children.ts";
import { grpcPoster } from "./grpc-load.ts";
import { interleavedP50, measure, median } from "./measure.ts";
import { commandArgs } from "../runtime/mod.ts";
import { pathToFileURL } from "node:url";

const args = commandArgs();
const beforeDir = args.includes("--before") ? args[args.indexOf("--before") + 1]!.replace(/\/?$/, "/") : undefined;
const requests = Number(getEnv("BENCH_REQUESTS") ?? 1000);
const reps = Number(getEnv("BENCH_REPS") ?? 3);
const warmup = Number(getEnv("BENCH_WARMUP") ?? 2000);
// BENCH_MONITORING=1: the flows keep Prometheus metrics (gateway and executor), as a monitored deployment does
const flowArgs = getEnv("BENCH_MONITORING") === "1" ? ["monitoring"] : [];
const docs = new DocumentArray([new Document({ id: "bench-doc", text: "hello jina-ts", tags: { n: 1 } })]);
const body = grpcEnvelope(encodeDataRequest(createDataRequest({ endpoint: "/search", docs })), false);

/** The figures of one hop bench run (printed as `BENCH_RESULT {json}` for bench/all.ts). */
interface HopResult {
  p50Ratio: number;
  rpsRatio: number;
  gatewayP50Ms: number;
  proxyP50Ms: number;
  gatewayRps: number;
  proxyRps: number;
  gatewayCpuMsPerRequest: number;
  executorCpuMsPerRequest: number;
  /** The raw proxy's and the raw echo's CPU per request at c=32 (the baseline's two processes). */
  proxyCpuMsPerRequest: number;
  echoCpuMsPerRequest: number;
  /** Gateway ÷ proxy and executor ÷ echo CPU per request (medians of per-rep ratios): steadier than req/s on a busy machine. */
  gatewayCpuRatio: number;
  executorCpuRatio: number;
  /** With `--before`: the other tree's gateway and executor CPU per call, and this tree's ÷ its (medians of reps). */
  before?: { gatewayCpuMsPerRequest: number; executorCpuMsPerRequest: number; gatewayCpuRatio: number; executorCpuRatio: number; p50Ratio: number; rpsRatio: number };
}

/** Runs the hop bench and prints its figures. */
async function runHop(): Promise<HopResult> {
  const started: (BenchChild | undefined)[] = [];
  try {
    const echo = await startChild("./serve-raw-echo.ts");
    started.push(echo);
    const proxy = await startChild("./serve-raw-proxy.ts", [String(echo.info.port)]);
    started.push(proxy);
    const flow = await startChild("./serve-flow.ts", flowArgs);
    started.push(flow);
    const other = beforeDir ? await startChild(pathToFileURL(`${beforeDir}bench/serve-flow.ts`), flowArgs, beforeDir) : undefined;
    started.push(other);
    const path = "/jina.JinaSingleDataRequestRPC/process_single_data";
    const proxyPoster = grpcPoster(proxy.info.port!, "/echo", body);
    const gatewayPoster = grpcPoster(flow.info.gateway!, path, body);
    const beforePoster = other && grpcPoster(other.info.gateway!, path, body);
    const cases = { proxy: proxyPoster.post, gateway: gatewayPoster.post, before: beforePoster?.post };
    const pids = { proxy: [proxy.child.pid, echo.child.pid], gateway: [flow.child.pid, childPids(flow.child.pid)[0] ?? NaN], before: other ? [other.child.pid, childPids(other.child.pid)[0] ?? NaN] : [] };
    const p50 = { proxy: [] as number[], gateway: [] as number[], before: [] as number[] };
    const rps = { proxy: [] as number[], gateway: [] as number[], before: [] as number[] };
    const cpu = { proxy: [] as number[], echo: [] as number[], gateway: [] as number[], executor: [] as number[], beforeGateway: [] as number[], beforeExecutor: [] as number[] };
    const names = other ? (["proxy", "gateway", "before"] as const) : (["proxy", "gateway"] as const);
    for (const name of names) await measure(name, cases[name]!, { concurrency: 32, requests: warmup, warmup: 0 });
    for (let rep = 0; rep < reps; rep++) {
      // c=1: the servers side by side, blocks of 100 calls of each in turn (the same machine for all of them)
      const oneAtATime = await interleavedP50(Object.fromEntries(names.map((name) => [name, cases[name]!])), { requests: Math.ceil(requests / 4) });
      for (const name of names) p50[name].push(oneAtATime[name]!);
      // with --before, every other rep runs the two trees in the other order
      for (const name of rep % 2 && other ? [...names].reverse() : names) {
        const post = cases[name]!;
        const [frontPid, backPid] = pids[name];
        const before = [cpuMs(frontPid!), cpuMs(backPid!)];
        const loaded = await measure(name, post, { concurrency: 32, requests, warmup: 64 });
        rps[name].push(loaded.rps);
        const [front, back] = { proxy: [cpu.proxy, cpu.echo], gateway: [cpu.gateway, cpu.executor], before: [cpu.beforeGateway, cpu.beforeExecutor] }[name];
        front!.push((cpuMs(frontPid!) - before[0]!) / loaded.requests);
        back!.push((cpuMs(backPid!) - before[1]!) / loaded.requests);
      }
    }
    proxyPoster.close();
    gatewayPoster.close();
    beforePoster?.close();
    const ratio = (after: number[], base: number[]) => median(after.map((value, i) => value / base[i]!));
    const result: HopResult = {
      p50Ratio: median(p50.gateway.map((g, i) => g / p50.proxy[i]!)),
      rpsRatio: median(rps.gateway.map((g, i) => g / rps.proxy[i]!)),
      gatewayP50Ms: median(p50.gateway),
      proxyP50Ms: median(p50.proxy),
      gatewayRps: median(rps.gateway),
      proxyRps: median(rps.proxy),
      gatewayCpuMsPerRequest: median(cpu.gateway),
      executorCpuMsPerRequest: median(cpu.executor),
      proxyCpuMsPerRequest: median(cpu.proxy),
      echoCpuMsPerRequest: median(cpu.echo),
      gatewayCpuRatio: ratio(cpu.gateway, cpu.proxy),
      executorCpuRatio: ratio(cpu.executor, cpu.echo),
      ...(other
        ? {
          before: {
            gatewayCpuMsPerRequest: median(cpu.beforeGateway),
            executorCpuMsPerRequest: median(cpu.beforeExecutor),
            gatewayCpuRatio: ratio(cpu.gateway, cpu.beforeGateway),
            executorCpuRatio: ratio(cpu.executor, cpu.beforeExecutor),
            p50Ratio: ratio(p50.gateway, p50.before),
            rpsRatio: ratio(rps.gateway, rps.before),
          },
        }
        : {}),
    };
    console.log(`hop (${reps} reps, ${requests} requests at c=32):`);
    console.log(`  c=1 p50: gateway ${result.gatewayP50Ms.toFixed(2)} ms, raw proxy ${result.proxyP50Ms.toFixed(2)} ms → ratio ${result.p50Ratio.toFixed(2)}× (goal ≤ 1.3×)`);
    console.log(`  c=32 req/s: gateway ${result.gatewayRps.toFixed(0)}, raw proxy ${result.proxyRps.toFixed(0)} → ratio ${result.rpsRatio.toFixed(2)} (goal ≥ 0.8)`);
    console.log(
      `  CPU per request at c=32: gateway ${result.gatewayCpuMsPerRequest.toFixed(3)} ms (÷ raw proxy ${result.proxyCpuMsPerRequest.toFixed(3)}: ${result.gatewayCpuRatio.toFixed(2)}), ` +
        `executor ${result.executorCpuMsPerRequest.toFixed(3)} ms (÷ raw echo ${result.echoCpuMsPerRequest.toFixed(3)}: ${result.executorCpuRatio.toFixed(2)})`,
    );
    if (result.before) {
      const b = result.before;
      console.log(`  --before ${beforeDir}: gateway ${b.gatewayCpuMsPerRequest.toFixed(3)} ms, executor ${b.executorCpuMsPerRequest.toFixed(3)} ms per request`);
      console.log(`  this tree ÷ before (medians of per-rep ratios): gateway CPU ${b.gatewayCpuRatio.toFixed(2)}, executor CPU ${b.executorCpuRatio.toFixed(2)}, c=32 req/s ${b.rpsRatio.toFixed(2)}, c=1 p50 ${b.p50Ratio.toFixed(2)}×`);
    }
    return result;
  } finally {
    await stopAll(started);
  }
}

console.log(`BENCH_RESULT ${JSON.stringify(await runHop())}`);
