/**
 * The options of a Gateway: the flow's graph, where each deployment's replicas are, and how the gateway serves.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import type { RetryPolicy } from "./retry-policy.ts";
import type { PlaygroundGraph } from "./playground.ts";
import type { ServerLimits } from "../runtime/mod.ts";

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
 * How a sharded deployment spreads a request: `"ANY"` sends it to one shard (round-robin), `"ALL"` to every shard.
 *
 * @example
 * ```ts
 * const polling: PollingType = "ALL";
 * ```
 */
export type PollingType = "ANY" | "ALL";

/**
 * A deployment's polling (Jina's `--polling`): one type for every endpoint, or a map from endpoint to type with
 * `"*"` as the default. `"/search"` → ALL and `"/index"` → ANY are pre-set unless the map names them.
 *
 * @example
 * ```ts
 * const polling: Polling = { "/custom": "ALL", "*": "ANY" }; // "/search" stays ALL
 * ```
 */
export type Polling = PollingType | Record<string, PollingType>;

/**
 * Compression of gRPC messages on the gateway → executor hops (Jina's `--compression`): `"gzip"` or `"none"`.
 * Jina's `Deflate` has no implementation in Connect; ask for `"gzip"`.
 *
 * @example
 * ```ts
 * const compression: Compression = "gzip";
 * ```
 */
export type Compression = "gzip" | "none";

/**
 * One deployment as the gateway sees it: a name in the graph, its shards (each a list of replicas to balance
 * over), and how requests reach them. With several shards the gateway plays Jina's head itself (no extra hop):
 * optional `usesBefore`, the fan-out by `polling`, then `usesAfter` or the reduce.
 *
 * @example
 * ```ts
 * const indexer: GatewayDeployment = {
 *   name: "indexer",
 *   shards: [["grpc://127.0.0.1:54321"], ["grpc://127.0.0.1:54322", "grpc://127.0.0.1:54323"]],
 *   polling: { "/custom": "ALL", "*": "ANY" },
 *   when: { tags__lang: { $eq: "en" } },
 *   timeoutSend: 5000,
 * };
 * ```
 */
export interface GatewayDeployment {
  /** The node name in the graph. */
  name: string;
  /** `shards[s]` are the replicas of shard s, picked round-robin. At least one shard, each with at least one replica. */
  shards: ReplicaTarget[][];
  /**
   * Which shards a request goes to, by its endpoint (only matters with several shards). Default `"ANY"`, with
   * `"/search"` → ALL and `"/index"` → ANY pre-set unless a map names them.
   */
  polling?: Polling;
  /** With several shards: called once before the fan-out; its answer is what the shards get. Ignored with one shard. */
  usesBefore?: ReplicaTarget[];
  /**
   * With several shards: gets every shard's answer in one `jina.JinaDataRequestRPC/process_data` call
   * (`docsMatrix`) instead of the gateway reducing them. Ignored with one shard.
   */
  usesAfter?: ReplicaTarget[];
  /**
   * A DocArray query-language condition (`{ tags__lang: { $eq: "en" } }`): only the documents matching it enter
   * this deployment, and only they continue on this branch (Jina's `when`). See the gateway module for details.
   */
  when?: JsonObject;
  /** When this node waits for several parts: send them together via `process_data` (`docsMatrix`) instead of reducing them. */
  noReduce?: boolean;
  /** Deadline of each call to this deployment, in milliseconds (overrides the gateway's). */
  timeoutSend?: number;
  /** Retries after a failed call (overrides the gateway's); -1 (the default) means `max(3, replicas)` retries. */
  retries?: number;
  /** Backoff between retries and which endpoints are retried after a mid-flight failure (overrides the gateway's). */
  retryPolicy?: RetryPolicy;
  /** gRPC metadata sent with every call to this deployment (Jina's `--deployments-metadata`). */
  metadata?: Record<string, string>;
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
 *   deployments: [{ name: "encoder", shards: [["grpc://127.0.0.1:54321"]] }],
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
  /**
   * Backoff between retries and which endpoints are retried after a mid-flight failure (a replica that died
   * holding the call); default: 50 ms doubling up to 1 s, every endpoint (as Jina). See {@link RetryPolicy}.
   */
  retryPolicy?: RetryPolicy;
  /**
   * How long a shutdown (`close()`, SIGTERM) lets requests in flight finish, in milliseconds, before it cancels
   * them; new requests are refused meanwhile. Default 10,000.
   */
  gracePeriod?: number;
  /** Largest number of documents in one request (HTTP 413 / gRPC RESOURCE_EXHAUSTED beyond). Default 100,000. */
  maxDocs?: number;
  /**
   * Deadline of a whole request through the flow, in milliseconds (DEADLINE_EXCEEDED / HTTP 504 beyond); 0: none.
   * Default 600,000 (10 min). Each executor call keeps its own `timeoutSend` (Jina's semantics).
   */
  requestTimeout?: number;
  /** Put stacks (server paths) in the gateway's own error answers. Default false; executors' in-band stacks always pass. */
  debug?: boolean;
  /**
   * Host names the HTTP port answers (the Host header), against DNS rebinding; others get 421. `"*"` allows any.
   * Default: `localhost`, `127.0.0.1`, `::1` and every host the gateway serves on (any host when it binds 0.0.0.0 or ::).
   */
  allowedHosts?: string[];
  /**
   * Bounds on the gateway's ports: HTTP/2 streams per connection, connections, idle and slow-client timeouts
   * (defaults: `defaultServerLimits` of `jina-ts/runtime`).
   */
  limits?: ServerLimits;
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
  /**
   * Backpressure; default 1000, 0 means no limit. Bounds the requests of one gRPC `Call` stream handled at once,
   * and the requests in flight through the HTTP routes and unary gRPC together: beyond it they are refused at
   * once (HTTP 429 / gRPC RESOURCE_EXHAUSTED), never queued.
   */
  prefetch?: number;
  /** Compress request messages sent to executors over gRPC (`"gzip"`); default `"none"`. Executors' answers come back compressed alike. */
  compression?: Compression;
  /** Largest request body accepted, in bytes (HTTP 413 / gRPC RESOURCE_EXHAUSTED). Default 100 MiB. */
  maxRequestBytes?: number;
  /** Where errors nobody awaits are reported (floating deployments, failed shards, endpoint discovery). Default: `console`. */
  logger?: GatewayLogger;
  /**
   * Jina's `expose_endpoints`: an HTTP route per executor endpoint (the key, e.g. `"/foo"`) taking the CRUD body and
   * running the request with that endpoint; listed in `/openapi.json`. Bad paths or methods: InvalidArgument.
   */
  exposeEndpoints?: Record<string, ExposedEndpoint>;
  /**
   * Jina's `monitoring`: keep Prometheus metrics (`jina_successful_requests_total`, …, see `gateway/metrics.ts`) in
   * a registry of this gateway's own; serve them with `gateway.serveMonitoring({ port })` or read them with
   * `gateway.metrics()`. Default false: no registry, no timers, `prom-client` is not even loaded.
   */
  monitoring?: boolean;
  /**
   * The playground page at `GET /` for browsers (`gateway/playground.ts`): `graph` hands it the flow's graph
   * (mermaid, SVG). Default on; `false` turns it off (`GET /` then always answers `{}`).
   */
  playground?: { graph?: () => PlaygroundGraph | Promise<PlaygroundGraph> } | false;
}

/**
 * How one executor endpoint is exposed as an HTTP route (Jina's `expose_endpoints` entry).
 *
 * @example
 * ```ts
 * const exposed: ExposedEndpoint = { path: "/bar", methods: ["GET", "POST"], summary: "Run /foo", tags: ["Mine"] };
 * const options = { graph, deployments, exposeEndpoints: { "/foo": exposed } };
 * ```
 */
export interface ExposedEndpoint {
  /** The HTTP path; default: the endpoint itself. A literal path: letters, digits and `-._~/`. */
  path?: string;
  /** HTTP methods; default `["POST"]`. Any of GET, POST, PUT, PATCH, DELETE. */
  methods?: string[];
  /** The summary in the OpenAPI description; default `Endpoint <endpoint>`. */
  summary?: string;
  /** The description in the OpenAPI description. */
  description?: string;
  /** OpenAPI tags; default `["Customized"]`. */
  tags?: string[];
}
