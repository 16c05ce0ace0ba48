/**
 * Prometheus metrics of an executor, with Jina's names, types and labels (the worker runtime, its request handler
 * and `BaseExecutor`), in one registry per executor instance (several executors may share a process), served as
 * text at `/metrics` by {@link serveExecutorMetrics}.
 *
 * | metric | type | labels |
 * |---|---|---|
 * | `jina_receiving_request_seconds` | summary | `runtime_name` |
 * | `jina_successful_requests_total` / `jina_failed_requests_total` | counter | `runtime_name` |
 * | `jina_document_processed_total` | counter | `executor_endpoint`, `executor`, `runtime_name` |
 * | `jina_received_request_bytes` (and the deprecated `jina_request_size_bytes`), `jina_sent_response_bytes` | summary | `executor_endpoint`, `executor`, `runtime_name` |
 * | `jina_process_request_seconds` | summary | `executor`, `executor_endpoint`, `runtime_name` |
 *
 * `runtime_name` is the pod name (`runtimeArgs.name`, e.g. `encoder/rep-0`), `executor` the class name (as Jina's
 * `__class__.__name__`). A request is failed when its handler threw (the in-band error), successful otherwise.
 * Counters carry `_total` in the sample and TYPE lines and summaries only `_sum` / `_count`, as Python's
 * `prometheus_client` writes Prometheus text 0.0.4 (its `_created` gauges are not written).
 *
 * Metrics are off until {@link enableExecutorMetrics} (or `serveExecutor(executor, { monitoring: true })`):
 * `prom-client` is loaded then, and the serving path only looks the executor up in a WeakMap otherwise.
 *
 * @module
 */
import type { Registry } from "prom-client";
import { wireSizeOf } from "../docarray/request-measure.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { type Server } from "../runtime/server.ts";
import { serveMetrics, type ServeMetricsOptions } from "../runtime/serve-metrics.ts";
import { SumSummary } from "../runtime/sum-summary.ts";
import type { Executor } from "./executor.ts";

/**
 * What an executor records (see the module documentation).
 *
 * @example
 * ```ts
 * const metrics = await enableExecutorMetrics(executor);
 * console.log(await metrics.metrics()); // "# HELP jina_receiving_request_seconds ..."
 * ```
 */
export interface ExecutorMetrics {
  /** The registry holding this executor's metrics (never prom-client's global one). */
  readonly registry: Registry;
  /** The `runtime_name` label value: the pod name. */
  readonly runtimeName: string;
  /** The text exposition of the registry (what `/metrics` answers). */
  metrics(): Promise<string>;
  /** Starts timing one RPC; call the returned function with whether it failed. */
  startRequest(): (failed: boolean) => void;
  /** Records the bytes of the requests a handler of `endpoint` receives. */
  received(endpoint: string, requests: readonly DataRequestProto[]): void;
  /** Starts timing one handler call of `endpoint`; call the returned function once it returned or threw (later calls do nothing). */
  startProcess(endpoint: string): () => void;
  /** Records a response a handler of `endpoint` produced without error: its documents and its bytes. */
  processed(endpoint: string, response: DataRequestProto, documents: number): void;
}

const metricsOf = new WeakMap<object, ExecutorMetrics>();
const loading = new WeakMap<object, Promise<ExecutorMetrics>>();

/**
 * The metrics of `executor` when enabled, else undefined (the serving path's one check when monitoring is off).
 *
 * @example
 * ```ts
 * executorMetricsOf(executor)?.startRequest();
 * ```
 */
export function executorMetricsOf(executor: object): ExecutorMetrics | undefined {
  return metricsOf.get(executor);
}

/**
 * Turns metrics on for `executor` (idempotent: the same registry on every call) and resolves with them.
 *
 * @example
 * ```ts
 * const metrics = await enableExecutorMetrics(executor);
 * await handleDataRequest(executor, request);
 * console.log(await metrics.metrics());
 * ```
 */
export function enableExecutorMetrics(executor: Executor): Promise<ExecutorMetrics> {
  let pending = loading.get(executor);
  if (!pending) {
    pending = createExecutorMetrics(executor).then((metrics) => {
      metricsOf.set(executor, metrics);
      return metrics;
    });
    loading.set(executor, pending);
    pending.catch(() => loading.delete(executor));
  }
  return pending;
}

async function createExecutorMetrics(executor: Executor): Promise<ExecutorMetrics> {
  const prom = await import("prom-client");
  const registry = new prom.Registry();
  const runtimeName = executor.runtimeArgs.name;
  const executorName = executor.constructor.name;
  // runtime_name is a default label of the registry: the runtime metrics are unlabelled themselves and so show
  // from the start (at 0), as Python's `.labels(runtime_name)` children do.
  registry.setDefaultLabels({ runtime_name: runtimeName });
  const endpointLabels = ["executor_endpoint", "executor", "runtime_name"] as const;
  // Summaries of _sum and _count only, as Jina's (prom-client's own would feed a t-digest per value)
  const endpointSummary = (name: string, help: string) => new SumSummary(name, help, endpointLabels, registry);

  const receiving = new SumSummary("jina_receiving_request_seconds", "Time spent processing request", [], registry);
  const failed = new prom.Counter({ name: "jina_failed_requests_total", help: "Number of failed requests", registers: [registry] });
  const successful = new prom.Counter({ name: "jina_successful_requests_total", help: "Number of successful requests", registers: [registry] });
  const documents = new prom.Counter({
    name: "jina_document_processed_total",
    help: "Number of Documents that have been processed by the executor",
    labelNames: endpointLabels,
    registers: [registry],
  });
  const receivedBytes = endpointSummary("jina_received_request_bytes", "The size in bytes of the request received by the executor");
  const receivedBytesDeprecated = endpointSummary(
    "jina_request_size_bytes",
    "The size in bytes of the request received by the executor (deprecated: use jina_received_request_bytes)",
  );
  const sentBytes = endpointSummary("jina_sent_response_bytes", "The size in bytes of the response returned by the executor");
  const processSeconds = new SumSummary(
    "jina_process_request_seconds",
    "Time spent when calling the executor request method",
    ["executor", "executor_endpoint", "runtime_name"],
    registry,
  );
  // One set of label children per endpoint, made on its first request (a label object is looked up per value otherwise).
  const byEndpoint = new Map<string, ReturnType<typeof endpointChildren>>();
  const endpointChildren = (endpoint: string) => {
    const labels = { executor_endpoint: endpoint, executor: executorName, runtime_name: runtimeName };
    return {
      documents: documents.labels(labels),
      receivedBytes: receivedBytes.labels(labels),
      receivedBytesDeprecated: receivedBytesDeprecated.labels(labels),
      sentBytes: sentBytes.labels(labels),
      // Jina's label order for this one (the text exposition writes labels in the object's order).
      processSeconds: processSeconds.labels({ executor: executorName, executor_endpoint: endpoint, runtime_name: runtimeName }),
    };
  };
  const children = (endpoint: string) => {
    let found = byEndpoint.get(endpoint);
    if (!found) byEndpoint.set(endpoint, (found = endpointChildren(endpoint)));
    return found;
  };

  return {
    registry,
    runtimeName,
    metrics: () => registry.metrics(),
    startRequest() {
      const start = performance.now();
      return (isFailed) => {
        receiving.observe((performance.now() - start) / 1000);
        (isFailed ? failed : successful).inc();
      };
    },
    received(endpoint, requests) {
      const { receivedBytes, receivedBytesDeprecated } = children(endpoint);
      for (const request of requests) {
        const bytes = wireSizeOf(request);
        receivedBytes.observe(bytes);
        receivedBytesDeprecated.observe(bytes);
      }
    },
    startProcess(endpoint) {
      const { processSeconds } = children(endpoint);
      const start = performance.now();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        processSeconds.observe((performance.now() - start) / 1000);
      };
    },
    processed(endpoint, response, count) {
      const { documents, sentBytes } = children(endpoint);
      documents.inc(count);
      sentBytes.observe(wireSizeOf(response));
    },
  };
}


/**
 * Where an executor's metrics port binds.
 *
 * @example
 * ```ts
 * const options: ServeExecutorMetricsOptions = { port: 9091, host: "0.0.0.0" };
 * ```
 */
export type ServeExecutorMetricsOptions = ServeMetricsOptions;

/**
 * Turns metrics on for `executor` and serves them on their own HTTP port (Jina's `port_monitoring`). As Python's
 * `start_http_server`, any GET path answers with the text exposition (`/metrics` by convention).
 *
 * @example
 * ```ts
 * await using monitoring = await serveExecutorMetrics(executor, { port: 0 });
 * const text = await (await fetch(`${monitoring.url}/metrics`)).text();
 * ```
 */
export async function serveExecutorMetrics(executor: Executor, options: ServeExecutorMetricsOptions = {}): Promise<Server> {
  const { registry } = await enableExecutorMetrics(executor);
  return await serveMetrics(registry, options);
}
