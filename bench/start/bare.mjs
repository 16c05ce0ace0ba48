// The baseline: N bare Node processes that each open a port and say so, started in parallel, then stopped.
// Prints "START_MS <all ready ms> <all exited ms>".
import { spawn } from "node:child_process";

const count = Number(process.argv[2] ?? 10);
const script = "require('node:net').createServer().listen(0, '127.0.0.1', function () { console.log('ready ' + this.address().port); });";
const started = performance.now();
const children = Array.from({ length: count }, () => spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] }));
await Promise.all(children.map((child) => new Promise((resolve) => child.stdout.once("data", resolve))));
const ready = performance.now();
await Promise.all(children.map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill()))));
console.log(`START_MS ${(ready - started).toFixed(0)} ${(performance.now() - started).toFixed(0)}`);
