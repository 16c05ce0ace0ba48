// The baseline: N bare processes of this runtime that each open a port and say so (bare-child.mjs), started in
// parallel, then stopped. BENCH_RUN_ARGS (a JSON array) goes before the script, e.g. ["run", "-A"] for Deno.
// Prints "START_MS <all ready ms> <all exited ms>".
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cpuWithChildrenMs, selfCpuMs } from "./cpu.mjs";

const count = Number(process.argv[2] ?? 10);
const runArgs = JSON.parse(process.env.BENCH_RUN_ARGS ?? "[]");
const child = fileURLToPath(new URL("./bare-child.mjs", import.meta.url));
const started = performance.now();
const children = Array.from({ length: count }, () => spawn(process.execPath, [...runArgs, child], { stdio: ["ignore", "pipe", "inherit"] }));
await Promise.all(children.map((child) => new Promise((resolve) => child.stdout.once("data", resolve))));
const ready = performance.now();
await Promise.all(children.map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill()))));
console.log(`START_MS ${(ready - started).toFixed(0)} ${(performance.now() - started).toFixed(0)}`);
const cpu = cpuWithChildrenMs();
if (cpu !== undefined) console.log(`CPU_MS ${cpu}`);
const self = selfCpuMs();
if (self !== undefined) console.log(`SELF_MS ${self}`);
