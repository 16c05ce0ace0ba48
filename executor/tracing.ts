/**
 * OpenTelemetry spans of an executor, through `@opentelemetry/api` only: one span per handler call, named after
 * the endpoint without its leading slash (`/default` → `default`, as Jina names them), child of the trace context
 * the caller sent in the gRPC metadata (W3C `traceparent`, read with `propagation.extract`).
 *
 * Register an SDK (tracer provider and propagator) to record spans. Without a tracer provider a handler call is
 * made directly, without a span.
 *
 * @module
 */
import { type Context, context, propagation, ProxyTracerProvider, SpanStatusCode, type TextMapGetter, trace, type Tracer } from "@opentelemetry/api";
import type { Executor } from "./executor.ts";

/** jina-ts's tracer, or undefined while no tracer provider is registered (then nothing needs doing). */
function tracerOf(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider ? provider.getDelegateTracer("jina-ts") : provider.getTracer("jina-ts");
}

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/**
 * The trace context a caller sent in the request metadata (`traceparent`, `tracestate`, …), or the active
 * context when there is none (always the active context without a registered propagator).
 *
 * @example
 * ```ts
 * const parent = traceContextOf(handlerContext.requestHeader);
 * await dispatchRequests(executor, [request], handlerContext.signal, parent);
 * ```
 */
export function traceContextOf(headers: Headers): Context {
  return propagation.extract(context.active(), headers, headersGetter);
}

/**
 * Runs one handler call in a span named after `endpoint` without its leading slash, child of `parent` (the
 * active context when undefined). Attributes on recording spans: `jina.executor` (metas.name), `jina.runtime_name`
 * (pod name), `jina.endpoint`, `jina.docs`. A throwing call records the exception and sets status ERROR.
 *
 * @example
 * ```ts
 * const result = await traceHandler(executor, "/index", docs.length, parent, () => callHandler(executor, method, args));
 * ```
 */
export function traceHandler<T>(
  executor: Executor,
  endpoint: string,
  documents: number,
  parent: Context | undefined,
  call: () => Promise<T>,
): Promise<T> {
  const tracer = tracerOf();
  return tracer ? traced(tracer, executor, endpoint, documents, parent ?? context.active(), call) : call();
}

async function traced<T>(tracer: Tracer, executor: Executor, endpoint: string, documents: number, parent: Context, call: () => Promise<T>): Promise<T> {
  const span = tracer.startSpan(endpoint.replace(/^\//, "") || endpoint, undefined, parent);
  if (span.isRecording()) {
    span.setAttributes({
      "jina.executor": executor.metas.name,
      "jina.runtime_name": executor.runtimeArgs.name,
      "jina.endpoint": endpoint,
      "jina.docs": documents,
    });
  }
  try {
    const result = await call();
    span.end();
    return result;
  } catch (error) {
    if (span.isRecording()) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
    throw error;
  }
}
