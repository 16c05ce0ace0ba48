/**
 * Child process of bench/hop.ts and bench/protocols.ts: serves a flow `gateway → Noop executor (own process)` on
 * gRPC, HTTP (+ Connect) and WebSocket and prints one line
 * `BENCH_READY {"gateway":port,"http":port,"websocket":port,"executor":port}`; stops on SIGTERM.
 */
import { Flow } from "../mod.ts";

const flow = await new Flow({ protocol: ["grpc", "http", "websocket"] })
  .add({ name: "noop", uses: "./bench/noop-executor.ts#Noop" })
  .start();
const target = flow.pods[0]!.shards[0]![0]!.target as string;
console.log(`BENCH_READY ${JSON.stringify({ gateway: flow.ports[0], http: flow.ports[1], websocket: flow.ports[2], executor: Number(target.split(":").at(-1)) })}`);
await flow.block();
