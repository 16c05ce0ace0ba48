/**
 * Serves one executor on a gRPC port (HTTP/2, h2c or TLS) with a small HTTP fallback (`GET /` → `{}`).
 *
 * @module
 */
import { Hono } from "hono";
import { serveGrpc, type Server, type TlsOptions } from "../runtime/mod.ts";
import { flushBatches } from "./dynamic-batching.ts";
import type { Executor } from "./executor.ts";
import { isServing, setServing } from "./serving.ts";
import { createExecutorRoutes } from "./services.ts";

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
}

/** The HTTP routes beside gRPC on the executor's port: Jina's health check `GET /` → `{}`. */
function createFallbackApp(executor: Executor): Hono {
  const app = new Hono();
  app.get("/", (c) => (isServing(executor) ? c.json({}) : c.json({}, 503)));
  return app;
}

/**
 * Serves `executor` over gRPC (and the Connect protocol) on one HTTP/2 port. `close()` first reports NOT_SERVING
 * on health, answers the requests waiting in dynamic batching queues, then stops the server; it does not close the
 * executor (its owner does).
 *
 * @example
 * ```ts
 * const executor = new Upper();
 * await using server = await serveExecutor(executor, { port: 0 });
 * console.log(`grpc://${server.host}:${server.port}`);
 * ```
 */
export async function serveExecutor(executor: Executor, options: ServeExecutorOptions = {}): Promise<Server> {
  setServing(executor, true);
  const server = await serveGrpc({
    routes: createExecutorRoutes(executor),
    fallback: createFallbackApp(executor).fetch,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.readMaxBytes !== undefined ? { readMaxBytes: options.readMaxBytes } : {}),
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    setServing(executor, false);
    return (closing ??= flushBatches(executor).then(() => server.close()));
  };
  return { port: server.port, host: server.host, url: server.url, close, [Symbol.asyncDispose]: close };
}
