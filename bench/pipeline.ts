/**
 * bench/pipeline: a 3-stage HTTP pipeline of no-op stages against Moleculer (moleculer-web + 3 services), the same
 * 10-document JSON body, concurrency 32, 3 alternating reps, medians of the per-rep ratios:
 *   processes:      jina-ts gateway + 3 executor processes  vs  moleculer-web + 3 service nodes over NATS
 *                   (Debian's nats-server; Moleculer's TCP transporter when it is not installed, said in the output);
 *   one process:    jina-ts flow with 3 in-process executors  vs  one Moleculer broker with the 3 services.
 * Beside them, the floor of each case on Node's own servers in the same run (no framework, no codec), so that a goal
 * beyond it shows as such: a bare node:http front forwarding the body's bytes to 3 raw node:http2 echo processes
 * (bench/serve-raw-pipeline.ts), and a bare node:http JSON echo in one process (bench/serve-raw-http.ts), each ÷ the
 * same Moleculer case.
 * Every server is first warmed with BENCH_WARMUP requests (default 5000), so that no rep measures a cold JIT (with 64
 * alone, 3 reps of 1000 requests measured our processes at 1337 req/s and 1.19 CPU-ms per request where warmed
 * servers do ~2,500 and ~0.5; with 1000, one process still measured 0.78–0.88 of one Moleculer broker where 5000
 * gave 0.96: reps of 1000 against a fresh server ran at 1,925, 3,866, 6,154, 8,418, 10,834, 11,804 req/s).
 * Prints `BENCH_RESULT {json}` last. Run: `npx tsx bench/pipeline.ts` (BENCH_REQUESTS, BENCH_REPS, BENCH_WARMUP).
 */
import { spawn, spawnSync } from "node:child_process";
import * as net from "node:net";
import { getEnv } from "../runtime/mod.ts";
import { type BenchChild, childPids, cpuMs, startChild, stopAll } from "./children.ts";
import { httpPoster } from "./http-load.ts";
import { measure, median } from "./measure.ts";
import { freePort, pipelineBody, warmPipeline } from "./pipeline-request.ts";

const requests = Number(getEnv("BENCH_REQUESTS") ?? 1000);
const reps = Number(getEnv("BENCH_REPS") ?? 3);
const warmup = Number(getEnv("BENCH_WARMUP") ?? 5000);
const concurrency = 32;

/** Starts Debian's nats-server on a free port, or returns undefined when it is not installed. */
async function startNats(): Promise<{ url: string; pid: number; stop(): void } | undefined> {
  if (spawnSync("nats-server", ["--version"]).status !== 0) return undefined;
  const port = await freePort();
  const child = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => (socket.end(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    if (up) return { url: `nats://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill("SIGTERM") };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  return undefined;
}

const nats = await startNats();
const transporter = nats ? { type: "NATS", options: { url: nats.url } } : { type: "TCP" };
const started: (BenchChild | undefined)[] = [];
try {
  const servers = {
    oursProcesses: await startChild("./serve-pipeline.ts", ["processes"]),
    oursInProcess: await startChild("./serve-pipeline.ts", ["inprocess"]),
    moleculerProcesses: await startChild("./serve-moleculer.ts", [JSON.stringify(transporter)]),
    moleculerOneBroker: await startChild("./serve-moleculer.ts", ["local"]),
    floorProcesses: await startChild("./serve-raw-pipeline.ts"),
    floorOneProcess: await startChild("./serve-raw-http.ts"),
  };
  started.push(...Object.values(servers));
  const names = Object.keys(servers) as (keyof typeof servers)[];
  const rps = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<keyof typeof servers, number[]>;
  const cpu = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<keyof typeof servers, number[]>;
  // CPU time of a server, its children (executors, stage nodes) and, for Moleculer over NATS, the broker.
  const serverCpu = (name: keyof typeof servers) => {
    const pid = servers[name].child.pid;
    const pids = [pid, ...childPids(pid), ...(name === "moleculerProcesses" && nats ? [nats.pid] : [])];
    return pids.reduce((sum, one) => sum + cpuMs(one), 0);
  };
  for (const name of names) await warmPipeline(name, servers[name].info.http!, warmup);
  for (let rep = 0; rep < reps; rep++) {
    for (const name of names) {
      const poster = httpPoster(servers[name].info.http!, "/post", pipelineBody, concurrency);
      const before = serverCpu(name);
      const measured = await measure(name, poster.post, { concurrency, requests, warmup: 64 });
      rps[name].push(measured.rps);
      cpu[name].push((serverCpu(name) - before) / (measured.requests + 64));
      poster.close();
    }
  }
  const result = {
    transporter: nats ? "NATS (nats-server)" : "TCP (nats-server not installed)",
    processesRatio: median(rps.oursProcesses.map((ours, i) => ours / rps.moleculerProcesses[i]!)),
    oneProcessRatio: median(rps.oursInProcess.map((ours, i) => ours / rps.moleculerOneBroker[i]!)),
    /** The floors: bare node:http + 3 raw node:http2 hops ÷ Moleculer over NATS; a bare node:http JSON echo ÷ one broker. */
    floorProcessesRatio: median(rps.floorProcesses.map((floor, i) => floor / rps.moleculerProcesses[i]!)),
    floorOneProcessRatio: median(rps.floorOneProcess.map((floor, i) => floor / rps.moleculerOneBroker[i]!)),
    rps: Object.fromEntries(Object.entries(rps).map(([name, values]) => [name, Math.round(median(values))])),
    /** Server-side CPU ms per request (all its processes; Linux), the figure the machine's load moves least. */
    cpuMsPerRequest: Object.fromEntries(Object.entries(cpu).map(([name, values]) => [name, Number(median(values).toFixed(3))])),
  };
  console.log(`pipeline (3 no-op stages, 10-doc JSON body, c=${concurrency}, ${reps} reps × ${requests} requests; Moleculer over ${result.transporter}):`);
  console.log(`  processes: jina-ts ${result.rps.oursProcesses} req/s, Moleculer ${result.rps.moleculerProcesses} → ratio ${result.processesRatio.toFixed(2)} (goal ≥ 1.5)`);
  console.log(`  one process: jina-ts ${result.rps.oursInProcess} req/s, Moleculer ${result.rps.moleculerOneBroker} → ratio ${result.oneProcessRatio.toFixed(2)} (goal ≥ 3)`);
  console.log(`  floor, node:http + 3 raw node:http2 echo processes (no codec): ${result.rps.floorProcesses} req/s → ÷ Moleculer ${result.floorProcessesRatio.toFixed(2)}`);
  console.log(`  floor, bare node:http JSON echo in one process: ${result.rps.floorOneProcess} req/s → ÷ one broker ${result.floorOneProcessRatio.toFixed(2)}`);
  const c = result.cpuMsPerRequest;
  console.log(`  server CPU per request: jina-ts processes ${c.oursProcesses} ms, Moleculer ${c.moleculerProcesses} ms; one process ${c.oursInProcess} ms, Moleculer ${c.moleculerOneBroker} ms; floors ${c.floorProcesses} ms, ${c.floorOneProcess} ms`);
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
} finally {
  await stopAll(started);
  nats?.stop();
}
