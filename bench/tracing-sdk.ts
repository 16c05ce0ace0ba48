/**
 * An OpenTelemetry SDK for benchmarks: every span is sampled, recorded, ended and handed to an exporter that
 * drops it (so the figure is what jina-ts's tracing costs, not an exporter's network), with the W3C trace-context
 * propagator, as a user's `NodeSDK` with an OTLP exporter would set up.
 *
 * @module
 */
import { propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, type ReadableSpan, type SpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

/** Counts and drops spans. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Registers the SDK globally for this process. */
export function registerTracing(): void {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new DroppingExporter())] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}
