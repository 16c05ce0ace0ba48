import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Client } from "../../client/mod.ts";
import { Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway, type Gateway, type GatewayOptions } from "../../gateway/mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import type { Server } from "../../runtime/mod.ts";
import { closedPort, type Fake, fakeExecutor, sleep } from "../gateway/fakes.ts";
import { rejection } from "../_setup.ts";

const numbered = (n: number) => new DocumentArray(Array.from({ length: n }, (_, i) => new Document({ id: `doc-${i}`, text: `t${i}`, tags: { i } })));

interface Started extends AsyncDisposable {
  gateway: Gateway;
  server: Server;
  fake: Fake;
  port: number;
  /** Most unary calls the executor saw at once. */
  maxInFlight(): number;
}

async function startGateway(options: Partial<GatewayOptions> & { onCall?: () => void } = {}): Promise<Started> {
  let inFlight = 0;
  let most = 0;
  const fake = fakeExecutor("upper", async ({ docs, endpoint, parameters, signal }) => {
    options.onCall?.();
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      if (endpoint === "/fail") throw new RangeError(`cannot handle ${docs.length} docs`);
      if (endpoint === "/slow") await sleep(2000, signal);
      const delay = docs.at(0)?.tags.delayMs;
      if (typeof delay === "number") await sleep(delay, signal);
      for (const doc of docs) doc.text = doc.text?.toUpperCase() ?? "";
      return { endpoint: endpoint ?? "", parameters };
    } finally {
      inFlight--;
    }
  });
  const { onCall: _, ...gatewayOptions } = options;
  const gateway = createGateway({
    graph: { "start-gateway": [fake.name], [fake.name]: ["end-gateway"] },
    deployments: [{ name: fake.name, shards: [[fake.transport]] }],
    ...gatewayOptions,
  });
  const server = await gateway.serve({ protocol: "http", port: 0 });
  return { gateway, server, fake, port: server.port, maxInFlight: () => most, [Symbol.asyncDispose]: () => gateway.close() };
}

test("connect: post gives the same documents and responses as the http protocol", async () => {
  await using started = await startGateway();
  using connect = new Client({ port: started.port, protocol: "connect" });
  using http = new Client({ port: started.port, protocol: "http" });
  assert.is(connect.address, `http://127.0.0.1:${started.port}`);
  const options = { requestSize: 4, parameters: { limit: 2 }, targetExecutor: "upp" };
  const viaConnect = await connect.post("/index", numbered(10), options);
  const viaHttp = await http.post("/index", numbered(10), options);
  assert.equal(viaConnect.toJSON(), viaHttp.toJSON());
  assert.equal(viaConnect.texts, numbered(10).texts.map((text) => text!.toUpperCase()));
  const responses = await connect.post("/search", numbered(5), { requestSize: 2, returnResponses: true, parameters: { k: 1 } });
  assert.equal(responses.map((r) => docsOf(r).length), [2, 2, 1]);
  assert.equal(responses[0]?.parameters?.__results__, { upper: { endpoint: "/search", parameters: { k: 1 } } });
  assert.equal(started.fake.calls.filter((call) => call.endpoint === "/search").length, 3);
});

test("connect: requests run concurrently up to prefetch, results in input order even when they finish out of order", async () => {
  await using started = await startGateway();
  using client = new Client({ port: started.port, protocol: "connect" });
  const docs = new DocumentArray(Array.from({ length: 6 }, (_, i) => new Document({ id: `d${i}`, text: `t${i}`, tags: { delayMs: (6 - i) * 15 } })));
  const order: string[] = [];
  const result = await client.post("/index", docs, { requestSize: 1, prefetch: 3, onAlways: (r) => order.push(docsOf(r).at(0)!.id) });
  assert.equal(result.map((doc) => doc.id), docs.map((doc) => doc.id));
  assert.equal(order, docs.map((doc) => doc.id));
  assert.ok(started.maxInFlight() <= 3, `saw ${started.maxInFlight()} in flight`);
  assert.ok(started.maxInFlight() >= 2, "requests overlapped");
});

test("connect: stream yields each response in order", async () => {
  await using started = await startGateway();
  using client = new Client({ port: started.port, protocol: "connect" });
  const seen: string[][] = [];
  for await (const response of client.stream("/index", numbered(5), { requestSize: 2 })) seen.push(docsOf(response).texts as string[]);
  assert.equal(seen, [["T0", "T1"], ["T2", "T3"], ["T4"]]);
});

test("connect: an in-band error rejects post() naming the exception and the executor; continueOnError returns it", async () => {
  await using started = await startGateway();
  using client = new Client({ port: started.port, protocol: "connect" });
  const error = await rejection(client.post("/fail", numbered(2)));
  assert.match(error.message, 'RangeError("cannot handle 2 docs") in executor "upper"');
  assert.is(error.executor, "upper");
  const responses = await client.post("/fail", numbered(2), { continueOnError: true, returnResponses: true });
  assert.is(responses[0]?.header?.status?.code, 1);
});

test("connect: gateway errors map to their codes naming the address (size limit, prefetch)", async () => {
  await using small = await startGateway({ maxRequestBytes: 1024 });
  using client = new Client({ port: small.port, protocol: "connect" });
  const big = await rejection(client.post("/index", [{ text: "x".repeat(2000) }]));
  assert.is(big.code, ErrorCode.ResourceExhausted);
  assert.match(big.message, `the gateway at http://127.0.0.1:${small.port}`);
  await using busy = await startGateway({ prefetch: 1 });
  using busyClient = new Client({ port: busy.port, protocol: "connect" });
  const slow = new DocumentArray(Array.from({ length: 4 }, (_, i) => new Document({ text: `s${i}`, tags: { delayMs: 200 } })));
  const refused = await rejection(busyClient.post("/index", slow, { requestSize: 1, prefetch: 4 }));
  assert.is(refused.code, ErrorCode.ResourceExhausted);
  assert.match(refused.message, /prefetch = 1/);
});

test("connect: an unreachable port rejects with Unavailable naming the address; isFlowReady is false", async () => {
  const port = await closedPort();
  using client = new Client({ port, protocol: "connect" });
  const error = await rejection(client.post("/index", numbered(1)));
  assert.is(error.code, ErrorCode.Unavailable);
  assert.match(error.message, `cannot reach the gateway at http://127.0.0.1:${port}`);
  assert.is(await client.isFlowReady(), false);
});

test("connect: aborting the signal rejects with Canceled; close() cancels calls in flight", async () => {
  const controller = new AbortController();
  let client: Client | undefined;
  let mode: "abort" | "close" = "abort";
  await using started = await startGateway({ onCall: () => (mode === "abort" ? controller.abort() : client?.close()) });
  client = new Client({ port: started.port, protocol: "connect" });
  const aborted = await rejection(client.post("/slow", numbered(3), { requestSize: 1, signal: controller.signal }));
  assert.is(aborted.code, ErrorCode.Canceled);
  assert.match(aborted.message, /aborted/);
  mode = "close";
  const closed = await rejection(client.post("/slow", numbered(1)));
  assert.is(closed.code, ErrorCode.Canceled);
  assert.match(closed.message, /closed/);
  client.close();
});

test("connect: dryRun and isFlowReady over jina.JinaGatewayDryRunRPC/dry_run", async () => {
  await using started = await startGateway();
  using client = new Client({ port: started.port, protocol: "connect" });
  assert.is((await client.dryRun()).code, 0);
  assert.is(await client.isFlowReady(), true);
  assert.is(started.fake.calls.at(-1)?.endpoint, "_jina_dry_run_");
});

test.run();
