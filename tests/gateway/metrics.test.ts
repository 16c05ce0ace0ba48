import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createDataRequest, Document, DocumentArray } from "../../docarray/mod.ts";
import { createGateway, createGatewayMetrics, type Gateway, isErrorResponse } from "../../gateway/mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { rejection } from "../_setup.ts";
import { sample, typeOf } from "../_prometheus.ts";
import { closedPort, type Fake, fakeExecutor } from "./fakes.ts";

function upper(): Fake {
  return fakeExecutor("upper", ({ docs, endpoint }) => {
    if (endpoint === "/fail") throw new RangeError("no such luck");
    for (const doc of docs) doc.text = doc.text?.toUpperCase() ?? "";
  });
}

function monitored(fake: Fake): Gateway {
  return createGateway({
    graph: { "start-gateway": [fake.name], [fake.name]: ["end-gateway"] },
    deployments: [{ name: fake.name, shards: [[fake.transport]] }],
    monitoring: true,
  });
}

const request = (endpoint = "/index") =>
  createDataRequest({ endpoint, docs: new DocumentArray([new Document({ text: "a" }), new Document({ text: "b" })]) });

const gw = { runtime_name: "gateway" };

test("after 10 requests the gateway counts 10 successful, 0 failed, 0 pending, with Jina's names and types", async () => {
  const gateway = monitored(upper());
  try {
    for (let i = 0; i < 10; i++) assert.not.ok(isErrorResponse(await gateway.handle(request())));
    const text = await gateway.metrics();
    assert.is(sample(text, "jina_successful_requests_total", gw), 10);
    assert.is(sample(text, "jina_failed_requests_total", gw), 0);
    assert.is(sample(text, "jina_number_of_pending_requests", gw), 0);
    assert.is(sample(text, "jina_receiving_request_seconds_count", gw), 10);
    assert.ok(sample(text, "jina_receiving_request_seconds_sum", gw)! > 0);
    assert.is(sample(text, "jina_sending_request_seconds_count", gw), 10);
    for (const name of ["jina_received_request_bytes", "jina_request_size_bytes", "jina_sent_response_bytes", "jina_sent_request_bytes", "jina_received_response_bytes"]) {
      assert.is(sample(text, `${name}_count`, gw), 10, name);
      assert.ok(sample(text, `${name}_sum`, gw)! > 100, `${name} counts protobuf bytes`);
    }
    assert.is(typeOf(text, "jina_successful_requests_total"), "counter");
    assert.is(typeOf(text, "jina_receiving_request_seconds"), "summary");
    assert.is(typeOf(text, "jina_number_of_pending_requests"), "gauge");
    assert.not.match(text, /quantile=/, "summaries carry only _sum and _count, as Python's");
  } finally {
    await gateway.close();
  }
});

test("an in-band executor error counts as failed, not in receiving seconds nor sent bytes", async () => {
  const gateway = monitored(upper());
  try {
    await gateway.handle(request());
    assert.ok(isErrorResponse(await gateway.handle(request("/fail"))));
    const text = await gateway.metrics();
    assert.is(sample(text, "jina_successful_requests_total", gw), 1);
    assert.is(sample(text, "jina_failed_requests_total", gw), 1);
    assert.is(sample(text, "jina_receiving_request_seconds_count", gw), 1);
    assert.is(sample(text, "jina_sent_response_bytes_count", gw), 1);
    assert.is(sample(text, "jina_received_request_bytes_count", gw), 2);
    assert.is(sample(text, "jina_number_of_pending_requests", gw), 0);
  } finally {
    await gateway.close();
  }
});

test("an unreachable deployment counts as failed and the pending gauge returns to 0", async () => {
  const gateway = createGateway({
    graph: { "start-gateway": ["gone"], gone: ["end-gateway"] },
    deployments: [{ name: "gone", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 }],
    monitoring: true,
  });
  try {
    const error = await rejection(gateway.handle(request()));
    assert.is(error.code, ErrorCode.Unavailable);
    const text = await gateway.metrics();
    assert.is(sample(text, "jina_failed_requests_total", gw), 1);
    assert.is(sample(text, "jina_successful_requests_total", gw), 0);
    assert.is(sample(text, "jina_number_of_pending_requests", gw), 0);
    assert.is(sample(text, "jina_sending_request_seconds_count", gw), 1, "the failed call is timed");
    assert.is(sample(text, "jina_received_response_bytes_count", gw), 0);
  } finally {
    await gateway.close();
  }
});

test("the pending gauge counts requests in flight", async () => {
  let release = () => {};
  const blocked = new Promise<void>((resolve) => (release = resolve));
  const gateway = monitored(fakeExecutor("slow", () => blocked));
  try {
    const inFlight = [gateway.handle(request()), gateway.handle(request())];
    let text = await gateway.metrics();
    for (let i = 0; i < 50 && sample(text, "jina_number_of_pending_requests", gw) !== 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      text = await gateway.metrics();
    }
    assert.is(sample(text, "jina_number_of_pending_requests", gw), 2);
    release();
    await Promise.all(inFlight);
    assert.is(sample(await gateway.metrics(), "jina_number_of_pending_requests", gw), 0);
  } finally {
    release();
    await gateway.close();
  }
});

test("serveMonitoring serves the exposition on its own port, on any GET path; close() stops it", async () => {
  const gateway = monitored(upper());
  let url = "";
  try {
    const server = await gateway.serveMonitoring({ port: 0 });
    url = server.url;
    assert.ok(server.port > 0);
    for (let i = 0; i < 3; i++) await gateway.handle(request());
    const response = await fetch(`${url}/metrics`);
    assert.is(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.is(sample(await response.text(), "jina_successful_requests_total", gw), 3);
    const other = await fetch(`${url}/anything`);
    assert.is(sample(await other.text(), "jina_successful_requests_total", gw), 3);
    assert.is((await fetch(`${url}/metrics`, { method: "POST" })).status, 405);
  } finally {
    await gateway.close();
  }
  await fetch(`${url}/metrics`).then(
    () => assert.unreachable("the monitoring port is closed with the gateway"),
    () => {},
  );
});

test("without monitoring, metrics() and serveMonitoring() fail with FailedPrecondition", async () => {
  const gateway = createGateway({
    graph: { "start-gateway": ["upper"], upper: ["end-gateway"] },
    deployments: [{ name: "upper", shards: [[upper().transport]] }],
  });
  try {
    await gateway.handle(request());
    const error = await rejection(gateway.metrics());
    assert.is(error.code, ErrorCode.FailedPrecondition);
    assert.match(error.message, /monitoring: true/);
    assert.is((await rejection(gateway.serveMonitoring())).code, ErrorCode.FailedPrecondition);
  } finally {
    await gateway.close();
  }
});

test("two gateways in one process keep separate registries", async () => {
  const a = monitored(upper());
  const b = monitored(upper());
  try {
    await a.handle(request());
    await a.handle(request());
    await b.handle(request());
    assert.is(sample(await a.metrics(), "jina_successful_requests_total", gw), 2);
    assert.is(sample(await b.metrics(), "jina_successful_requests_total", gw), 1);
    const standalone = await createGatewayMetrics({ runtimeName: "other" });
    assert.is(sample(await standalone.metrics(), "jina_successful_requests_total", { runtime_name: "other" }), 0);
  } finally {
    await a.close();
    await b.close();
  }
});

test.run();
