/**
 * Prometheus metrics of the gateway, with Jina's names, types and labels (`MonitoringRequestMixin` and the
 * connection pool's metrics), in a registry of its own, served as text at `/metrics` by
 * {@link serveGatewayMetrics}.
 *
 * | metric | type | labels |
 * |---|---|---|
 * | `jina_receiving_request_seconds` | summary (successful requests only) | `runtime_name` |
 * | `jina_number_of_pending_requests` | gauge | `runtime_name` |
 * | `jina_successful_requests_total` / `jina_failed_requests_total` | counter | `runtime_name` |
 * | `jina_received_request_bytes` (and the deprecated `jina_request_size_bytes`) | summary | `runtime_name` |
 * | `jina_sent_response_bytes` | summary (successful requests only) | `runtime_name` |
 * | `jina_sending_request_seconds`, `jina_sent_request_bytes`, `jina_received_response_bytes` | summary, per deployment call | `runtime_name` |
 *
 * The exposition is Prometheus text 0.0.4 as Python's `prometheus_client` writes it: counters carry `_total` in
 * the sample and TYPE lines, summaries only `_sum` and `_count` (no quantiles). The `_created` gauges Python adds
 * are not written. A request counts as failed when the gateway answers with an in-band error (an executor raised)
 * or fails outright (unreachable, deadline, bad input); otherwise it is successful. Byte sizes are the protobuf
 * size of each request and response on the wire (documents still held as the bytes they came in are measured as
 * those bytes, not decoded: `wireSizeOf`), computed only when monitoring is on.
 *
 * `prom-client` is loaded on first use, so a gateway without monitoring neither loads it nor keeps timers.
 *
 * @module
 */
import type { Counter, Gauge, Registry } from "prom-client";
import { wireSizeOf } from "../docarray/mod.ts";
import { type DataRequestProto, StatusProto_StatusCode } from "../proto/gen/jina_pb.ts";
import { type Server, serveMetrics, type ServeMetricsOptions } from "../runtime/mod.ts";
import { SumSummary } from "../runtime/sum-summary.ts";

/**
 * What the gateway records per request and per deployment call (see the module documentation).
 *
 * @example
 * ```ts
 * const metrics = await createGatewayMetrics();
 * const done = metrics.startRequest(request);
 * done(response); // successful, or failed when the response carries an in-band error
 * console.log(await metrics.metrics());
 * ```
 */
export interface GatewayMetrics {
  /** The registry holding this gateway's metrics (never prom-client's global one). */
  readonly registry: Registry;
  /** The `runtime_name` label value (`"gateway"`). */
  readonly runtimeName: string;
  /** The text exposition of the registry (what `/metrics` answers). */
  metrics(): Promise<string>;
  /**
   * Records a request entering: received bytes, one more pending request, the start time. Call the returned
   * function once with the response, or with nothing when the gateway failed to answer.
   */
  startRequest(request: DataRequestProto): (response?: DataRequestProto) => void;
  /**
   * Records one call to a deployment (bytes sent): call the returned function with the response, or with nothing
   * when the call failed (then only the time is recorded).
   */
  startSend(parts: readonly DataRequestProto[]): (response?: DataRequestProto) => void;
}

/**
 * Options of {@link createGatewayMetrics}.
 *
 * @example
 * ```ts
 * const options: GatewayMetricsOptions = { runtimeName: "gateway" };
 * ```
 */
export interface GatewayMetricsOptions {
  /** The `runtime_name` label; default `"gateway"` (Jina's). */
  runtimeName?: string;
}

type PromClient = typeof import("prom-client");

/**
 * Creates the gateway's metrics in a new registry (loading `prom-client` on first use).
 *
 * @example
 * ```ts
 * const metrics = await createGatewayMetrics();
 * const text = await metrics.metrics(); // "# HELP jina_receiving_request_seconds ..."
 * ```
 */
export async function createGatewayMetrics(options: GatewayMetricsOptions = {}): Promise<GatewayMetrics> {
  const prom: PromClient = await import("prom-client");
  const runtimeName = options.runtimeName ?? "gateway";
  const registry = new prom.Registry();
  // Every metric has the one label runtime_name: as a default label of the registry, each metric is unlabelled
  // itself and so shows from the start (at 0), as Python's `.labels(runtime_name)` children do.
  registry.setDefaultLabels({ runtime_name: runtimeName });
  // Summaries of _sum and _count only, as Jina's (prom-client's own would feed a t-digest per value)
  const summary = (name: string, help: string) => new SumSummary(name, help, [], registry);
  const counter = (name: string, help: string): Counter => new prom.Counter({ name, help, registers: [registry] });

  const receiving = summary("jina_receiving_request_seconds", "Time spent processing successful request");
  const pending: Gauge = new prom.Gauge({ name: "jina_number_of_pending_requests", help: "Number of pending requests", registers: [registry] });
  const failed = counter("jina_failed_requests_total", "Number of failed requests");
  const successful = counter("jina_successful_requests_total", "Number of successful requests");
  const received = summary("jina_received_request_bytes", "The size in bytes of the request returned to the client");
  const receivedDeprecated = summary(
    "jina_request_size_bytes",
    "The size in bytes of the request returned to the client (deprecated: use jina_received_request_bytes)",
  );
  const sentResponse = summary("jina_sent_response_bytes", "The size in bytes of the request returned to the client");
  const sending = summary("jina_sending_request_seconds", "Time spent between sending a request to the Executor/Head and receiving the response");
  const sentRequest = summary("jina_sent_request_bytes", "The size in bytes of the request sent to the Head/Executor");
  const receivedResponse = summary("jina_received_response_bytes", "The size in bytes of the response returned from the Head/Executor");

  return {
    registry,
    runtimeName,
    metrics: () => registry.metrics(),
    startRequest(request) {
      const bytes = wireSizeOf(request);
      received.observe(bytes);
      receivedDeprecated.observe(bytes);
      pending.inc();
      const start = performance.now();
      let ended = false;
      return (response) => {
        if (ended) return;
        ended = true;
        pending.dec();
        if (response === undefined || response.header?.status?.code === StatusProto_StatusCode.ERROR) {
          failed.inc();
          return;
        }
        receiving.observe((performance.now() - start) / 1000);
        successful.inc();
        sentResponse.observe(wireSizeOf(response));
      };
    },
    startSend(parts) {
      let bytes = 0;
      for (const part of parts) bytes += wireSizeOf(part);
      sentRequest.observe(bytes);
      const start = performance.now();
      return (response) => {
        sending.observe((performance.now() - start) / 1000);
        if (response !== undefined) receivedResponse.observe(wireSizeOf(response));
      };
    },
  };
}


/**
 * Serves a registry's text exposition on its own port (see `serveMetrics` in runtime/).
 *
 * @example
 * ```ts
 * const metrics = await createGatewayMetrics();
 * await using server = await serveGatewayMetrics(metrics.registry, { port: 0 });
 * const text = await (await fetch(`${server.url}/metrics`)).text();
 * ```
 */
export function serveGatewayMetrics(registry: Registry, options: ServeMetricsOptions = {}): Promise<Server> {
  return serveMetrics(registry, options);
}
