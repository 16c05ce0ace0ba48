// Child of bench/idle-memory.ts: a flow from the package build (plain node, no loader): the gateway on gRPC, HTTP
// and WebSocket and one no-op executor in its own process (importing `jina-ts/executor`). Prints
// `BENCH_READY {"grpc":port,"http":port}` once ready; stops on SIGTERM.
import { Flow } from "../../dist/mod.js";

const uses = new URL("./noop-executor-lean.mjs", import.meta.url).pathname + "#Noop";
const flow = await new Flow({ protocol: ["grpc", "http", "websocket"] }).add({ name: "noop", uses }).start();
console.log(`BENCH_READY ${JSON.stringify({ grpc: flow.ports[0], http: flow.ports[1] })}`);
process.on("SIGTERM", () => void flow.close().then(() => process.exit(0)));
