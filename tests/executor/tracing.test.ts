import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { type Context, propagation, SpanKind, SpanStatusCode, type TextMapPropagator, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createDataRequest, docsOf, Document, DocumentArray } from "../../docarray/mod.ts";
import { createExecutorTransport, handleDataRequest, serveExecutor } from "../../executor/mod.ts";
import { createGateway, endSpan, isErrorResponse, startDeploymentSpan, startRequestSpan } from "../../gateway/mod.ts";
import { Closer, Upper } from "./fixtures/executors.ts";

/** W3C `traceparent` only: what an SDK's default propagator does, kept here to need no other package. */
const traceparent: TextMapPropagator = {
  inject(context: Context, carrier: Record<string, string>, setter) {
    const span = trace.getSpanContext(context);
    if (!span || !trace.isSpanContextValid(span)) return;
    setter.set(carrier, "traceparent", `00-${span.traceId}-${span.spanId}-0${span.traceFlags.toString(16)}`);
  },
  extract(context, carrier, getter) {
    const value = getter.get(carrier, "traceparent");
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(value ?? ""));
    if (!match) return context;
    return trace.setSpanContext(context, { traceId: match[1]!, spanId: match[2]!, traceFlags: parseInt(match[3]!, 16), isRemote: true });
  },
  fields: () => ["traceparent"],
};

const request = (endpoint: string, n = 2) =>
  createDataRequest({ endpoint, docs: new DocumentArray(Array.from({ length: n }, (_, i) => new Document({ text: `t${i}` }))) });

function gatewayTo(target: Parameters<typeof createGateway>[0]["deployments"][number]["shards"][number][number]) {
  return createGateway({ graph: { "start-gateway": ["upper"], upper: ["end-gateway"] }, deployments: [{ name: "upper", shards: [[target]] }] });
}

test("without an SDK nothing is recorded, no metadata is sent, and requests work", async () => {
  const executor = new Upper();
  const response = await handleDataRequest(executor, request("/index"));
  assert.equal(docsOf(response).texts, ["T0", "T1"]);
  const traced = startRequestSpan(request("/index"), "/index");
  assert.not.ok(traced.span.isRecording());
  const call = startDeploymentSpan(traced.context, "upper", [request("/index")], "/index");
  assert.not.ok(call.span.isRecording());
  assert.is(call.headers, undefined, "no metadata without a tracer provider");
  endSpan(call.span);
  endSpan(traced.span);
  const server = await serveExecutor(executor, { port: 0 });
  const gateway = gatewayTo(`grpc://127.0.0.1:${server.port}`);
  try {
    const answer = await gateway.handle(request("/index"));
    assert.not.ok(isErrorResponse(answer));
    assert.equal(docsOf(answer).texts, ["T0", "T1"]);
  } finally {
    await gateway.close();
    await server.close();
  }
});

const exporter = new InMemorySpanExporter();

test("with an SDK: one span per handler call, named after the endpoint, with attributes", async () => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(traceparent);
  exporter.reset();
  const executor = new Upper({ runtimeArgs: { name: "upper/rep-0" } });
  await handleDataRequest(executor, request("/index", 3));
  await handleDataRequest(executor, request("/default"));
  await handleDataRequest(executor, request("/nobody-binds-this-but-default-does"));
  const spans = exporter.getFinishedSpans();
  assert.equal(spans.map((span) => span.name), ["index", "default", "nobody-binds-this-but-default-does"]);
  assert.equal(spans[0]!.attributes, { "jina.executor": "Upper", "jina.runtime_name": "upper/rep-0", "jina.endpoint": "/index", "jina.docs": 3 });
  assert.is(spans[0]!.status.code, SpanStatusCode.UNSET);
});

test("a throwing handler's span has status ERROR and the exception", async () => {
  exporter.reset();
  await handleDataRequest(new Closer(), request("/fail"));
  const [span] = exporter.getFinishedSpans();
  assert.is(span?.name, "fail");
  assert.is(span?.status.code, SpanStatusCode.ERROR);
  assert.match(span?.status.message ?? "", /closer cannot do that/);
  assert.is(span?.events[0]?.name, "exception");
});

function checkTrace(spans: ReadableSpan[], endpoint: string) {
  const byName = (name: string) => spans.find((span) => span.name === name);
  const root = byName("gateway/handle");
  const call = byName("/jina.JinaSingleDataRequestRPC/process_single_data");
  const handler = byName(endpoint);
  assert.ok(root && call && handler, `spans: ${spans.map((span) => span.name).join(", ")}`);
  assert.is(root!.kind, SpanKind.SERVER);
  assert.is(call!.kind, SpanKind.CLIENT);
  const traceId = root!.spanContext().traceId;
  assert.is(call!.spanContext().traceId, traceId);
  assert.is(handler!.spanContext().traceId, traceId, "the executor's span joins the gateway's trace");
  assert.is(call!.parentSpanContext?.spanId, root!.spanContext().spanId);
  assert.is(handler!.parentSpanContext?.spanId, call!.spanContext().spanId);
  assert.is(root!.attributes["jina.endpoint"], "/index");
  assert.is(call!.attributes["jina.deployment"], "upper");
}

test("trace context crosses gateway → executor in memory: same trace id, executor span under the call span", async () => {
  exporter.reset();
  const gateway = gatewayTo(createExecutorTransport(new Upper()));
  try {
    await gateway.handle(request("/index"));
  } finally {
    await gateway.close();
  }
  checkTrace(exporter.getFinishedSpans(), "index");
});

test("trace context crosses gateway → executor over gRPC metadata", async () => {
  exporter.reset();
  const server = await serveExecutor(new Upper(), { port: 0 });
  const gateway = gatewayTo(`grpc://127.0.0.1:${server.port}`);
  try {
    await gateway.handle(request("/index"));
  } finally {
    await gateway.close();
    await server.close();
  }
  checkTrace(exporter.getFinishedSpans(), "index");
});

test("an in-band error marks the gateway's spans ERROR", async () => {
  exporter.reset();
  const gateway = createGateway({
    graph: { "start-gateway": ["closer"], closer: ["end-gateway"] },
    deployments: [{ name: "closer", shards: [[createExecutorTransport(new Closer())]] }],
  });
  try {
    assert.ok(isErrorResponse(await gateway.handle(request("/fail"))));
  } finally {
    await gateway.close();
  }
  const spans = exporter.getFinishedSpans();
  for (const name of ["fail", "/jina.JinaSingleDataRequestRPC/process_single_data", "gateway/handle"]) {
    assert.is(spans.find((span) => span.name === name)?.status.code, SpanStatusCode.ERROR, name);
  }
  trace.disable();
  propagation.disable();
});

test.run();
