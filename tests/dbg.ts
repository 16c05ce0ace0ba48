import { Client, Flow } from "../mod.ts";
import { Sleeper } from "./flow/fixtures/sleeper.ts";
for (const protocol of ["grpc", "http", "websocket"] as const) {
  for (const grace of [0, 300]) {
  const flow = await new Flow({ protocol, gracePeriod: grace }).add({ name: "sleeper", uses: Sleeper }).start();
  const client = new Client({ host: "127.0.0.1", port: flow.port, protocol });
  const t0 = Date.now();
  const calls = Array.from({ length: 4 }, () => client.post("/slow", [{ text: "a" }], { parameters: { ms: 3000 } }).then(() => `ok ${Date.now() - t0}`, (e) => `rejected ${Date.now() - t0} ${String(e).slice(0, 120)}`));
  await new Promise((r) => setTimeout(r, 500));
  await flow.close();
  const timeout = new Promise((r) => setTimeout(() => r("HANG"), 6000));
  console.log(protocol, grace, await Promise.all(calls.map((c) => Promise.race([c, timeout]))));
  client.close();
  }
}
