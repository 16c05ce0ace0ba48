/**
 * The Gateway: the flow's entry point. It walks the topology graph for each request, calls the deployments
 * through its connection pool, and serves Jina's gRPC and HTTP APIs.
 *
 * @module
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { Hono } from "hono";
import { checkDocCount, defaultMaxDocs, docCountCheck, docCountOf, materializeData, randomId } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { isOwned, markOwned } from "../proto/ownership.ts";
import { headerWith, requestWith } from "../proto/request-copy.ts";
import type { DataRequestProto, StatusProto } from "../proto/gen/jina_pb.ts";
import { type CancelInput, type CancelSource, checkGracePeriod, createHealthState, createRequestTracker, defaultGracePeriodMs, type DrainOutcome, jinaInfo, type JinaInfo, serverSession } from "../proto/server/mod.ts";
import { allEnv, type DirectRoutes, otelRegistered, runtimeName, serveGrpc, serveHttp, type Server, type ServeMetricsOptions, type TlsOptions } from "../runtime/mod.ts";
import { dryRun } from "./dry-run.ts";
import { createEndpointDiscovery, type EndpointDiscovery } from "./endpoint-discovery.ts";
import { createTopologyGraph, type TopologyGraph } from "./graph.ts";
import { createGatewayFastRoutes, createGatewayRoutes, type GatewayRoutesOptions } from "./grpc-routes.ts";
import { type HttpSideFactory, httpSideNow, loadHttpSide } from "./http-side.ts";
import { resolveExposedRoutes } from "./http-expose.ts";
import { createInFlightLimit, type InFlightLimit } from "./in-flight-limit.ts";
import { createNodeOptions } from "./node-options.ts";
import type { GatewayLogger, GatewayOptions } from "./options.ts";
import { createGatewayMetrics, type GatewayMetrics, serveGatewayMetrics } from "./metrics.ts";
import { type ConnectionPool, createConnectionPool } from "./pool.ts";
import type { DeploymentHealth } from "./head.ts";
import type { ReplicaJoinOptions, ReplicaLeave, ReplicaLeaveOptions } from "./replica-changes.ts";
import type { ReplicaTarget } from "./options.ts";
import type * as Tracing from "./tracing.ts";
import { type NodeReply, walkGraph, type WalkNodeOptions, type WalkOptions } from "./walk.ts";
import type { Context } from "@opentelemetry/api";

/** How long a drain waits, after the last request settled, for its answer to be written before closing servers. */
const answerFlushMs = 100;

/** How long `close()` lets calls of floating deployments finish before it cancels them. */
const floatingGraceMs = 5000;

let tracingLoaded: typeof Tracing | undefined;
let tracingLoading: Promise<typeof Tracing> | undefined;

/**
 * The gateway's spans (tracing.ts, with `@opentelemetry/api`), loaded once something registered with OpenTelemetry;
 * undefined before (nothing to trace): a Flow's process does not load the API's ~50 CommonJS files at start.
 */
function tracingModule(): typeof Tracing | undefined | Promise<typeof Tracing> {
  if (tracingLoaded) return tracingLoaded;
  if (!otelRegistered()) return undefined;
  return (tracingLoading ??= import("./tracing.ts").then((module) => (tracingLoaded = module)));
}

/**
 * Options of {@link Gateway.serve}.
 *
 * @example
 * ```ts
 * const options: GatewayServeOptions = { protocol: "grpc", port: 54321, host: "0.0.0.0" };
 * ```
 */
export interface GatewayServeOptions {
  /** "grpc" (HTTP/2: gRPC, gRPC-web, Connect, and the HTTP routes as fallback), "http" (HTTP/1.1), or "websocket". */
  protocol: "grpc" | "http" | "websocket";
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  /** Serve TLS (HTTPS, gRPC over TLS, WSS) with this certificate chain and private key, as PEM text. */
  tls?: TlsOptions;
}

/**
 * A running gateway (see {@link createGateway}).
 *
 * @example
 * ```ts
 * const gateway = createGateway({ graph, deployments });
 * const server = await gateway.serve({ protocol: "grpc", port: 0 });
 * // ...
 * await server.close();
 * await gateway.close();
 * ```
 */
export interface Gateway {
  /**
   * Runs one request through the graph and resolves with the response: an executor's failure comes back
   * in-band (`header.status.code = ERROR`); a network failure rejects with a JinaError (Unavailable,
   * DeadlineExceeded), bad input with InvalidArgument, an abort through `signal` with Canceled.
   */
  handle(request: DataRequestProto, signal?: AbortSignal): Promise<DataRequestProto>;
  /**
   * The HTTP routes (`/`, `/status`, `/post`, `/dry_run`, CRUD). Always there for a gateway made by `jina-ts/gateway`'s
   * `createGateway`; a Flow's gateway loads them when it first serves HTTP (see `http-side.ts`).
   */
  readonly app: Hono;
  /** Registers the gRPC services of the gateway on a Connect router. */
  routes(router: ConnectRouter): void;
  /**
   * Runs endpoint discovery now if it has not run (it otherwise starts with the first request, in the
   * background), waits for it, and resolves with the endpoints known per deployment (undefined: not known, e.g.
   * unreachable or an executor without discovery: it gets every request).
   */
  endpoints(): Promise<Record<string, readonly string[] | undefined>>;
  /** Serves one protocol; resolves once listening. */
  serve(options: GatewayServeOptions): Promise<Server>;
  /**
   * The Prometheus text exposition of this gateway's metrics (`monitoring: true`; see `gateway/metrics.ts`).
   * Rejects with FailedPrecondition when the gateway was created without monitoring.
   */
  metrics(): Promise<string>;
  /**
   * Serves the metrics on their own HTTP port (Jina's `port_monitoring`; any GET path answers, `/metrics` by
   * convention; port 0 or none picks a free one). `close()` stops it. FailedPrecondition without monitoring.
   */
  serveMonitoring(options?: ServeMetricsOptions): Promise<Server>;
  /**
   * Drains (see {@link Gateway.drain}) with the gateway's `gracePeriod`, then stops the servers started by
   * `serve`, lets calls of floating deployments finish (up to 5 s, then cancels them), and closes the pools.
   */
  close(): Promise<void>;
  /**
   * Graceful shutdown (Kubernetes' SIGTERM contract), what `close()` does: health answers NOT_SERVING at once and
   * new requests are refused (HTTP 503, gRPC UNAVAILABLE) while the ports stay open; the requests in flight get
   * up to `gracePeriod` ms (default: the gateway's option, else 10 s) to finish, then the rest fail with
   * UNAVAILABLE ("shut down before this request finished"); then everything closes. Resolves with how many
   * requests finished and how many were cancelled; a second call returns the first call's outcome.
   */
  drain(gracePeriod?: number): Promise<DrainOutcome>;
  /**
   * Adds a replica to a running deployment (shard `options.shard`, default 0): it gets calls only once its gRPC
   * health answers SERVING; rejects (and it gets none) when it does not within `readyTimeoutMs` (default 30 s).
   *
   * @example
   * ```ts
   * await gateway.addReplica("encoder", "grpc://127.0.0.1:40123");
   * ```
   */
  addReplica(deployment: string, target: ReplicaTarget, options?: ReplicaJoinOptions): Promise<void>;
  /**
   * Removes a replica from a running deployment without failing a call: it leaves the rotation at once, its calls
   * in flight finish (up to `graceMs`, default the `gracePeriod`), then its connection closes. NotFound for an
   * unknown deployment or replica, FailedPrecondition for a shard's last replica.
   *
   * @example
   * ```ts
   * const { abandoned } = await gateway.removeReplica("encoder", "grpc://127.0.0.1:40123");
   * ```
   */
  removeReplica(deployment: string, target: ReplicaTarget, options?: ReplicaLeaveOptions): Promise<ReplicaLeave>;
}

/**
 * Creates a gateway from the flow's graph and where its deployments are. Throws a JinaError (InvalidArgument)
 * naming the problem when the graph is invalid, a node has no deployment, or a deployment option is wrong.
 *
 * @example
 * ```ts
 * import { createGateway } from "jina-ts/gateway";
 * const gateway = createGateway({
 *   graph: { "start-gateway": ["encoder"], encoder: ["end-gateway"] },
 *   deployments: [{ name: "encoder", shards: [["grpc://127.0.0.1:54321"]] }],
 *   timeoutSend: 10_000,
 * });
 * await using server = await gateway.serve({ protocol: "http", port: 8080 });
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  return new JinaGateway(options);
}

class JinaGateway implements Gateway {
  readonly #options: GatewayOptions;
  readonly #graph: TopologyGraph;
  readonly #pool: ConnectionPool;
  readonly #logger: GatewayLogger;
  readonly #nodes: ReadonlyMap<string, WalkNodeOptions>;
  readonly #discovery: EndpointDiscovery;
  readonly #walkShared: WalkShared;
  readonly #inFlight: InFlightLimit;
  readonly #stopping = new AbortController();
  readonly #floating = new Set<Promise<void>>();
  /** Keeps each floating node's task until it settles (one function for every request). */
  readonly #trackFloating = (task: Promise<void>): void => {
    this.#floating.add(task);
    void task.finally(() => this.#floating.delete(task));
  };
  readonly #servers = new Set<Server>();
  readonly #session = serverSession(randomId);
  readonly #health = createHealthState();
  readonly #requests = createRequestTracker();
  #closing: Promise<DrainOutcome> | undefined;
  #drainReason: JinaError | undefined;
  /** The hosts `serve()` bound (for the default `allowedHosts`). */
  readonly #hosts: string[] = [];
  #allowed: { hosts: number; names: Set<string> | null } | undefined;
  #closed = false;
  #http: ReturnType<HttpSideFactory> | undefined;
  #routes: ((router: ConnectRouter) => void) | undefined;
  #metrics: GatewayMetrics | undefined;
  #metricsLoading: Promise<GatewayMetrics> | undefined;

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#graph = createTopologyGraph(options.graph);
    const known = new Set(options.deployments.map((deployment) => deployment.name));
    const missing = this.#graph.nodes.filter((node) => !known.has(node.name)).map((node) => `"${node.name}"`);
    if (missing.length) {
      throw new JinaError(
        `The graph names ${missing.join(", ")} but no deployment has that name (deployments: ${[...known].join(", ") || "none"})`,
        ErrorCode.InvalidArgument,
      );
    }
    if (options.prefetch !== undefined && !(Number.isInteger(options.prefetch) && options.prefetch >= 0)) {
      throw new JinaError(`prefetch must be an integer ≥ 0 (0: no limit), got ${JSON.stringify(options.prefetch)}`, ErrorCode.InvalidArgument);
    }
    if (options.compression !== undefined && options.compression !== "gzip" && options.compression !== "none") {
      throw new JinaError(`compression must be "gzip" or "none", got ${JSON.stringify(options.compression)}`, ErrorCode.InvalidArgument);
    }
    checkGracePeriod(options.gracePeriod);
    for (const [name, value] of [["maxDocs", options.maxDocs], ["requestTimeout", options.requestTimeout]] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
        throw new JinaError(`${name} must be an integer ≥ 0, got ${JSON.stringify(value)}`, ErrorCode.InvalidArgument);
      }
    }
    resolveExposedRoutes(options.exposeEndpoints); // fails now, naming the endpoint, rather than at serve()
    this.#logger = options.logger ?? console;
    if (options.monitoring) {
      this.#metricsLoading = createGatewayMetrics().then((metrics) => (this.#metrics = metrics));
      this.#metricsLoading.catch(() => {}); // reported by the first request, metrics() or serveMonitoring()
    }
    this.#nodes = createNodeOptions(options.deployments);
    this.#inFlight = createInFlightLimit(options.prefetch ?? 1000);
    this.#pool = createConnectionPool({ ...options, logger: this.#logger });
    this.#discovery = createEndpointDiscovery({
      deployments: this.#pool.deployments,
      discover: (name, signal) => this.#pool.endpoints(name, signal),
      logger: this.#logger,
      signal: this.#stopping.signal,
    });
    this.#walkShared = {
      pool: this.#pool,
      discovery: this.#discovery,
      nodes: this.#nodes,
      floatingSignal: this.#stopping.signal,
      trackFloating: this.#trackFloating,
      logger: this.#logger,
    };
  }

  handle(request: DataRequestProto, signal?: AbortSignal | CancelSource): Promise<DataRequestProto> {
    // A CancelSource too (the HTTP direct routes' handleCancelable): the request tracker takes either.
    return this.#forward(request, signal).then((response) => {
      materializeData(response.data); // every exit but the gRPC fast path encodes with protobuf-es or as JSON
      return response;
    });
  }

  /** {@link handle} leaving documents that came in as bytes as bytes (for the gRPC fast path, which writes them back). */
  #forward(request: DataRequestProto, signal?: AbortSignal | CancelSource): Promise<DataRequestProto> {
    if (this.#closed) {
      return Promise.reject(
        new JinaError(
          this.#servers.size > 0 ? "The gateway is shutting down and takes no new requests: retry on another gateway" : "The gateway is closed",
          ErrorCode.Unavailable,
        ),
      );
    }
    // The error is made only when the deadline passes (an error per request would cost its stack trace).
    const expiry = new RequestExpiry(this.#options.requestTimeout ?? defaultRequestTimeoutMs);
    // trackLazy: the walk, the pool and the lean transport subscribe to the request's cancellation without making
    // an AbortController (one is made only where something reads `signal`: an in-memory executor, a fork).
    return this.#requests.trackLazy(
      (tracked) =>
        this.#handle(request, tracked).catch((error: unknown) => {
          // Cancelled by the drain or the deadline: say so, not as the walk's generic "cancelled".
          if (tracked.aborted && tracked.reason === this.#drainReason) throw this.#drainReason;
          if (expiry.error && tracked.reason === expiry.error) throw expiry.error;
          throw error;
        }),
      signal,
      expiry,
    );
  }

  /**
   * One request through the graph. Not async itself: without metrics and tracing the walk's promise is handed on
   * (an async frame per layer is a measurable share of a no-op hop's allocations); a bad request rejects.
   */
  #handle(request: DataRequestProto, signal: CancelInput): Promise<DataRequestProto> {
    let copy: DataRequestProto;
    let endpoint: string;
    try {
      const header = headerWith(request.header, request.header?.requestId || randomId());
      endpoint = header.execEndpoint ??= "/";
      checkEndpoint(endpoint);
      checkTargetExecutor(header.targetExecutor);
      copy = requestWith(request, header, request.parameters, request.routes);
      if (isOwned(request)) markOwned(copy);
      checkDocCount(docCountOf(copy), this.#options.maxDocs ?? defaultMaxDocs);
    } catch (error) {
      return Promise.reject(error);
    }
    void this.#discovery.start();
    const tracing = tracingModule();
    if (this.#metrics === undefined && this.#metricsLoading === undefined && tracing === undefined) {
      return walkGraph(this.#graph, copy, new RequestWalk(this.#walkShared, endpoint, signal));
    }
    return this.#observed(copy, endpoint, signal, tracing);
  }

  /** {@link #handle} with metrics or tracing on: the request is observed, and each call in its own span. */
  async #observed(copy: DataRequestProto, endpoint: string, signal: CancelInput, loading: ReturnType<typeof tracingModule>): Promise<DataRequestProto> {
    const metrics = this.#metrics ?? (this.#metricsLoading ? await this.#metricsLoading : undefined);
    const observed = metrics?.startRequest(copy);
    const tracing = loading instanceof Promise ? await loading : loading;
    const traced = tracing?.startRequestSpan(copy, endpoint);
    try {
      // The plain request's walk, each call sent in its own span and metrics.
      const walk = new RequestWalk(this.#walkShared, endpoint, signal);
      walk.send = (node, parts, nodeSignal) => this.#send(node, parts, { endpoint, signal: nodeSignal, traced: tracing && traced && { tracing, parent: traced.context }, metrics });
      const response = await walkGraph(this.#graph, copy, walk);
      observed?.(response);
      if (traced) tracing!.endSpan(traced.span, response);
      return response;
    } catch (error) {
      observed?.();
      if (traced) tracing!.endSpan(traced.span, undefined, error);
      throw error;
    }
  }

  /** One call to a deployment through the pool, in its own span (trace context in the metadata) and metrics. */
  async #send(
    node: string,
    parts: readonly DataRequestProto[],
    call: { endpoint: string; signal: CancelInput; traced: { tracing: typeof Tracing; parent: Context } | undefined; metrics: GatewayMetrics | undefined },
  ): Promise<NodeReply> {
    const tracing = call.traced?.tracing;
    const traced = call.traced && tracing!.startDeploymentSpan(call.traced.parent, node, parts, call.endpoint);
    const observed = call.metrics?.startSend(parts);
    try {
      const reply = await this.#pool.send(node, parts, { endpoint: call.endpoint, signal: call.signal, headers: traced?.headers });
      observed?.(reply.response);
      if (traced) tracing!.endSpan(traced.span, reply.response);
      return reply;
    } catch (error) {
      observed?.();
      if (traced) tracing!.endSpan(traced.span, undefined, error);
      throw error;
    }
  }

  async metrics(): Promise<string> {
    return await (await this.#monitoring("metrics()")).metrics();
  }

  async serveMonitoring(options: ServeMetricsOptions = {}): Promise<Server> {
    if (this.#closed) throw new JinaError("The gateway is closed: create a new one to serve again", ErrorCode.FailedPrecondition);
    const server = await serveGatewayMetrics((await this.#monitoring("serveMonitoring()")).registry, options);
    this.#servers.add(server);
    return server;
  }

  async #monitoring(what: string): Promise<GatewayMetrics> {
    if (!this.#metricsLoading) {
      throw new JinaError(`${what} needs monitoring: create the gateway with { monitoring: true }`, ErrorCode.FailedPrecondition);
    }
    return await this.#metricsLoading;
  }

  get app(): Hono {
    return this.#httpSide().app;
  }

  #httpSide(): ReturnType<HttpSideFactory> {
    if (this.#http) return this.#http;
    const createGatewayHttp = httpSideNow();
    if (!createGatewayHttp) {
      throw new JinaError("The gateway's HTTP side is not loaded: create the gateway from jina-ts/gateway", ErrorCode.FailedPrecondition);
    }
    return (this.#http = createGatewayHttp({
      handle: (request, signal) => this.handle(request, signal),
      handleCancelable: (request, cancel) => this.handle(request, cancel),
      info: () => this.#info(),
      dryRun: (signal) => this.#dryRun(signal),
      noDebugEndpoints: this.#options.noDebugEndpoints,
      noCrudEndpoints: this.#options.noCrudEndpoints,
      cors: this.#options.cors,
      maxRequestBytes: this.#options.maxRequestBytes,
      inFlight: this.#inFlight,
      title: this.#options.title,
      description: this.#options.description,
      exposeEndpoints: this.#options.exposeEndpoints,
      routes: (router) => this.routes(router),
      playground: this.#options.playground === false ? false : {
        ...this.#options.playground,
        ...(this.#options.monitoring ? { metrics: () => this.metrics() } : {}),
      },
      debug: this.#options.debug,
      maxDocs: this.#options.maxDocs ?? defaultMaxDocs,
      allowHost: (hostname) => this.#allowsHost(hostname),
    }));
  }

  /** The data routes `serveHttp` answers without the router (none with `cors`). */
  #directRoutes(): { directRoutes?: DirectRoutes } {
    const directRoutes = this.#httpSide().directRoutes;
    return directRoutes ? { directRoutes } : {};
  }

  routes(router: ConnectRouter): void {
    this.#routes ??= createGatewayRoutes(this.#routesOptions());
    this.#routes(router);
  }

  #routesOptions(): GatewayRoutesOptions {
    return {
      handle: (request, signal) => this.handle(request, signal),
      forward: (request, signal) => this.#forward(request, signal),
      info: () => this.#info(),
      dryRun: (signal) => this.#dryRun(signal),
      prefetch: this.#options.prefetch ?? 1000,
      inFlight: this.#inFlight,
      health: this.#health,
    };
  }

  async endpoints(): Promise<Record<string, readonly string[] | undefined>> {
    await this.#discovery.start();
    return this.#discovery.known();
  }

  async serve(options: GatewayServeOptions): Promise<Server> {
    if (this.#closed) throw new JinaError("The gateway is closed: create a new one to serve again", ErrorCode.FailedPrecondition);
    const where = {
      ...(this.#options.limits !== undefined ? { limits: this.#options.limits } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.tls !== undefined ? { tls: checkTls(options.tls) } : {}),
    };
    let server: Server;
    if (options.protocol === "http" || options.protocol === "websocket") await loadHttpSide();
    switch (options.protocol) {
      case "grpc":
        server = await serveGrpc({
          routes: (router) => this.routes(router),
          ...createGatewayFastRoutes(this.#routesOptions()),
          // Too many documents: refused from the message's bytes, before a costly decode.
          checkMessage: docCountCheck(this.#options.maxDocs ?? defaultMaxDocs),
          // the HTTP routes answer here too; their code loads with the first such request when not loaded yet
          fallback: (request) => (httpSideNow() ? this.app.fetch(request) : loadHttpSide().then(() => this.app.fetch(request))),
          ...where,
          ...(this.#options.maxRequestBytes !== undefined ? { readMaxBytes: this.#options.maxRequestBytes } : {}),
        });
        break;
      case "http":
        server = await serveHttp({ fetch: this.app.fetch, ...this.#directRoutes(), ...where });
        break;
      case "websocket": {
        // loaded here: its body parsing (zod) belongs to the HTTP side, which a gRPC gateway never loads
        const { createGatewayWebSocket } = await import("./websocket-routes.ts");
        server = await serveHttp({
          fetch: this.app.fetch,
          ...this.#directRoutes(),
          websocket: createGatewayWebSocket({
            handle: (request, signal) => this.handle(request, signal),
            dryRun: (signal) => this.#dryRun(signal),
            prefetch: this.#options.prefetch ?? 1000,
            maxRequestBytes: this.#options.maxRequestBytes,
          }),
          ...where,
        });
        break;
      }
      default:
        throw new JinaError(
          `Unknown gateway protocol ${JSON.stringify(options.protocol)}: use "grpc", "http" or "websocket"`,
          ErrorCode.InvalidArgument,
        );
    }
    this.#servers.add(server);
    this.#hosts.push(options.host ?? "127.0.0.1");
    return server;
  }

  async close(): Promise<void> {
    await this.drain();
  }

  addReplica(deployment: string, target: ReplicaTarget, options?: ReplicaJoinOptions): Promise<void> {
    return this.#pool.addReplica(deployment, target, options);
  }

  removeReplica(deployment: string, target: ReplicaTarget, options: ReplicaLeaveOptions = {}): Promise<ReplicaLeave> {
    const graceMs = options.graceMs ?? this.#options.gracePeriod ?? defaultGracePeriodMs;
    return this.#pool.removeReplica(deployment, target, options.shard ?? 0, graceMs);
  }

  drain(gracePeriod?: number): Promise<DrainOutcome> {
    return (this.#closing ??= this.#drain(gracePeriod ?? this.#options.gracePeriod ?? defaultGracePeriodMs));
  }

  async #drain(graceMs: number): Promise<DrainOutcome> {
    this.#closed = true;
    this.#health.set(false);
    // Made only for requests still running after the grace period: a JinaError's metadata (fetch Headers) loads
    // Node's fetch implementation, ~35 CPU-ms that a gateway closing with nothing in flight should not pay.
    const reason = () =>
      (this.#drainReason ??= new JinaError(
        `The gateway shut down before this request finished: it was still running after the grace period of ${graceMs} ms`,
        ErrorCode.Unavailable,
      ));
    const outcome = await this.#requests.drain(graceMs, reason);
    // The last answers are being written: give them a moment before the servers end their connections.
    if (outcome.finished + outcome.cancelled > 0) await new Promise((resolve) => setTimeout(resolve, answerFlushMs));
    await Promise.allSettled([...this.#servers].map((server) => server.close()));
    this.#servers.clear();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.#floating]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, floatingGraceMs))),
    ]);
    clearTimeout(timer);
    // The reason is read by floating tasks still running (endpoint discovery checks `aborted` only); with none, the
    // default reason spares the JinaError's fetch Headers (loading Node's fetch implementation, ~35 CPU-ms).
    this.#stopping.abort(this.#floating.size > 0 ? new JinaError("The gateway is closing", ErrorCode.Canceled) : undefined);
    await Promise.allSettled([...this.#floating]);
    await this.#pool.close();
    return outcome;
  }

  /** The `allowedHosts` check: the option's list, else localhost and the hosts served (any when one is a wildcard). */
  #allowsHost(hostname: string): boolean {
    // the names, lower case (null: any), made again only when a serve() added a host (not an array per request)
    if (this.#allowed?.hosts !== this.#hosts.length) {
      const listed = this.#options.allowedHosts;
      const hosts = listed ?? ["localhost", "127.0.0.1", "::1", ...this.#hosts];
      const any = hosts.includes("*") || (!listed && this.#hosts.some((host) => host === "0.0.0.0" || host === "::" || host === ""));
      this.#allowed = { hosts: this.#hosts.length, names: any ? null : new Set(hosts.map((host) => host.toLowerCase())) };
    }
    const names = this.#allowed.names;
    return names === null || names.has(hostname) || names.has(hostname.toLowerCase());
  }

  #info(): JinaInfo & { deployments: Record<string, DeploymentHealth> } {
    return { ...jinaInfo({ env: allEnv(), runtime: runtimeName(), ...this.#session }), deployments: this.#pool.health() };
  }

  #dryRun(signal?: AbortSignal): Promise<StatusProto> {
    return dryRun((request, requestSignal) => this.handle(request, requestSignal), signal);
  }
}

function checkTls(tls: TlsOptions): TlsOptions {
  for (const field of ["cert", "key"] as const) {
    if (typeof tls?.[field] !== "string" || !tls[field].includes("-----BEGIN")) {
      throw new JinaError(
        `serve() option tls.${field} must be PEM text ("-----BEGIN ..."), got ${typeof tls?.[field] === "string" ? "a string without a PEM header" : typeof tls?.[field]}: read the file first (Flow's tls option takes file paths)`,
        ErrorCode.InvalidArgument,
      );
    }
  }
  return tls;
}

/** Printable ASCII only (made once: a regex literal in a function is a new RegExp object per call). */
const printableAscii = /^[\x20-\x7e]*$/;

/**
 * The endpoint travels to executors as gRPC metadata (`endpoint`), which carries printable ASCII only: refuse
 * anything else here, once for every protocol, instead of failing (and retrying) at the hop.
 */
function checkEndpoint(endpoint: string): void {
  if (endpoint.length > maxNameLength) {
    throw new JinaError(
      `field "header.execEndpoint" is ${endpoint.length} characters long, more than ${maxNameLength}: use names like "/search"`,
      ErrorCode.InvalidArgument,
    );
  }
  if (!printableAscii.test(endpoint)) {
    throw new JinaError(
      `field "header.execEndpoint" must be printable ASCII (it travels as gRPC metadata), got ${JSON.stringify(endpoint)}: use names like "/search"`,
      ErrorCode.InvalidArgument,
    );
  }
}

/** Longest endpoint or `targetExecutor` accepted (an endpoint travels as gRPC metadata to every executor). */
const maxNameLength = 1024;

/** Default of `requestTimeout`: 10 minutes. */
const defaultRequestTimeoutMs = 600_000;

function checkTargetExecutor(targetExecutor: string | undefined): void {
  if (targetExecutor !== undefined && targetExecutor.length > maxNameLength) {
    throw new JinaError(
      `field "header.targetExecutor" is ${targetExecutor.length} characters long, more than ${maxNameLength}: give a regex of executor names, e.g. "encoder|indexer"`,
      ErrorCode.InvalidArgument,
    );
  }
}

/**
 * A request's `requestTimeout` as the request tracker takes it (`ms`, `reason()`), without a closure per request;
 * `error` is the JinaError once the deadline passed (made only then: an error per request would cost its stack).
 */
class RequestExpiry {
  error: JinaError | undefined;

  constructor(readonly ms: number) {}

  reason(): JinaError {
    return (this.error = new JinaError(
      `The request did not finish within requestTimeout=${this.ms} ms: raise the gateway's requestTimeout for longer requests`,
      ErrorCode.DeadlineExceeded,
    ));
  }
}

/** What every request's {@link RequestWalk} shares (made once per gateway). */
interface WalkShared {
  readonly pool: ConnectionPool;
  readonly discovery: EndpointDiscovery;
  readonly nodes: ReadonlyMap<string, WalkNodeOptions>;
  readonly floatingSignal: AbortSignal;
  readonly trackFloating: (task: Promise<void>) => void;
  readonly logger: GatewayLogger;
}

/**
 * The walk's options for one request: `send` and `binds` are methods reading the request's endpoint, not closures
 * made per request (with metrics or tracing on, `send` is replaced by one that observes each call).
 */
class RequestWalk implements WalkOptions {
  constructor(readonly shared: WalkShared, readonly endpoint: string, readonly signal: CancelInput) {}

  get nodes(): ReadonlyMap<string, WalkNodeOptions> {
    return this.shared.nodes;
  }

  get floatingSignal(): AbortSignal {
    return this.shared.floatingSignal;
  }

  get trackFloating(): (task: Promise<void>) => void {
    return this.shared.trackFloating;
  }

  get logger(): GatewayLogger {
    return this.shared.logger;
  }

  send(node: string, parts: readonly DataRequestProto[], signal: CancelInput): Promise<NodeReply> {
    return this.shared.pool.send(node, parts, { endpoint: this.endpoint, signal });
  }

  binds(node: string): boolean {
    return this.shared.discovery.binds(node, this.endpoint);
  }
}
