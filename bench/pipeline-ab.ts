/**
 * bench/pipeline-ab: bench/pipeline.ts's 3-stage HTTP pipeline (10-doc JSON body, c=32) of two versions in one run,
 * so that a change is measured against what it replaces on the same loaded machine: the working tree and a git
 * ref (default `HEAD`, extracted with `git archive` into a temporary folder that shares this node_modules), each
 * with 3 executor processes and all in one process, beside Moleculer (over NATS when nats-server is installed, and
 * one broker) and the no-framework floors. Every rep runs each server once, in reversed order on odd reps; ratios
 * are medians of per-rep ratios. Also prints each server's CPU per request (all its processes, and its front process
 * alone: the gateway) from /proc, the figure the machine's load moves least, its paired ratio after ÷ before (median
 * of per-rep ratios), and the load average after each rep. Every server is warmed with `BENCH_WARMUP` requests
 * (default 1000) before the first rep, so that no rep measures a cold JIT. `BENCH_OURS=1` runs only the two trees'
 * servers (no Moleculer, no floors): a quicker A/B of a change. `BENCH_RESTART=1` starts both trees' servers afresh
 * for every rep: each process keeps the JIT decisions it happened to make, so without it a paired ratio also
 * measures two processes' luck (same tree against itself: CPU per request 0.90 over processes, 1.05 in one).
 * `BENCH_MONITORING=1` runs both trees' pipelines with Prometheus metrics on. Both trees run this tree's
 * bench/serve-pipeline.ts (the library under it is each tree's own).
 * Run: `npx tsx bench/pipeline-ab.ts <ref> [reps=5] [requests=1000]`, e.g. `npx tsx bench/pipeline-ab.ts 766ae71`.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commandArgs, getEnv } from "../runtime/mod.ts";
import { type BenchChild, childPids, cpuMs, startChild, stopAll } from "./children.ts";
import { httpPoster } from "./http-load.ts";
import { measure, median } from "./measure.ts";
import { freePort, pipelineBody, warmPipeline } from "./pipeline-request.ts";

const [ref = "HEAD", repsArg = "5", requestsArg = "1000"] = commandArgs();
if (!/^[\w./~^-]+$/.test(ref)) throw new Error(`not a git ref: ${ref}`);
const reps = Number(repsArg);
const requests = Number(requestsArg);
const oursOnly = getEnv("BENCH_OURS") === "1";
const warmup = Number(getEnv("BENCH_WARMUP") ?? 1000);
const restart = getEnv("BENCH_RESTART") === "1";
// BENCH_MONITORING=1: both trees' pipelines keep Prometheus metrics (gateway and executors)
const ourArgs = (mode: string) => (getEnv("BENCH_MONITORING") === "1" ? [mode, "monitoring"] : [mode]);
const root = fileURLToPath(new URL("..", import.meta.url));

// The ref's tree, sharing node_modules; its servers run in it (serve-pipeline.ts names its executor module relative to the folder it runs in).
const before = mkdtempSync(join(tmpdir(), "jina-ts-ab-"));
const started: BenchChild[] = [];
let nats: ReturnType<typeof spawn> | undefined;
try {
  execFileSync("sh", ["-c", `git -C "${root}" archive "${ref}" | tar -x -C "${before}"`]);
  symlinkSync(join(root, "node_modules"), join(before, "node_modules"));
  // both trees run this tree's bench server (the same harness; the library under it is each tree's own)
  copyFileSync(join(root, "bench", "serve-pipeline.ts"), join(before, "bench", "serve-pipeline.ts"));
  let transporter: object = { type: "TCP" };
  if (!oursOnly && spawnSync("nats-server", ["--version"]).status === 0) {
    const port = await freePort();
    nats = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    transporter = { type: "NATS", options: { url: `nats://127.0.0.1:${port}` } };
  }
  const beforeScript = new URL(`file://${join(before, "bench", "serve-pipeline.ts")}`);
  const startOurs = async () => {
    const ours = {
      beforeProcesses: await startChild(beforeScript, ourArgs("processes"), before),
      afterProcesses: await startChild("./serve-pipeline.ts", ourArgs("processes"), root),
      beforeInProcess: await startChild(beforeScript, ourArgs("inprocess"), before),
      afterInProcess: await startChild("./serve-pipeline.ts", ourArgs("inprocess"), root),
    };
    started.push(...Object.values(ours));
    return ours;
  };
  const ours = await startOurs();
  const servers: typeof ours & Partial<Record<"moleculerProcesses" | "moleculerOneBroker" | "floorProcesses" | "floorOneProcess", BenchChild>> = oursOnly ? ours : {
    ...ours,
    moleculerProcesses: await startChild("./serve-moleculer.ts", [JSON.stringify(transporter)]),
    moleculerOneBroker: await startChild("./serve-moleculer.ts", ["local"]),
    floorProcesses: await startChild("./serve-raw-pipeline.ts"),
    floorOneProcess: await startChild("./serve-raw-http.ts"),
  };
  started.push(...Object.values(servers).filter((server) => !started.includes(server)));
  type Name = keyof typeof servers;
  const names = Object.keys(servers) as Name[];
  const serverOf = (name: Name) => servers[name]!;
  const warm = async (which: readonly Name[]) => {
    for (const name of which) await warmPipeline(name, serverOf(name).info.http!, warmup);
  };
  await warm(names);
  const rps = {} as Record<Name, number[]>, cpu = {} as Record<Name, number[]>, front = {} as Record<Name, number[]>;
  for (const name of names) [rps[name], cpu[name], front[name]] = [[], [], []];
  const serverCpu = (name: Name) => {
    const pid = serverOf(name).child.pid;
    const pids = [pid, ...childPids(pid), ...(name === "moleculerProcesses" && nats?.pid ? [nats.pid] : [])];
    return pids.reduce((sum, one) => sum + cpuMs(one), 0);
  };
  const loads: string[] = [];
  for (let rep = 0; rep < reps; rep++) {
    if (restart && rep > 0) {
      // Fresh processes of both trees each rep: a long-lived process keeps its own JIT luck, which a paired ratio would carry.
      const stopped = Object.values(ours);
      await stopAll(stopped);
      started.splice(0, started.length, ...started.filter((server) => !stopped.includes(server)));
      Object.assign(ours, await startOurs());
      Object.assign(servers, ours);
      await warm(Object.keys(ours) as Name[]);
    }
    for (const name of rep % 2 ? [...names].reverse() : names) {
      const poster = httpPoster(serverOf(name).info.http!, "/post", pipelineBody, 32);
      const [all0, front0] = [serverCpu(name), cpuMs(serverOf(name).child.pid)];
      const measured = await measure(name, poster.post, { concurrency: 32, requests, warmup: 64 });
      const count = measured.requests + 64;
      rps[name].push(measured.rps);
      cpu[name].push((serverCpu(name) - all0) / count);
      front[name].push((cpuMs(serverOf(name).child.pid) - front0) / count);
      poster.close();
    }
    loads.push(loadavg()[0]!.toFixed(1));
  }
  /** The median of per-rep ratios a ÷ b of one measure. */
  const paired = (of: Record<Name, number[]>, a: Name, b: Name) => median(of[a].map((x, i) => x / of[b][i]!));
  const ratio = (a: Name, b: Name) => paired(rps, a, b).toFixed(2);
  const cpuRatio = (a: Name, b: Name, of = cpu) => paired(of, a, b).toFixed(3);
  const ms = (name: Name) => `${median(cpu[name]).toFixed(3)} ms (front ${median(front[name]).toFixed(3)})`;
  console.log(`pipeline A/B: ${ref} (before) against the working tree (after); ${reps} reps × ${requests} requests, c=32, load average ${loads.join(" / ")}`);
  if (!oursOnly) {
    console.log(`  processes ÷ Moleculer over ${nats ? "NATS" : "TCP"}: before ${ratio("beforeProcesses", "moleculerProcesses")}, after ${ratio("afterProcesses", "moleculerProcesses")}, floor ${ratio("floorProcesses", "moleculerProcesses")}; after ÷ before ${ratio("afterProcesses", "beforeProcesses")}, after ÷ floor ${ratio("afterProcesses", "floorProcesses")}`);
    console.log(`  one process ÷ one broker: before ${ratio("beforeInProcess", "moleculerOneBroker")}, after ${ratio("afterInProcess", "moleculerOneBroker")}, floor ${ratio("floorOneProcess", "moleculerOneBroker")}; after ÷ before ${ratio("afterInProcess", "beforeInProcess")}, after ÷ floor ${ratio("afterInProcess", "floorOneProcess")}`);
  } else {
    console.log(`  req/s after ÷ before: processes ${ratio("afterProcesses", "beforeProcesses")}, one process ${ratio("afterInProcess", "beforeInProcess")}`);
  }
  console.log(`  server CPU per request after ÷ before (paired): processes ${cpuRatio("afterProcesses", "beforeProcesses")} (front ${cpuRatio("afterProcesses", "beforeProcesses", front)}), one process ${cpuRatio("afterInProcess", "beforeInProcess")}`);
  console.log(`  req/s (medians): ${names.map((name) => `${name} ${Math.round(median(rps[name]))}`).join(", ")}`);
  console.log(`  server CPU per request: ${names.map((name) => `${name} ${ms(name)}`).join(", ")}`);
} finally {
  await stopAll(started);
  nats?.kill("SIGTERM");
  rmSync(before, { recursive: true, force: true });
}
