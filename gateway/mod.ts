/**
 * The jina-ts Gateway: walks the flow's topology graph for every request (reduce or `noReduce`, `when`
 * conditions, executor-specific parameters, `targetExecutor`, endpoint discovery, floating deployments), plays
 * Jina's head for sharded deployments (polling ANY/ALL, `usesBefore`, `usesAfter`, reduce, tolerated shard
 * failures), balances over replicas with retries and `timeoutSend`, bounds requests in flight (`prefetch`),
 * and serves Jina's gRPC (`jina.JinaRPC/Call`, `process_single_data`, `dry_run`, `_status`, health,
 * reflection) and HTTP (`/post`, `/status`, `/dry_run`, CRUD) APIs.
 *
 * @example
 * ```ts
 * import { createGateway } from "jina-ts/gateway";
 * const gateway = createGateway({
 *   graph: { "start-gateway": ["encoder"], encoder: ["end-gateway"] },
 *   deployments: [{ name: "encoder", shards: [["grpc://127.0.0.1:54321"]] }],
 * });
 * const server = await gateway.serve({ protocol: "grpc", port: 0 });
 * ```
 *
 * @module
 */
export { createGateway } from "./gateway.ts";
export { createTopologyGraph, endGateway, startGateway } from "./graph.ts";
export { createConnectionPool } from "./pool.ts";
export { createRequestTracker, defaultGracePeriodMs } from "../proto/server/mod.ts";
export { walkGraph, isErrorResponse } from "./walk.ts";
export { specificParameters, mergeResults, resultsKey } from "./parameters.ts";
export { reduceRequests } from "./reduce-requests.ts";
export { createGatewayApp } from "./http-app.ts";
export { crudBodySchema, invalidBodyError, parseRequestBody, postBodySchema, readJsonBody } from "./http-body.ts";
export { mountConnect } from "./connect-app.ts";
export { resolveExposedRoutes } from "./http-expose.ts";
export { crudDescription, dataRoute, dryRunRoute, healthRoute, infoRoute } from "./http-routes.ts";
export { crudRequestSchema, documentSchema, healthSchema, infoSchema, postRequestSchema, responseSchema, statusSchema } from "./http-schemas.ts";
export { defaultApiDescription, defaultApiTitle, mountOpenApi, registerRoute } from "./openapi.ts";
export { mountSwaggerUi } from "./swagger-ui.ts";
export { acceptsHtml, mountPlayground } from "./playground.ts";
export { createGatewayRoutes, gatewayServices } from "./grpc-routes.ts";
export { dryRun, dryRunEndpoint } from "./dry-run.ts";
export { createGatewayMetrics, serveGatewayMetrics } from "./metrics.ts";
export { endSpan, startDeploymentSpan, startRequestSpan } from "./tracing.ts";
export { createGatewayWebSocket } from "./websocket-routes.ts";
export { decodeFrame, encodeResponse, encodeStatus, webSocketModeOf } from "./websocket-codec.ts";
export { errorEcho, errorResponse } from "./http-errors.ts";
export { gatewayFlags, gatewayFlagsOf, gatewayOptionsOf, parseGatewayArgs } from "./main-args.ts";
export { gatewayReadyPrefix, runGateway } from "./run-gateway.ts";
export { isNamedTarget, resolveTargets } from "./resolve-targets.ts";
export { watchDns } from "./dns-watch.ts";

export type { Gateway, GatewayServeOptions } from "./gateway.ts";
export type { GatewayDeployment, GatewayLogger, GatewayOptions, Polling, PollingType, ReplicaTarget } from "./options.ts";
export type { GraphNode, TopologyGraph } from "./graph.ts";
export type { ConnectionPool, ConnectionPoolOptions, PoolSendOptions } from "./pool.ts";
export type { RetryPolicy } from "./retry-policy.ts";
export type { DrainOutcome } from "../proto/server/mod.ts";
export type { NodeReply, NodeSender, WalkNodeOptions, WalkOptions } from "./walk.ts";
export type { GatewayAppOptions } from "./http-app.ts";
export type { ExposedEndpoint } from "./options.ts";
export type { ExposedRoute } from "./http-expose.ts";
export type { PlaygroundGraph, PlaygroundOptions } from "./playground.ts";
export type { DataRouteOptions } from "./http-routes.ts";
export type { ConnectAppOptions } from "./connect-app.ts";
export type { OpenApiOptions } from "./openapi.ts";
export type { SwaggerUiOptions } from "./swagger-ui.ts";
export type { GatewayRoutesOptions } from "./grpc-routes.ts";
export type { GatewayMetrics, GatewayMetricsOptions } from "./metrics.ts";
export type { ServeMetricsOptions } from "../runtime/mod.ts";
export type { TracedSpan } from "./tracing.ts";
export type { GatewayWebSocketOptions } from "./websocket-routes.ts";
export type { WebSocketFrame, WebSocketMode } from "./websocket-codec.ts";
export type { DeploymentExtras, GatewayMainArgs, GatewayProtocol } from "./main-args.ts";
export type { DnsWatch, DnsWatchOptions } from "./dns-watch.ts";
export type { DeploymentHealth } from "./head.ts";
export type { ReplicaHealth } from "./replica-group.ts";
export type { ReplicaJoinOptions, ReplicaLeave, ReplicaLeaveOptions } from "./replica-changes.ts";
export type { JinaInfo as GatewayInfo } from "../proto/server/mod.ts";
