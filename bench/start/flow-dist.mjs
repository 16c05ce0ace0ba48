// Starts a flow of N process executors from the package build (plain Node, no loader), closes it, and prints
// "START_MS <start→ready ms> <start→closed ms>".
import { Flow } from "../../dist/mod.js";

const count = Number(process.argv[2] ?? 10);
const uses = new URL("./noop-executor.mjs", import.meta.url).pathname + "#Noop";
const started = performance.now();
const flow = new Flow();
for (let i = 0; i < count; i++) flow.add({ name: `noop${i}`, uses, needs: "gateway" });
await flow.start();
const ready = performance.now();
await flow.close();
console.log(`START_MS ${(ready - started).toFixed(0)} ${(performance.now() - started).toFixed(0)}`);
