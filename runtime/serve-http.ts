/**
 * Serves a fetch handler (a Hono app's `fetch`) over HTTP/1.1 with `node:http` (`@hono/node-server`) on every
 * runtime: Deno's and Bun's `node:http` give the bounds `Deno.serve` and `Bun.serve` lack (a header timeout, a
 * connection count, idle timeouts, closing a slow client's connection), and a gateway's HTTP route costs the same on
 * them (measured in the README's reliability section). With the `websocket` option the same port also serves
 * WebSockets (`ws`, see runtime/websocket-node.ts).
 *
 * @module
 */
import { type DirectRoutes, nodeDirectListener } from "./direct-http.ts";
import { listenError } from "./listen-error.ts";
import { createServerHandle, type Server, type TlsOptions } from "./server.ts";
import type { ServeWebSocketOptions } from "./websocket.ts";
import { defaultServerLimits, type ServerLimits } from "./serve-grpc.ts";
import { guardConnections } from "./connection-guard.ts";

/** A fetch-style request handler. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Options of {@link serveHttp}. */
export interface ServeHttpOptions {
  /** The handler, e.g. `app.fetch`. */
  fetch: FetchHandler;
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** Serve HTTPS with this certificate and key (PEM text). */
  tls?: TlsOptions;
  /** Also serve WebSockets: upgrade requests go to `websocket.accept` (see {@link ServeWebSocketOptions}). */
  websocket?: ServeWebSocketOptions;
  /**
   * Bounds on connections and slow clients (defaults: `defaultServerLimits`), on every runtime: `maxConnections`,
   * `headersTimeoutMs` (also for a connection that sends nothing), `requestTimeoutMs` (408) and `idleTimeoutMs`
   * (keep-alive connections, as at most 5 s).
   */
  limits?: ServerLimits;
  /** Routes answered before `fetch`, from the method, path, headers and body text, without building a fetch `Request` (see `direct-http.ts`). */
  directRoutes?: DirectRoutes;
}

/**
 * Starts an HTTP/1.1 server for a fetch handler and resolves once it listens.
 * Rejects with a JinaError naming the port when it is in use.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { serveHttp } from "jina-ts/runtime";
 * const app = new Hono().get("/", (c) => c.json({}));
 * await using server = await serveHttp({ fetch: app.fetch, port: 0 });
 * console.log(server.url);
 * ```
 */
export async function serveHttp(options: ServeHttpOptions): Promise<Server> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  try {
    return await serveWithNode(options, host, port);
  } catch (error) {
    throw listenError(error, host, port);
  }
}

async function serveWithNode(options: ServeHttpOptions, host: string, port: number): Promise<Server> {
  const { getRequestListener } = await import("@hono/node-server");
  const createServer = (options.tls ? (await import("node:https")).createServer : (await import("node:http")).createServer) as typeof import("node:https").createServer;
  const limits = { ...defaultServerLimits, ...options.limits };
  // How often Node checks the header and request timeouts (its default, 30 s, would let a slow client stay 30 s).
  // Node enforces requestTimeout only when headersTimeout is not larger (headers are part of the request).
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const connectionsCheckingInterval = Math.max(100, Math.min(1000, headersTimeout / 2));
  const adapter = getRequestListener(options.fetch, { hostname: host });
  const listener = options.directRoutes ? nodeDirectListener(options.directRoutes, adapter) : adapter;
  const server: import("node:http").Server = createServer({ ...options.tls, connectionsCheckingInterval }, listener);
  server.maxConnections = limits.maxConnections;
  guardConnections(server, { maxConnections: limits.maxConnections, firstRequestMs: headersTimeout }, !!options.tls);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = limits.requestTimeoutMs;
  if (limits.idleTimeoutMs > 0) server.keepAliveTimeout = Math.min(server.keepAliveTimeout, limits.idleTimeoutMs);
  // Idle keep-alive connections close after keepAliveTimeout (5 s, less with a shorter idleTimeoutMs) and silent new
  // ones after headersTimeout (guardConnections: Node's headersTimeout starts at a request's first byte); no socket
  // timeout while a request runs (a long flow call sends nothing until its answer).
  const closeSockets = options.websocket
    ? (await import("./websocket-node.ts")).attachNodeWebSocket(server, { idleTimeoutMs: limits.idleTimeoutMs, ...options.websocket }, options.fetch, !!options.tls)
    : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return createServerHandle(bound, host, !!options.tls, async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closeSockets?.();
    await closed;
  });
}
