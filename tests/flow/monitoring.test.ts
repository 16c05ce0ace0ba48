import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, Flow } from "../../mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { sample } from "../_prometheus.ts";
import { Encoder, Passthrough, Thrower } from "./fixtures/executors.ts";

const fixtures = "./tests/flow/fixtures/executors.ts";

const docs = (n = 2) => new DocumentArray(Array.from({ length: n }, (_, i) => new Document({ text: `doc ${i}` })));

async function metricsAt(port: number | undefined): Promise<string> {
  assert.type(port, "number");
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.is(response.status, 200);
  return await response.text();
}

test("monitoring flow in process: after 10 requests the gateway and each executor show 10 successful", async () => {
  const flow = new Flow({ monitoring: true }).add({ name: "encoder", uses: Encoder }).add({ name: "pass", uses: Passthrough });
  await flow.start();
  try {
    for (let i = 0; i < 10; i++) await flow.post("/index", docs(3));
    const gateway = await metricsAt(flow.portMonitoring);
    assert.is(sample(gateway, "jina_successful_requests_total", { runtime_name: "gateway" }), 10);
    assert.is(sample(gateway, "jina_failed_requests_total", { runtime_name: "gateway" }), 0);
    assert.is(sample(gateway, "jina_number_of_pending_requests", { runtime_name: "gateway" }), 0);
    assert.is(sample(gateway, "jina_sending_request_seconds_count", { runtime_name: "gateway" }), 20, "two deployment calls per request");
    const ports = new Set([flow.portMonitoring]);
    for (const [deployment, cls] of [["encoder", "Encoder"], ["pass", "Passthrough"]] as const) {
      const replica = flow.pods.find((pod) => pod.name === deployment)!.shards[0]![0]!;
      ports.add(replica.portMonitoring);
      const text = await metricsAt(replica.portMonitoring);
      const runtime = { runtime_name: `${deployment}/rep-0` };
      assert.is(sample(text, "jina_successful_requests_total", runtime), 10, deployment);
      assert.is(sample(text, "jina_failed_requests_total", runtime), 0, deployment);
      assert.is(sample(text, "jina_document_processed_total", { executor_endpoint: "/index", executor: cls, ...runtime }), 30, deployment);
    }
    assert.is(ports.size, 3, "the gateway and each replica have a port of their own");
  } finally {
    await flow.close();
  }
});

test("monitoring flow with process replicas: successes, an executor error counted as failed on both sides", async () => {
  const flow = new Flow({ monitoring: true }).add({ name: "thrower", uses: `${fixtures}#Thrower`, replicas: 2 });
  await flow.start();
  try {
    for (let i = 0; i < 10; i++) await flow.post("/ok", docs());
    const error = await flow.post("/fail", docs()).then(
      () => assert.unreachable("/fail rejects"),
      (e: unknown) => e,
    );
    assert.instance(error, JinaError);
    const gateway = await metricsAt(flow.portMonitoring);
    assert.is(sample(gateway, "jina_successful_requests_total", { runtime_name: "gateway" }), 10);
    assert.is(sample(gateway, "jina_failed_requests_total", { runtime_name: "gateway" }), 1);
    assert.is(sample(gateway, "jina_number_of_pending_requests", { runtime_name: "gateway" }), 0);
    let successful = 0;
    let failed = 0;
    for (const [r, replica] of flow.pods[0]!.shards[0]!.entries()) {
      const text = await metricsAt(replica.portMonitoring);
      successful += sample(text, "jina_successful_requests_total", { runtime_name: `thrower/rep-${r}` }) ?? NaN;
      failed += sample(text, "jina_failed_requests_total", { runtime_name: `thrower/rep-${r}` }) ?? NaN;
    }
    assert.is(successful, 10, "the replicas' successes add up to the gateway's");
    assert.is(failed, 1);
  } finally {
    await flow.close();
  }
});

test("a deployment can opt out; a flow without monitoring has no metrics ports", async () => {
  const flow = new Flow({ monitoring: true })
    .add({ name: "watched", uses: Passthrough })
    .add({ name: "quiet", uses: Passthrough, monitoring: false });
  await flow.start();
  try {
    assert.type(flow.pods[0]!.shards[0]![0]!.portMonitoring, "number");
    assert.is(flow.pods[1]!.shards[0]![0]!.portMonitoring, undefined);
  } finally {
    await flow.close();
  }
  const plain = new Flow().add({ name: "only", uses: Thrower, monitoring: true });
  await plain.start();
  try {
    assert.is(plain.portMonitoring, undefined, "the gateway has no metrics port");
    await plain.post("/ok", docs());
    const text = await metricsAt(plain.pods[0]!.shards[0]![0]!.portMonitoring);
    assert.is(sample(text, "jina_successful_requests_total", { runtime_name: "only/rep-0" }), 1);
  } finally {
    await plain.close();
  }
});

test("portMonitoring must be a port or a list of ports", () => {
  try {
    new Flow().add({ name: "bad", portMonitoring: -1 });
    assert.unreachable("a negative port is refused");
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
    assert.match((error as JinaError).message, /portMonitoring must be a port/);
  }
});

test.run();
