/**
 * Executors: the base class, `@requests`, `@dynamicBatching`, endpoint dispatch, the executor's Connect services
 * (Jina's data RPCs, gRPC health and reflection), in-memory and gRPC serving, and the readiness line of
 * `executor/main.ts`.
 *
 * @example
 * ```ts
 * import { type DocumentArray } from "jina-ts/docarray";
 * import { Executor, requests, serveExecutor } from "jina-ts/executor";
 *
 * class Upper extends Executor {
 *   @requests("/index")
 *   upper({ docs }: { docs: DocumentArray }) {
 *     for (const doc of docs) doc.text = doc.text?.toUpperCase();
 *   }
 * }
 *
 * await using server = await serveExecutor(new Upper(), { port: 0 });
 * ```
 *
 * @module
 */
export { Executor, isExecutorClass } from "./executor.ts";
export { requests } from "./requests-decorator.ts";
export { bindRequests, defaultEndpoint, dryRunEndpoint } from "./bindings.ts";
export { dynamicBatching } from "./dynamic-batching-decorator.ts";
export { batchingOf, bindDynamicBatching, defaultBatchingTimeout } from "./dynamic-batching-config.ts";
export { flushBatches, queuedRequests } from "./dynamic-batching.ts";
export { endpointsOf, handlerNameOf } from "./endpoints.ts";
export { handleDataRequest, resultsKey } from "./dispatch.ts";
export { createExecutorRoutes, executorServices } from "./services.ts";
export { createExecutorTransport } from "./transport.ts";
export { serveExecutor } from "./serve.ts";
export { formatReadyLine, parseReadyLine } from "./ready-line.ts";
export { loadExecutorClass, parseUses } from "./load-executor.ts";
export { moduleSpecifierOf } from "./class-origin.ts";
export { executorFlags, parseExecutorArgs } from "./main-args.ts";
export { configuredExecutor, isExecutorYamlPath, optionsOfSpec, underSpec } from "./executor-yaml.ts";
export { runExecutor } from "./run-executor.ts";
export { executorFlagsOf, executorOptionsOf } from "./executor-settings.ts";
export { isServing, setServing } from "./serving.ts";
export { callsInFlight, defaultGracePeriodMs, drainExecutor, trackCall } from "./drain.ts";
export { enableExecutorMetrics, executorMetricsOf, serveExecutorMetrics } from "./metrics.ts";
export { traceContextOf, traceHandler } from "./tracing.ts";

export type { ExecutorServeOptions } from "./executor.ts";
export type { ExecutorMetas, ExecutorOptions, Handler, HandlerArgs, HandlerResult, RuntimeArgs } from "./options.ts";
export type { RequestsDecorator } from "./requests-decorator.ts";
export type { DynamicBatchingDecorator } from "./dynamic-batching-decorator.ts";
export type { DynamicBatchingOptions, ResolvedBatching } from "./dynamic-batching-config.ts";
export type { ExecutorServer, ServeExecutorOptions } from "./serve.ts";
export type { ExecutorMetrics, ServeExecutorMetricsOptions } from "./metrics.ts";
export type { ReadyLine } from "./ready-line.ts";
export type { ExecutorClass } from "./load-executor.ts";
export type { ExecutorMainArgs } from "./main-args.ts";
export type { ExecutorSettings } from "./executor-settings.ts";
