// The same flow as flow-dist.mjs from the TypeScript sources (tsx in every process): the "before" figure.
import { Flow } from "../../mod.ts";

const count = Number(globalThis.process.argv[2] ?? 10);
const uses = new URL("../noop-executor.ts", import.meta.url).pathname + "#Noop";
const started = performance.now();
const flow = new Flow();
for (let i = 0; i < count; i++) flow.add({ name: `noop${i}`, uses, needs: "gateway" });
await flow.start();
const ready = performance.now();
await flow.close();
console.log(`START_MS ${(ready - started).toFixed(0)} ${(performance.now() - started).toFixed(0)}`);
