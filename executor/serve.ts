/**
 * Serves one executor on a gRPC port (HTTP/2, h2c or TLS) with a small HTTP fallback (`GET /` → `{}`).
 *
 * @module
 */
import { defaultMaxDocs, docCountCheck } from "../docarray/doc-limit.ts";
import { type FetchHandler } from "../runtime/serve-http.ts";
import { serveGrpc } from "../runtime/serve-grpc.ts";
import { type Server, type TlsOptions } from "../runtime/server.ts";
import { drainExecutor } from "./drain.ts";
import type { Executor } from "./executor.ts";
import { serveExecutorMetrics } from "./metrics.ts";
import { isServing, setServing } from "./serving.ts";
import { createExecutorFastRoutes, createExecutorRoutes } from "./services.ts";

/**
 * Options of {@link serveExecutor}.
 *
 * @example
 * ```ts
 * const options: ServeExecutorOptions = { port: 0, host: "0.0.0.0", readMaxBytes: 8 * 1024 * 1024 };
 * ```
 */
export interface ServeExecutorOptions {
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind; 127.0.0.1 by default. */
  host?: string;
  /** Serve gRPC over TLS with this certificate and key (PEM). */
  tls?: TlsOptions;
  /** Largest request message accepted, in bytes (default 100 MiB); larger ones answer RESOURCE_EXHAUSTED. */
  readMaxBytes?: number;
  /**
   * Jina's `monitoring`: keep Prometheus metrics for this executor (see `executor/metrics.ts`) and serve them on
   * `portMonitoring` (any GET path, `/metrics` by convention) on the same host. Default false.
   */
  monitoring?: boolean;
  /** Port of the metrics server when `monitoring` is on; 0 (the default) picks a free one. */
  portMonitoring?: number;
  /**
   * How long `close()` lets data calls in flight finish, in ms (default 10,000), before answering them
   * UNAVAILABLE; new calls are refused with UNAVAILABLE meanwhile (see `executor/drain.ts`).
   */
  gracePeriod?: number;
  /**
   * Most documents in one request (default 100,000; 0: no limit). Counted from a gRPC message's bytes before it is
   * decoded, so an oversized request costs no decode; it answers RESOURCE_EXHAUSTED.
   */
  maxDocs?: number;
}

/**
 * A served executor: the gRPC server, and the port of its metrics server when `monitoring` is on.
 *
 * @example
 * ```ts
 * const server: ExecutorServer = await serveExecutor(executor, { port: 0, monitoring: true });
 * await fetch(`http://${server.host}:${server.portMonitoring}/metrics`);
 * ```
 */
export interface ExecutorServer extends Server {
  /** The bound port of the metrics server; undefined without monitoring. */
  readonly portMonitoring?: number;
}

/**
 * The HTTP route beside gRPC on the executor's port: Jina's health check `GET /` → `{}` (503 while not serving);
 * anything else 404. A plain handler, so that an executor process does not load an HTTP framework for one route.
 */
function createFallback(executor: Executor): FetchHandler {
  return (request) => {
    const { pathname } = new URL(request.url);
    if (pathname !== "/" || (request.method !== "GET" && request.method !== "HEAD")) return new Response("404 Not Found", { status: 404 });
    const status = isServing(executor) ? 200 : 503;
    return request.method === "HEAD" ? new Response(null, { status, headers: { "content-type": "application/json" } }) : Response.json({}, { status });
  };
}

/**
 * Serves `executor` over gRPC (and the Connect protocol) on one HTTP/2 port. `close()` drains first: health reports
 * NOT_SERVING and new data calls answer UNAVAILABLE while the port stays open, dynamic batching queues run at once,
 * calls in flight finish up to `gracePeriod` (then answer UNAVAILABLE naming it); then the server stops. It does
 * not close the executor (its owner does).
 *
 * @example
 * ```ts
 * const executor = new Upper();
 * await using server = await serveExecutor(executor, { port: 0 });
 * console.log(`grpc://${server.host}:${server.port}`);
 * ```
 */
export async function serveExecutor(executor: Executor, options: ServeExecutorOptions = {}): Promise<ExecutorServer> {
  const monitoring = options.monitoring ? await serveExecutorMetrics(executor, { port: options.portMonitoring, host: options.host }) : undefined;
  setServing(executor, true);
  let server: Server;
  try {
    server = await serveGrpc({
      routes: createExecutorRoutes(executor),
      fastUnary: createExecutorFastRoutes(executor),
      fallback: createFallback(executor),
      checkMessage: docCountCheck(options.maxDocs ?? defaultMaxDocs),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.readMaxBytes !== undefined ? { readMaxBytes: options.readMaxBytes } : {}),
    });
  } catch (error) {
    await monitoring?.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= drainExecutor(executor, options.gracePeriod)
      // the last answers leave the handlers on the next turns; the server then waits for them to be flushed
      .then(({ finished, cancelled }) => finished + cancelled > 0 ? new Promise((resolve) => setTimeout(resolve, 20)) : undefined)
      .then(() => server.close())
      .finally(() => monitoring?.close()));
  return {
    port: server.port,
    host: server.host,
    url: server.url,
    ...(monitoring ? { portMonitoring: monitoring.port } : {}),
    close,
    [Symbol.asyncDispose]: close,
  };
}
