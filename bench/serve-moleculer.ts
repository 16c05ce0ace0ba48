/**
 * Child process of bench/pipeline.ts: the Moleculer baseline of the 3-stage HTTP pipeline. moleculer-web answers
 * `POST /post` by calling `stage1.process`, `stage2.process`, `stage3.process` in turn with the body's documents
 * (as a Jina gateway calls its executors) and returning them. With a transporter as the first argument
 * (JSON, see bench/moleculer-stage.ts) each stage runs in its own process (bench/moleculer-stage.ts); with `local` all run in one broker.
 * Prints `BENCH_READY {"http":port}`; stops on SIGTERM.
 */
import { type BrokerOptions, ServiceBroker } from "moleculer";
import ApiGateway from "moleculer-web";
import { commandArgs, spawnScript } from "../runtime/mod.ts";

const transporter = commandArgs()[0] ?? "local";
const stages = ["stage1", "stage2", "stage3"];
const local = transporter === "local";
const children = local ? [] : stages.map((name) => spawnScript(new URL("./moleculer-stage.ts", import.meta.url), { args: [transporter, name] }));
await Promise.all(children.map((child) => child.waitForLine((line) => (line.startsWith("BENCH_READY") ? true : undefined))));
const broker = new ServiceBroker({ nodeID: "gateway", logger: false, ...(local ? {} : { transporter: JSON.parse(transporter) as NonNullable<BrokerOptions["transporter"]> }) });
if (local) for (const name of stages) broker.createService({ name, actions: { process: (ctx: { params: unknown }) => ctx.params } });
broker.createService({
  name: "pipeline",
  actions: {
    async run(ctx: { params: { data: unknown }; call: (action: string, params: unknown) => Promise<{ data: unknown }> }) {
      let params: { data: unknown } = { data: ctx.params.data };
      for (const name of stages) params = await ctx.call(`${name}.process`, params);
      return params;
    },
  },
});
broker.createService({
  name: "api",
  mixins: [ApiGateway],
  settings: { port: 0, ip: "127.0.0.1", routes: [{ path: "/", aliases: { "POST post": "pipeline.run" }, bodyParsers: { json: { limit: "10MB" } } }] },
});
await broker.start();
await broker.waitForServices(stages);
const api = broker.getLocalService("api") as unknown as { server: { address(): { port: number } } };
console.log(`BENCH_READY ${JSON.stringify({ http: api.server.address().port })}`);
process.on("SIGTERM", () => void Promise.allSettled(children.map((child) => child.stop())).then(() => broker.stop()).then(() => process.exit(0)));
