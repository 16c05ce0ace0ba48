import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { createDataRequest, Document, DocumentArray } from "../../docarray/mod.ts";
import { createGateway, type Gateway } from "../../gateway/mod.ts";
import { JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { type Fake, fakeExecutor, sleep } from "./fakes.ts";

/** A slow executor: every call waits until `open()`; counts how many it holds at once. */
function gatedExecutor(): Fake & { open(): void; inFlight(): number; max(): number } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let inFlight = 0;
  let max = 0;
  const fake = fakeExecutor("slow", async () => {
    max = Math.max(max, ++inFlight);
    await gate;
    inFlight--;
  });
  return { ...fake, open, inFlight: () => inFlight, max: () => max };
}

function gatewayWith(fake: Fake, prefetch: number): Gateway {
  return createGateway({
    graph: { "start-gateway": ["slow"], slow: ["end-gateway"] },
    deployments: [{ name: "slow", shards: [[fake.transport]] }],
    prefetch,
  });
}

/** Waits (bounded) until `done()` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 10_000) throw new Error(`gave up waiting: ${what}`);
    await sleep(5);
  }
}

const body = JSON.stringify({ data: [{ text: "hello" }] });
const post = async (gateway: Gateway): Promise<Response> =>
  await gateway.app.request("/post", { method: "POST", headers: { "content-type": "application/json" }, body });

test("2,000 concurrent HTTP requests against prefetch 10: 10 reach the executor, the rest get 429 at once", async () => {
  const slow = gatedExecutor();
  const gateway = gatewayWith(slow, 10);
  try {
    const statuses: number[] = [];
    const refusals: string[] = [];
    const pending = Array.from({ length: 2000 }, () =>
      post(gateway).then(async (response) => {
        statuses.push(response.status);
        if (response.status === 429) refusals.push((await response.json()).header.status.description);
      })
    );
    await until(() => statuses.length === 1990, "the 1,990 refusals");
    assert.is(slow.inFlight(), 10, "the executor holds 10 while the others were refused");
    assert.is(statuses.filter((status) => status !== 429).length, 0);
    slow.open();
    await Promise.all(pending);
    assert.is(statuses.filter((status) => status === 200).length, 10);
    assert.is(slow.calls.length, 10);
    assert.is(slow.max(), 10, "never more than prefetch at once");
    assert.match(refusals[0]!, "the gateway has 10 requests in flight (prefetch = 10); retry later or raise prefetch");
    const after = await post(gateway);
    assert.is(after.status, 200, "slots are freed: a normal request works afterwards");
  } finally {
    await gateway.close();
  }
});

test("prefetch 0 means no gateway-wide limit", async () => {
  const slow = gatedExecutor();
  const gateway = gatewayWith(slow, 0);
  try {
    const pending = Array.from({ length: 50 }, () => post(gateway));
    await until(() => slow.inFlight() === 50, "all 50 in the executor");
    slow.open();
    const statuses = (await Promise.all(pending)).map((response) => response.status);
    assert.is(statuses.filter((status) => status !== 200).length, 0);
  } finally {
    await gateway.close();
  }
});

test("unary gRPC shares the bound: beyond prefetch, RESOURCE_EXHAUSTED at once with the same message", async () => {
  const slow = gatedExecutor();
  const gateway = gatewayWith(slow, 2);
  const server = await gateway.serve({ protocol: "grpc", port: 0 });
  const sessions = new Http2SessionManager(server.url);
  const client = createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: server.url, sessionManager: sessions }));
  const request = () => createDataRequest({ endpoint: "/index", docs: new DocumentArray([new Document({ text: "x" })]) });
  try {
    const held = [client.process_single_data(request()), post(gateway)];
    await until(() => slow.inFlight() === 2, "two requests in the executor");
    try {
      await client.process_single_data(request());
      assert.unreachable("should be refused");
    } catch (error) {
      assert.instance(error, ConnectError);
      assert.is((error as ConnectError).code, Code.ResourceExhausted);
      assert.match((error as ConnectError).rawMessage, "the gateway has 2 requests in flight (prefetch = 2)");
    }
    assert.is((await post(gateway)).status, 429, "HTTP and gRPC count together");
    slow.open();
    await Promise.all(held);
    await client.process_single_data(request());
  } finally {
    sessions.abort();
    await server.close();
    await gateway.close();
  }
});

test.run();
