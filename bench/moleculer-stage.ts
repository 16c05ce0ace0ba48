/**
 * Child process of bench/serve-moleculer.ts: one Moleculer node with one no-op service (`<name>.process` returns
 * its params) on the transporter given as the first argument (JSON,
 * e.g. `{"type":"NATS","options":{"url":"nats://127.0.0.1:4222"}}`). Prints `BENCH_READY {}` once connected.
 */
import { type BrokerOptions, ServiceBroker } from "moleculer";
import { commandArgs } from "../runtime/mod.ts";

const [transporter, name] = commandArgs();
const broker = new ServiceBroker({ nodeID: name!, transporter: JSON.parse(transporter!) as NonNullable<BrokerOptions["transporter"]>, logger: false });
broker.createService({ name: name!, actions: { process: (ctx: { params: unknown }) => ctx.params } });
await broker.start();
console.log("BENCH_READY {}");
process.on("SIGTERM", () => void broker.stop().then(() => process.exit(0)));
