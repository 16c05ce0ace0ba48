/**
 * bench/client-post: what one `client.post()` of one document costs end to end at concurrency 1, per protocol, the
 * way a user's program calls a flow: the Client (this process) → gateway → one no-op executor process
 * (bench/serve-flow.ts). gRPC goes over `jina.JinaRPC/Call`, the stream Jina's clients use, where bench/hop.ts
 * measures the gateway's unary `process_single_data`. Beside it, in the same run, the baseline: a raw node:http2
 * client → raw proxy → raw echo (bench/serve-raw-proxy.ts, serve-raw-echo.ts), one request at a time.
 *
 * For each side: the mean time per call and the CPU per call of every process (client, front, back), from /proc;
 * the ratios are ours ÷ the baseline. Blocks of BENCH_REQUESTS calls of each side in turn, BENCH_REPS times; medians.
 * Prints `BENCH_RESULT {json}` last. Run: `npx tsx bench/client-post.ts`.
 */
import { Client } from "../client/mod.ts";
import { createDataRequest, Document, DocumentArray, encodeDataRequest } from "../docarray/mod.ts";
import { grpcEnvelope } from "../runtime/grpc-frame.ts";
import { getEnv } from "../runtime/mod.ts";
import { type BenchChild, childPids, cpuMs, startChild, stopAll } from "./children.ts";
import { grpcPoster } from "./grpc-load.ts";
import { median } from "./measure.ts";

const requests = Number(getEnv("BENCH_REQUESTS") ?? 1000);
const reps = Number(getEnv("BENCH_REPS") ?? 3);
const protocols = ["grpc", "http", "websocket"] as const;
type Side = (typeof protocols)[number] | "baseline";

/** Per call: wall time and CPU of the caller (this process), the front (gateway, proxy) and the back (executor, echo). */
interface Cost {
  wallMs: number;
  clientCpuMs: number;
  frontCpuMs: number;
  backCpuMs: number;
}

/** Runs `call` `requests` times one after the other and says what each call cost. */
async function costOf(call: () => Promise<unknown>, front: number, back: number): Promise<Cost> {
  const before = { client: process.cpuUsage(), front: cpuMs(front), back: cpuMs(back), at: performance.now() };
  for (let i = 0; i < requests; i++) await call();
  const client = process.cpuUsage(before.client);
  return {
    wallMs: (performance.now() - before.at) / requests,
    clientCpuMs: (client.user + client.system) / 1000 / requests,
    frontCpuMs: (cpuMs(front) - before.front) / requests,
    backCpuMs: (cpuMs(back) - before.back) / requests,
  };
}

const started: BenchChild[] = [];
try {
  const flow = await startChild("./serve-flow.ts");
  started.push(flow);
  const echo = await startChild("./serve-raw-echo.ts");
  started.push(echo);
  const proxy = await startChild("./serve-raw-proxy.ts", [String(echo.info.port)]);
  started.push(proxy);
  const executor = childPids(flow.child.pid)[0]!;
  const docs = new DocumentArray([new Document({ id: "bench-doc", text: "hello jina-ts", tags: { n: 1 } })]);
  const ports = { grpc: flow.info.gateway!, http: flow.info.http!, websocket: flow.info.websocket! };
  const clients = Object.fromEntries(protocols.map((protocol) => [protocol, new Client({ port: ports[protocol], protocol })]));
  const raw = grpcPoster(proxy.info.port!, "/echo", grpcEnvelope(encodeDataRequest(createDataRequest({ endpoint: "/x", docs })), false));
  const sides: Record<Side, { call: () => Promise<unknown>; front: number; back: number }> = {
    grpc: { call: () => clients.grpc!.post("/x", docs), front: flow.child.pid, back: executor },
    http: { call: () => clients.http!.post("/x", docs), front: flow.child.pid, back: executor },
    websocket: { call: () => clients.websocket!.post("/x", docs), front: flow.child.pid, back: executor },
    baseline: { call: raw.post, front: proxy.child.pid, back: echo.child.pid },
  };
  const names = Object.keys(sides) as Side[];
  const costs = Object.fromEntries(names.map((name) => [name, [] as Cost[]])) as Record<Side, Cost[]>;
  for (const name of names) for (let i = 0; i < 200; i++) await sides[name].call(); // warm every path first
  for (let rep = 0; rep < reps; rep++) {
    for (const name of names) costs[name].push(await costOf(sides[name].call, sides[name].front, sides[name].back));
  }
  for (const client of Object.values(clients)) client.close();
  raw.close();

  const medianOf = (name: Side, key: keyof Cost) => median(costs[name].map((cost) => cost[key]));
  const totalCpu = (name: Side) => medianOf(name, "clientCpuMs") + medianOf(name, "frontCpuMs") + medianOf(name, "backCpuMs");
  const result = Object.fromEntries(names.map((name) => [name, {
    wallMs: Number(medianOf(name, "wallMs").toFixed(3)),
    clientCpuMs: Number(medianOf(name, "clientCpuMs").toFixed(3)),
    frontCpuMs: Number(medianOf(name, "frontCpuMs").toFixed(3)),
    backCpuMs: Number(medianOf(name, "backCpuMs").toFixed(3)),
    wallRatio: Number((medianOf(name, "wallMs") / medianOf("baseline", "wallMs")).toFixed(2)),
    cpuRatio: Number((totalCpu(name) / totalCpu("baseline")).toFixed(2)),
  }]));
  console.log(`client.post() of 1 document at c=1 (${reps} reps × ${requests} calls; CPU per call by process, ÷ a raw node:http2 client → proxy → echo):`);
  for (const name of names) {
    const r = result[name]!;
    console.log(`  ${name.padEnd(9)} ${r.wallMs.toFixed(2)} ms/call (${r.wallRatio}×), CPU client ${r.clientCpuMs.toFixed(3)} + front ${r.frontCpuMs.toFixed(3)} + back ${r.backCpuMs.toFixed(3)} ms (${r.cpuRatio}×)`);
  }
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
} finally {
  await stopAll(started);
}
