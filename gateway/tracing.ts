/**
 * OpenTelemetry spans of the gateway, through `@opentelemetry/api` only: one span per request (`gateway/handle`)
 * and a child span per deployment call, named as Jina's gRPC client spans
 * (`/jina.JinaSingleDataRequestRPC/process_single_data`, `/jina.JinaDataRequestRPC/process_data` with several
 * parts). The deployment span's W3C trace context is injected into the call's gRPC metadata
 * (`propagation.inject`), so the executor's spans join the same trace.
 *
 * Nothing is configured here: register an SDK (a tracer provider, and a propagator such as W3C TraceContext) to
 * record spans. Without a registered tracer provider these functions return at once with a shared non-recording
 * span and no metadata (no allocation per request).
 *
 * @module
 */
import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { type DataRequestProto, StatusProto_StatusCode } from "../proto/gen/jina_pb.ts";
import { materializeData } from "../docarray/mod.ts";

/** The tracer name jina-ts reports its spans under. */
const tracerName = "jina-ts";

/** jina-ts's tracer, or undefined while no tracer provider is registered (then nothing needs doing). */
function tracerOf(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider ? provider.getDelegateTracer(tracerName) : provider.getTracer(tracerName);
}

const noSpan = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
const untraced: TracedSpan = { span: noSpan, context: ROOT_CONTEXT };
const untracedCall: { span: Span; headers?: Record<string, string> } = { span: noSpan };

/**
 * A started span and the context that has it as the active span (the parent of child spans).
 *
 * @example
 * ```ts
 * const { span, context } = startRequestSpan(request);
 * ```
 */
export interface TracedSpan {
  readonly span: Span;
  readonly context: Context;
}

/**
 * Starts the span of one request through the gateway, as a child of the active context (the API's root when no
 * context manager is registered). Attributes: `jina.endpoint`, `jina.request_id`, `jina.docs` (recording spans only).
 *
 * @example
 * ```ts
 * const traced = startRequestSpan(request, "/index");
 * try { endSpan(traced.span, await walk()); } catch (error) { endSpan(traced.span, undefined, error); throw error; }
 * ```
 */
export function startRequestSpan(request: DataRequestProto, endpoint: string): TracedSpan {
  const tracer = tracerOf();
  if (!tracer) return untraced;
  const parent = context.active();
  const span = tracer.startSpan("gateway/handle", { kind: SpanKind.SERVER }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      "jina.endpoint": endpoint,
      "jina.request_id": request.header?.requestId ?? "",
      "jina.docs": docsIn(request),
    });
  }
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Starts the client span of one call to a deployment under `parent` and returns the gRPC metadata that carries
 * its trace context (none without a tracer provider; empty without a registered propagator).
 *
 * @example
 * ```ts
 * const { span, headers } = startDeploymentSpan(traced.context, "encoder", [request], "/index");
 * await pool.send("encoder", request, { endpoint: "/index", headers });
 * ```
 */
export function startDeploymentSpan(
  parent: Context,
  deployment: string,
  parts: readonly DataRequestProto[],
  endpoint: string,
): { span: Span; headers?: Record<string, string> } {
  const tracer = tracerOf();
  if (!tracer) return untracedCall;
  const name = parts.length === 1 ? "/jina.JinaSingleDataRequestRPC/process_single_data" : "/jina.JinaDataRequestRPC/process_data";
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT }, parent);
  const headers: Record<string, string> = {};
  if (span.isRecording()) {
    span.setAttributes({ "rpc.system": "grpc", "jina.deployment": deployment, "jina.endpoint": endpoint, "jina.parts": parts.length });
    propagation.inject(trace.setSpan(parent, span), headers);
  }
  return { span, headers };
}

/**
 * Ends a span: status ERROR with the exception when `error` is given or `response` carries an in-band error
 * (its exception name and message), OK otherwise.
 *
 * @example
 * ```ts
 * endSpan(span, response);          // OK, or ERROR for an in-band error
 * endSpan(span, undefined, error);  // ERROR, exception recorded
 * ```
 */
export function endSpan(span: Span, response?: DataRequestProto, error?: unknown): void {
  if (span.isRecording()) {
    if (error !== undefined) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    } else if (response?.header?.status?.code === StatusProto_StatusCode.ERROR) {
      const exception = response.header.status.exception;
      span.setStatus({ code: SpanStatusCode.ERROR, message: exception ? `${exception.name}: ${exception.args.join(" ")}` : response.header.status.description });
    } else {
      span.setStatus({ code: SpanStatusCode.OK });
    }
  }
  span.end();
}

function docsIn(request: DataRequestProto): number {
  materializeData(request.data);
  const documents = request.data?.documents;
  return documents?.case === "docs" ? documents.value.docs.length : 0;
}
