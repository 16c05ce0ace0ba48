/**
 * Child process of bench/hop.ts, bench/protocols.ts and bench/observability.ts: serves a flow
 * `gateway → Noop executor (own process)` on gRPC, HTTP (+ Connect) and WebSocket and prints one line
 * `BENCH_READY {"gateway":port,"http":port,"websocket":port,"executor":port}`; stops on SIGTERM.
 * Arguments: `monitoring` turns on Prometheus metrics (gateway and executor); `tracing` registers an OpenTelemetry
 * SDK in the gateway's process (every span recorded and handed to an exporter that drops it, W3C trace context
 * sent to the executor).
 */
import { Flow } from "../mod.ts";

const args = new Set(process.argv.slice(2));
if (args.has("tracing")) (await import("./tracing-sdk.ts")).registerTracing();
const flow = await new Flow({ protocol: ["grpc", "http", "websocket"], ...(args.has("monitoring") ? { monitoring: true } : {}) })
  .add({ name: "noop", uses: "./bench/noop-executor.ts#Noop" })
  .start();
const target = flow.pods[0]!.shards[0]![0]!.target as string;
console.log(`BENCH_READY ${JSON.stringify({ gateway: flow.ports[0], http: flow.ports[1], websocket: flow.ports[2], executor: Number(target.split(":").at(-1)) })}`);
await flow.block();
