/**
 * Child process of bench/pipeline.ts: jina-ts's 3-stage HTTP pipeline, gateway → stage1 → stage2 → stage3 (no-op
 * executors), with the executors in their own processes (`processes`, the default) or in this one (`inprocess`);
 * a second argument `monitoring` turns Prometheus metrics on (gateway and executors).
 * Prints `BENCH_READY {"http":port}`; stops on SIGTERM.
 */
import { Flow } from "../mod.ts";
import { commandArgs } from "../runtime/mod.ts";
import { Noop } from "./noop-executor.ts";

const inProcess = commandArgs()[0] === "inprocess";
const monitoring = commandArgs().includes("monitoring");
let flow = new Flow({ protocol: "http", ...(monitoring ? { monitoring: true } : {}) });
for (const name of ["stage1", "stage2", "stage3"]) flow = flow.add({ name, uses: inProcess ? Noop : "./bench/noop-executor.ts#Noop" });
const started = await flow.start();
console.log(`BENCH_READY ${JSON.stringify({ http: started.port })}`);
await started.block();
