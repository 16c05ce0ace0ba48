/**
 * The options of a Gateway: the flow's graph, where each deployment's replicas are, and how the gateway serves.
 *
 * @module
 */
import type { Transport } from "@connectrpc/connect";

/**
 * Where the gateway reaches one replica: an in-memory Connect transport (executors in this process), or an
 * address `grpc://host:port` (`grpcs://host:port` for TLS).
 *
 * @example
 * ```ts
 * const targets: ReplicaTarget[] = ["grpc://127.0.0.1:54321", createRouterTransport(routes)];
 * ```
 */
export type ReplicaTarget = Transport | string;

/**
 * One deployment as the gateway sees it: a name in the graph and the replicas to balance over.
 *
 * @example
 * ```ts
 * const encoder: GatewayDeployment = { name: "encoder", replicas: ["grpc://127.0.0.1:54321"], timeoutSend: 5000 };
 * ```
 */
export interface GatewayDeployment {
  /** The node name in the graph. */
  name: string;
  /** The replicas, picked round-robin. At least one. */
  replicas: ReplicaTarget[];
  /** Deadline of each call to this deployment, in milliseconds (overrides the gateway's). */
  timeoutSend?: number;
  /** Retries after a failed call (overrides the gateway's); -1 (the default) means `max(3, replicas)` retries. */
  retries?: number;
}

/**
 * Where the gateway reports what it does not return to a client (errors of floating deployments).
 *
 * @example
 * ```ts
 * const logger: GatewayLogger = { warn: (message) => myLog.warning(message) };
 * ```
 */
export interface GatewayLogger {
  warn(message: string, error?: unknown): void;
}

/**
 * Options of {@link createGateway}.
 *
 * @example
 * ```ts
 * const options: GatewayOptions = {
 *   graph: { "start-gateway": ["encoder"], encoder: ["end-gateway"] },
 *   deployments: [{ name: "encoder", replicas: ["grpc://127.0.0.1:54321"] }],
 *   timeoutSend: 10_000,
 * };
 * ```
 */
export interface GatewayOptions {
  /** Jina's graph description: `{ "start-gateway": ["a"], "a": ["end-gateway"] }`. */
  graph: Record<string, string[]>;
  /** Every deployment named in the graph. */
  deployments: GatewayDeployment[];
  /** Deadline of each call to an executor, in milliseconds. Default: none. */
  timeoutSend?: number;
  /** Retries after a failed call; default -1, which means `max(3, replicas)` retries (each on the next replica). */
  retries?: number;
  /** Title of the HTTP API (for its OpenAPI description). */
  title?: string;
  /** Description of the HTTP API (for its OpenAPI description). */
  description?: string;
  /** Hides `/post`, `/status` and `/dry_run` on HTTP. */
  noDebugEndpoints?: boolean;
  /** Hides `/index`, `/search`, `/update` and `/delete` on HTTP. */
  noCrudEndpoints?: boolean;
  /** Allows cross-origin requests from any origin on HTTP. */
  cors?: boolean;
  /** Requests of one gRPC `Call` stream handled at once; default 1000, 0 means no limit. */
  prefetch?: number;
  /** Largest request body accepted, in bytes (HTTP 413 / gRPC RESOURCE_EXHAUSTED). Default 100 MiB. */
  maxRequestBytes?: number;
  /** Where errors nobody awaits are reported (floating deployments). Default: `console`. */
  logger?: GatewayLogger;
}
