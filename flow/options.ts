/**
 * The options of a Flow and of each Deployment in it: Jina's arguments in camelCase.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { ExecutorSpec } from "../config/mod.ts";
import type { DynamicBatchingOptions, Executor } from "../executor/mod.ts";
import type { GatewayOptions, RetryPolicy } from "../gateway/mod.ts";
import type { ResolvedDeployment } from "./deployment.ts";

/** A gateway protocol. */
export type Protocol = "grpc" | "http" | "websocket";

/**
 * What a deployment runs: an Executor class (in this process), a module specifier `./file.ts#Class` (one process
 * per replica, or in this process with `inProcess`), or an executor spec `{ jtype: "./file.ts#Class", with,
 * metas, requests, dynamicBatching }` (Jina's inline `uses`; `usesWith` & co. are merged over its values).
 */
export type Uses = (new (options?: never) => Executor) | string | ExecutorSpec;

/** Options of one Deployment, as `Flow.add()` takes them. */
export interface DeploymentOptions {
  /** Unique name; defaults to `executor<N>`. Must be an identifier (letters, digits, `_`, `-`). */
  name?: string;
  /** The executor: a class runs in the flow's process, `"./file.ts#Class"` runs one process per replica. */
  uses?: Uses;
  /** Constructor values for the executor (Jina's `uses_with`). */
  usesWith?: JsonObject;
  /** Metas for the executor (`name`, `workspace`, `description`). */
  usesMetas?: JsonObject;
  /** Endpoint → method overrides (Jina's `uses_requests`). */
  usesRequests?: Record<string, string>;
  /** Dynamic batching per endpoint or method: `{ "/embed": { preferredBatchSize: 16, timeout: 50 } }` (Jina's `uses_dynamic_batching`). */
  usesDynamicBatching?: Record<string, DynamicBatchingOptions>;
  /** Which deployments feed this one: a name, a list, or `"gateway"`. Default: the previous deployment. */
  needs?: string | string[];
  /** Number of shards (default 1). */
  shards?: number;
  /** Number of replicas per shard (default 1). */
  replicas?: number;
  /**
   * An executor that sees each request before it is sent to the shards (only with `shards > 1`; Jina's
   * `uses_before`): a class or `"./file.ts#Class"`, as `uses`. One replica, pod `<name>/uses_before-0`.
   */
  usesBefore?: Uses;
  /**
   * An executor that gets the results of all shards (as `docsMatrix`) and merges them (only with `shards > 1`;
   * Jina's `uses_after`): a class or `"./file.ts#Class"`, as `uses`. One replica, pod `<name>/uses_after-0`.
   */
  usesAfter?: Uses;
  /**
   * Shard polling: `"ANY"` (one shard per request), `"ALL"` (every shard) or a per-endpoint map with `"*"` as
   * default. `/index` is ANY and `/search` ALL unless the map names them (Jina's defaults).
   */
  polling?: "ANY" | "ALL" | Record<string, "ANY" | "ALL">;
  /** A condition on documents entering this deployment (DocArray query language). */
  when?: JsonObject;
  /** An executor that runs elsewhere: give `host` and `port`. */
  external?: boolean;
  /** Host of an external executor, or where to bind a spawned one (default 127.0.0.1). */
  host?: string;
  /** Port of an external executor, or the port(s) for spawned replicas (default: free ports). */
  port?: number | number[];
  /** Talk TLS to an external executor. */
  tls?: boolean;
  /** Environment variables for spawned replicas. */
  env?: Record<string, string>;
  /** Workspace root for this deployment (default: the flow's). */
  workspace?: string;
  /** Deadline of each gateway → executor call, in ms. */
  timeoutSend?: number;
  /** Retries on network errors (default: max(3, replicas) + 1 attempts in all). */
  retries?: number;
  /** Backoff between retries and the endpoints retried after a mid-flight failure (see `RetryPolicy`; default: the flow's). */
  retryPolicy?: RetryPolicy;
  /** Give the executor all parts (`docsMatrix`) instead of reducing them. */
  noReduce?: boolean;
  /** Run, but do not wait for, this deployment: it never feeds the gateway's answer. */
  floating?: boolean;
  /** How long `start()` waits for this deployment to be ready, in ms (default: the flow's `timeoutReady`). */
  timeoutReady?: number;
  /**
   * How long each replica, when the flow closes (after the gateway has drained), lets data calls still in flight
   * finish, in ms, before answering them UNAVAILABLE; it refuses new ones meanwhile (default: the flow's
   * `gracePeriod`, else 10,000). A replica process gets this long plus 5 s after SIGTERM before SIGKILL.
   */
  gracePeriod?: number;
  /**
   * Serve each replica's Prometheus metrics on a port of its own (Jina's `monitoring`; default: the flow's). The
   * bound ports are `flow.pods[d].shards[s][r].portMonitoring`.
   */
  monitoring?: boolean;
  /** Metrics port(s) of the replicas, one per replica as `port` (default: free ports). */
  portMonitoring?: number | number[];
  /**
   * Run a string or spec `uses` in the flow's process (the class is imported) instead of one process per replica
   * (jina-ts; default: the flow's, else false). A class `uses` always runs in process.
   */
  inProcess?: boolean;
  /**
   * Exports only: the container image of this deployment's pods (default: the `JINA_TS_IMAGE` environment variable,
   * else `jina-ts:<version>`). Local flows ignore it.
   */
  image?: string;
  /**
   * Exports only: volumes as docker writes them, `"host-or-name:/container/path"`. docker-compose mounts them;
   * Kubernetes makes the deployment a StatefulSet with a PersistentVolumeClaim per volume at the container path.
   */
  volumes?: string[];
  /** Exports only: GPUs per pod (`nvidia.com/gpu` limit on Kubernetes, a device reservation on docker-compose). */
  gpus?: number;
}

/**
 * The deployment options a Flow passes on to every deployment that does not set its own (Jina's flow-level
 * executor arguments).
 */
export type InheritedDeploymentOptions = Pick<
  DeploymentOptions,
  "shards" | "replicas" | "polling" | "usesWith" | "usesMetas" | "usesRequests" | "usesDynamicBatching" | "inProcess"
>;

/**
 * Options of a Flow: the flow, its gateway, and defaults inherited by every deployment: `shards`, `replicas`,
 * `polling`, `usesWith`, `usesMetas`, `usesRequests`, `usesDynamicBatching`, `inProcess` here, and `env`,
 * `workspace`, `timeoutSend`, `retries`, `monitoring`, `timeoutReady` below.
 */
export interface FlowOptions extends InheritedDeploymentOptions {
  /** The flow's name (used in exports and logs). */
  name?: string;
  /** Gateway protocol(s) (default `"grpc"`). */
  protocol?: Protocol | Protocol[];
  /** Gateway port(s), one per protocol (default: free ports). */
  port?: number | number[];
  /** Gateway host (default `127.0.0.1`; `0.0.0.0` to serve other machines). */
  host?: string;
  /** Allow cross-origin HTTP requests. */
  cors?: boolean;
  /** Title of the HTTP API (OpenAPI). */
  title?: string;
  /** Description of the HTTP API (OpenAPI). */
  description?: string;
  /** Hide `/post`, `/status` and `/dry_run`. */
  noDebugEndpoints?: boolean;
  /** Hide `/index`, `/search`, `/update`, `/delete`. */
  noCrudEndpoints?: boolean;
  /** In-flight requests per client stream (default 1000; 0 = unbounded). */
  prefetch?: number;
  /** Deadline of each gateway → executor call, in ms (default: none). */
  timeoutSend?: number;
  /** Retries on network errors (see {@link DeploymentOptions.retries}). */
  retries?: number;
  /** Backoff between retries and the endpoints retried after a mid-flight failure (see `RetryPolicy`). */
  retryPolicy?: RetryPolicy;
  /**
   * How long `close()` (and SIGTERM/SIGINT in `block()`) lets requests in flight finish, in ms, before cancelling
   * them; new requests get 503 / UNAVAILABLE meanwhile. Default 10,000. Also the default of each deployment's
   * `gracePeriod` (the executors drain the same way, after the gateway).
   */
  gracePeriod?: number;
  /** Bounds on the gateway's ports (HTTP/2 streams per connection, connections, idle and slow-client timeouts). */
  limits?: NonNullable<GatewayOptions["limits"]>;
  /** Largest number of documents in one request (default 100,000; see the gateway's `maxDocs`). */
  maxDocs?: number;
  /** Deadline of a whole request, in ms (default 600,000; 0: none). `timeoutSend` still bounds each executor call. */
  requestTimeout?: number;
  /** Stacks in the gateway's own error answers (default false). */
  debug?: boolean;
  /** Host names the gateway's HTTP port answers (default: localhost and the bind host; any when bound to 0.0.0.0). */
  allowedHosts?: string[];
  /** Workspace root (default `.workspace`). */
  workspace?: string;
  /** Environment variables for every spawned executor. */
  env?: Record<string, string>;
  /** How long `start()` waits for every deployment, in ms (default 600000; -1 waits forever). */
  timeoutReady?: number;
  /**
   * Serve the gateway's ports over TLS (HTTPS, gRPC over TLS, WSS): paths of the PEM certificate chain and private
   * key (Jina's `ssl_certfile` / `ssl_keyfile`). Both are required.
   */
  tls?: { cert: string; key: string };
  /** Compress gRPC messages on gateway → executor hops (`"gzip"`; default `"none"`). */
  compression?: "gzip" | "none";
  /** Largest request the gateway accepts, in bytes (default 100 MiB): HTTP 413, gRPC RESOURCE_EXHAUSTED. */
  maxRequestBytes?: number;
  /** Executor endpoints served as their own HTTP routes (Jina's `expose_endpoints`); see {@link Flow.exposeEndpoint}. */
  exposeEndpoints?: NonNullable<GatewayOptions["exposeEndpoints"]>;
  /**
   * Prometheus metrics (Jina's `monitoring`): the gateway serves its own on `portMonitoring` (`flow.portMonitoring`
   * once started), and every deployment, unless it says otherwise, serves each replica's on a port of its own.
   */
  monitoring?: boolean;
  /** The gateway's metrics port (default: a free one). */
  portMonitoring?: number;
  /** The playground page at the HTTP port's `/` (default on; its `graph` shows the flow); `false` turns it off. */
  playground?: NonNullable<GatewayOptions["playground"]>;
}

/**
 * A flow as tools read it without starting it (`flow.describe()`): exports and plots.
 *
 * @example
 * ```ts
 * const { deployments, graph } = new Flow().add({ name: "a" }).describe();
 * ```
 */
export interface FlowDescription {
  /** The options given to `new Flow()`. */
  options: FlowOptions;
  /** Every deployment in the order added, with resolved `needs`, `shards` and `replicas`. */
  deployments: ResolvedDeployment[];
  /** The names of the deployments added with `inspect()`. */
  inspects: string[];
  /** Jina's graph description (`flow.build()`). */
  graph: Record<string, string[]>;
}
