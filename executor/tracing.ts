/**
 * OpenTelemetry spans of an executor, through `@opentelemetry/api` only: one span per handler call, named after
 * the endpoint without its leading slash (`/default` → `default`, as Jina names them), child of the trace context
 * the caller sent in the gRPC metadata (W3C `traceparent`, read with `propagation.extract`).
 *
 * Register an SDK (tracer provider and propagator) to record spans. Without a tracer provider a handler call is
 * made directly, without a span. `@opentelemetry/api` itself is imported only once something has registered with
 * its global registry (an SDK, or any code that set a provider or propagator): an executor process without
 * tracing does not load it (issue 8, fast start).
 *
 * @module
 */
import type { Context, TextMapGetter, Tracer } from "@opentelemetry/api";
import type { Executor } from "./executor.ts";
import { otelRegistered } from "../runtime/otel-registry.ts";

type OtelApi = typeof import("@opentelemetry/api");

let api: OtelApi | undefined;
let loading: Promise<OtelApi> | undefined;

/** The API once loaded; undefined while nothing registered with OpenTelemetry (then nothing needs doing). */
function loadedApi(): OtelApi | undefined | Promise<OtelApi> {
  if (api) return api;
  if (!otelRegistered()) return undefined;
  return (loading ??= import("@opentelemetry/api").then((module) => (api = module)));
}

/** jina-ts's tracer, or undefined while no tracer provider is registered. */
function tracerOf(otel: OtelApi): Tracer | undefined {
  const provider = otel.trace.getTracerProvider();
  return provider instanceof otel.ProxyTracerProvider ? provider.getDelegateTracer("jina-ts") : provider.getTracer("jina-ts");
}

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/**
 * The trace context a caller sent in the request metadata (`traceparent`, `tracestate`, …), or the active
 * context when there is none (always the active context without a registered propagator); undefined while
 * nothing is registered with OpenTelemetry (no context to continue, and the API is not loaded).
 *
 * @example
 * ```ts
 * const parent = await traceContextOf(handlerContext.requestHeader);
 * await dispatchRequests(executor, [request], handlerContext.signal, parent);
 * ```
 */
export function traceContextOf(headers: Headers): Context | undefined | Promise<Context> {
  const otel = loadedApi();
  if (otel === undefined) return undefined;
  const extract = (loaded: OtelApi) => loaded.propagation.extract(loaded.context.active(), headers, headersGetter);
  return otel instanceof Promise ? otel.then(extract) : extract(otel);
}

/**
 * Whether something registered with OpenTelemetry (then {@link traceHandler} and {@link traceContextOf} have work to
 * do; until then a caller can skip them and the closures it would hand them).
 *
 * @example
 * ```ts
 * const result = tracingActive() ? await traceHandler(executor, endpoint, n, parent, call) : await call();
 * ```
 */
export function tracingActive(): boolean {
  return api !== undefined || otelRegistered();
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
  const otel = loadedApi();
  if (otel === undefined) return call();
  const run = (loaded: OtelApi) => {
    const tracer = tracerOf(loaded);
    return tracer ? traced(loaded, tracer, executor, endpoint, documents, parent ?? loaded.context.active(), call) : call();
  };
  return otel instanceof Promise ? otel.then(run) : run(otel);
}

async function traced<T>(otel: OtelApi, tracer: Tracer, executor: Executor, endpoint: string, documents: number, parent: Context, call: () => Promise<T>): Promise<T> {
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
      span.setStatus({ code: otel.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
    throw error;
  }
}
