/**
 * The server-side gRPC pieces every jina-ts server (executor and gateway) shares: gRPC health and reflection
 * (v1alpha), INVALID_ARGUMENT for undecodable requests, Jina's `_status` info and the versions it reports, and the
 * request tracker that drains a server on shutdown.
 *
 * @example
 * ```ts
 * import { Health } from "./proto/gen/grpc/health_pb.ts";
 * import { ServerReflection } from "./proto/gen/grpc/reflection_pb.ts";
 * import { createHealthService, createHealthState, createReflectionService, withInvalidArgumentOnParseError } from "./proto/server/mod.ts";
 * const health = createHealthState();
 * const routes = withInvalidArgumentOnParseError((router) => {
 *   router.service(Health, createHealthService(health, [Health.typeName, ServerReflection.typeName]));
 *   router.service(ServerReflection, createReflectionService([Health, ServerReflection]));
 * });
 * ```
 *
 * @module
 */
export { createHealthService, createHealthState } from "./health.ts";
export { createReflectionService } from "./reflection.ts";
export { withInvalidArgumentOnParseError } from "./parse-errors.ts";
export { jinaInfo, serverSession } from "./info.ts";
export { checkGracePeriod, createRequestTracker, defaultGracePeriodMs } from "./drain.ts";
export { onAbort } from "./abort-fanout.ts";
export { LazyAbort } from "./lazy-abort.ts";
export { isCancellation, signalOf, subscribeCancel } from "./cancellation.ts";
export { jinaCompatVersion, jinaTsVersion } from "./version.ts";

export type { HealthState } from "./health.ts";
export type { JinaInfo, JinaInfoContext } from "./info.ts";
export type { CancelInput, Cancellation } from "./cancellation.ts";
export type { CancelSource, DrainOutcome, LazySignal, RequestTracker, TrackOptions } from "./drain.ts";
