/**
 * Child process of bench/replicas.ts: a gRPC flow `gateway → burner` (bench/cpu-executor.ts, in its own processes)
 * with as many replicas as the first argument says. Prints `BENCH_READY {"gateway":port}`; stops on SIGTERM.
 */
import { Flow } from "../mod.ts";
import { commandArgs } from "../runtime/mod.ts";

const flow = await new Flow({ protocol: "grpc" })
  .add({ name: "burner", uses: "./bench/cpu-executor.ts#Burner", replicas: Number(commandArgs()[0] ?? 1) })
  .start();
console.log(`BENCH_READY ${JSON.stringify({ gateway: flow.port })}`);
await flow.block();
