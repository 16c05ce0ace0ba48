import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { createDataRequest, Document, DocumentArray } from "../../docarray/mod.ts";
import {
  enableExecutorMetrics,
  executorMetricsOf,
  formatReadyLine,
  handleDataRequest,
  parseExecutorArgs,
  parseReadyLine,
  serveExecutor,
  serveExecutorMetrics,
} from "../../executor/mod.ts";
import { JinaSingleDataRequestRPC, StatusProto_StatusCode } from "../../proto/gen/jina_pb.ts";
import { sample, typeOf } from "../_prometheus.ts";
import { Closer, Upper } from "./fixtures/executors.ts";

const request = (endpoint: string, n = 2) =>
  createDataRequest({ endpoint, docs: new DocumentArray(Array.from({ length: n }, (_, i) => new Document({ text: `t${i}` }))) });

test("serveExecutor with monitoring: after 10 gRPC requests /metrics shows 10 successful, docs, bytes and handler time", async () => {
  const executor = new Upper({ runtimeArgs: { name: "upper/rep-0" } });
  const server = await serveExecutor(executor, { port: 0, monitoring: true });
  const sessions = new Http2SessionManager(server.url);
  try {
    assert.type(server.portMonitoring, "number");
    assert.is.not(server.portMonitoring, server.port);
    const client = createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: server.url, sessionManager: sessions }));
    for (let i = 0; i < 10; i++) {
      const response = await client.process_single_data(request("/index", 3));
      assert.is(response.header?.status?.code ?? StatusProto_StatusCode.SUCCESS, StatusProto_StatusCode.SUCCESS);
    }
    const response = await fetch(`http://127.0.0.1:${server.portMonitoring}/metrics`);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const runtime = { runtime_name: "upper/rep-0" };
    const endpoint = { executor_endpoint: "/index", executor: "Upper", runtime_name: "upper/rep-0" };
    assert.is(sample(text, "jina_successful_requests_total", runtime), 10);
    assert.is(sample(text, "jina_failed_requests_total", runtime), 0);
    assert.is(sample(text, "jina_receiving_request_seconds_count", runtime), 10);
    assert.is(sample(text, "jina_document_processed_total", endpoint), 30);
    assert.is(sample(text, "jina_process_request_seconds_count", endpoint), 10);
    for (const name of ["jina_received_request_bytes", "jina_request_size_bytes", "jina_sent_response_bytes"]) {
      assert.is(sample(text, `${name}_count`, endpoint), 10, name);
      assert.ok(sample(text, `${name}_sum`, endpoint)! > 100, name);
    }
    assert.is(typeOf(text, "jina_document_processed_total"), "counter");
    assert.is(typeOf(text, "jina_process_request_seconds"), "summary");
    assert.match(text, /jina_document_processed_total\{executor_endpoint="\/index",executor="Upper",runtime_name="upper\/rep-0"\} 30/);
    // Jina's label order for the handler timing (executor first), as Python's prometheus_client writes it.
    assert.match(text, /jina_process_request_seconds_count\{executor="Upper",executor_endpoint="\/index",runtime_name="upper\/rep-0"\} 10/);
  } finally {
    sessions.abort();
    await server.close();
  }
  await fetch(`http://127.0.0.1:${server.portMonitoring}/metrics`).then(
    () => assert.unreachable("the metrics port closes with the server"),
    () => {},
  );
});

test("a handler that throws counts as failed; an unbound endpoint is neither processed nor failed", async () => {
  const executor = new Closer({ runtimeArgs: { name: "closer/rep-0" } });
  const metrics = await enableExecutorMetrics(executor);
  const server = await serveExecutor(executor, { port: 0 });
  const sessions = new Http2SessionManager(server.url);
  try {
    const client = createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: server.url, sessionManager: sessions }));
    const failed = await client.process_single_data(request("/fail"));
    assert.is(failed.header?.status?.code, StatusProto_StatusCode.ERROR);
    await client.process_single_data(request("/tag"));
    await client.process_single_data(request("/nobody-binds-this"));
    const text = await metrics.metrics();
    const runtime = { runtime_name: "closer/rep-0" };
    assert.is(sample(text, "jina_failed_requests_total", runtime), 1);
    assert.is(sample(text, "jina_successful_requests_total", runtime), 2);
    assert.is(sample(text, "jina_document_processed_total", { executor_endpoint: "/tag" }), 2);
    assert.is(sample(text, "jina_document_processed_total", { executor_endpoint: "/fail" }), undefined);
    assert.is(sample(text, "jina_process_request_seconds_count", { executor_endpoint: "/fail" }), 1, "a throwing handler is timed too");
    assert.is(sample(text, "jina_received_request_bytes_count", { executor_endpoint: "/nobody-binds-this" }), undefined);
  } finally {
    sessions.abort();
    await server.close();
  }
});

test("each executor in a process has its own registry; without monitoring there are no metrics", async () => {
  const a = new Upper({ runtimeArgs: { name: "a/rep-0" } });
  const b = new Upper({ runtimeArgs: { name: "b/rep-0" } });
  const off = new Upper();
  const served = [await serveExecutorMetrics(a, { port: 0 }), await serveExecutorMetrics(b, { port: 0 })];
  try {
    assert.is(await enableExecutorMetrics(a), executorMetricsOf(a), "enabling twice keeps the same metrics");
    await handleDataRequest(a, request("/index"));
    await handleDataRequest(a, request("/index"));
    await handleDataRequest(b, request("/index", 5));
    await handleDataRequest(off, request("/index"));
    const textA = await (await fetch(`${served[0]!.url}/metrics`)).text();
    const textB = await (await fetch(`${served[1]!.url}/anything`)).text();
    assert.is(sample(textA, "jina_document_processed_total", { runtime_name: "a/rep-0" }), 4);
    assert.is(sample(textB, "jina_document_processed_total", { runtime_name: "b/rep-0" }), 5);
    assert.is(sample(textA, "jina_document_processed_total", { runtime_name: "b/rep-0" }), undefined);
    assert.is(sample(textB, "jina_successful_requests_total"), 0, "handleDataRequest is not an RPC: runtime counters stay 0");
    assert.is(executorMetricsOf(off), undefined);
    const plain = await serveExecutor(off, { port: 0 });
    assert.is(plain.portMonitoring, undefined);
    await plain.close();
  } finally {
    await Promise.all(served.map((server) => server.close()));
  }
});

test("main.ts flags --monitoring --port-monitoring and the ready line with the metrics port", () => {
  const args = parseExecutorArgs(["--uses", "./x.ts#X", "--monitoring", "--port-monitoring", "9091"]);
  assert.is(args.monitoring, true);
  assert.is(args.portMonitoring, 9091);
  const plain = parseExecutorArgs(["--uses", "./x.ts#X"]);
  assert.is(plain.monitoring, undefined);
  assert.is(plain.portMonitoring, undefined);
  assert.throws(() => parseExecutorArgs(["--uses", "./x.ts#X", "--port-monitoring", "abc"]), /--port-monitoring must be an integer/);
  assert.is(formatReadyLine(51234, 51235), 'JINA_EXECUTOR_READY {"port":51234,"portMonitoring":51235}');
  assert.equal(parseReadyLine(formatReadyLine(51234, 51235)), { port: 51234, portMonitoring: 51235 });
  assert.equal(parseReadyLine(formatReadyLine(51234)), { port: 51234 });
});

test.run();
