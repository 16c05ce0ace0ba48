/**
 * The jina-ts Gateway: walks the flow's topology graph for every request (reduce, executor-specific
 * parameters, `targetExecutor`, floating deployments), balances over replicas with retries and `timeoutSend`,
 * and serves Jina's gRPC (`jina.JinaRPC/Call`, `process_single_data`, `dry_run`, `_status`, health,
 * reflection) and HTTP (`/post`, `/status`, `/dry_run`, CRUD) APIs.
 *
 * @example
 * ```ts
 * import { createGateway } from "jina-ts/gateway";
 * const gateway = createGateway({
 *   graph: { "start-gateway": ["encoder"], encoder: ["end-gateway"] },
 *   deployments: [{ name: "encoder", replicas: ["grpc://127.0.0.1:54321"] }],
 * });
 * const server = await gateway.serve({ protocol: "grpc", port: 0 });
 * ```
 *
 * @module
 */
export { createGateway } from "./gateway.ts";
export { createTopologyGraph, endGateway, startGateway } from "./graph.ts";
export { createConnectionPool } from "./pool.ts";
export { walkGraph, isErrorResponse } from "./walk.ts";
export { specificParameters, mergeResults, resultsKey } from "./parameters.ts";
export { reduceRequests } from "./reduce-requests.ts";
export { createGatewayApp } from "./http-app.ts";
export { parseRequestBody } from "./http-body.ts";
export { createGatewayRoutes, gatewayServices } from "./grpc-routes.ts";
export { dryRun, dryRunEndpoint } from "./dry-run.ts";

export type { Gateway, GatewayServeOptions } from "./gateway.ts";
export type { GatewayDeployment, GatewayLogger, GatewayOptions, ReplicaTarget } from "./options.ts";
export type { GraphNode, TopologyGraph } from "./graph.ts";
export type { ConnectionPool, ConnectionPoolOptions, PoolSendOptions } from "./pool.ts";
export type { NodeReply, NodeSender, WalkOptions } from "./walk.ts";
export type { GatewayAppOptions } from "./http-app.ts";
export type { GatewayRoutesOptions } from "./grpc-routes.ts";
export type { JinaInfo as GatewayInfo } from "../proto/server/mod.ts";
