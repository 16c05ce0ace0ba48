// Starts a flow of N process executors, closes it, and prints "START_MS <start→ready ms> <start→closed ms>" (and on
// Linux "CPU_MS", all processes, and "SELF_MS", the flow's own process).
// `dist`: jina-ts's package build and a JavaScript executor (plain node, no loader in any process);
// `dist-lean`: as `dist`, with an executor module that imports `jina-ts/executor` instead of the package root;
// `source`: the TypeScript sources and a TypeScript executor (run with `node --import tsx`: tsx in every process).
import { cpuWithChildrenMs, selfCpuMs } from "./cpu.mjs";

const [count = "10", from = "dist"] = process.argv.slice(2);
const distExecutor = from === "dist-lean" ? "./noop-executor-lean.mjs" : "./noop-executor.mjs";
const [{ Flow }, uses] = from.startsWith("dist")
  ? [await import("../../dist/mod.js"), new URL(distExecutor, import.meta.url).pathname + "#Noop"]
  : [await import("../../mod.ts"), new URL("../noop-executor.ts", import.meta.url).pathname + "#Noop"];
const started = performance.now();
const flow = new Flow();
for (let i = 0; i < Number(count); i++) flow.add({ name: `noop${i}`, uses, needs: "gateway" });
await flow.start();
const ready = performance.now();
await flow.close();
console.log(`START_MS ${(ready - started).toFixed(0)} ${(performance.now() - started).toFixed(0)}`);
const cpu = cpuWithChildrenMs();
if (cpu !== undefined) console.log(`CPU_MS ${cpu}`);
const self = selfCpuMs();
if (self !== undefined) console.log(`SELF_MS ${self}`); // the flow's own process (gateway, spawning)
