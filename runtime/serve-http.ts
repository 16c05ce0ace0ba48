/**
 * Serves a fetch handler (a Hono app's `fetch`) over HTTP/1.1 with the runtime's own server:
 * `@hono/node-server` on Node, `Deno.serve` on Deno (which also speaks h2c), `Bun.serve` on Bun.
 * With the `websocket` option the same port also serves WebSockets (see runtime/websocket.ts).
 *
 * @module
 */
import { bunGlobal, denoGlobal } from "./detect.ts";
import { type DirectRoutes, fetchDirectHandler, nodeDirectListener } from "./direct-http.ts";
import { listenError } from "./listen-error.ts";
import { createServerHandle, type Server, type TlsOptions } from "./server.ts";
import type { ServeWebSocketOptions } from "./websocket.ts";
import { defaultServerLimits, type ServerLimits } from "./serve-grpc.ts";
import { withBodyDeadline } from "./request-deadline.ts";

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
   * Bounds on connections and slow clients (defaults: `defaultServerLimits`). Node applies all of them
   * (`idleTimeoutMs` to keep-alive connections as at most 5 s). Deno and Bun apply `requestTimeoutMs` (the body
   * deadline, 408) and Bun `idleTimeoutMs`; `Deno.serve` and `Bun.serve` offer no hook for `headersTimeoutMs` and
   * `maxConnections` (their handler runs only once the headers are in, and they accept every connection), nor
   * `Deno.serve` for `idleTimeoutMs`: see the README's reliability section.
   */
  limits?: ServerLimits;
  /**
   * Routes answered before `fetch`, from the method, path, headers and body text (see `direct-http.ts`): on Node
   * without building a fetch `Request`; on Deno and Bun without the fetch handler's router.
   */
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
    if (bunGlobal) return await serveWithBun(options, host, port);
    if (denoGlobal) return await serveWithDeno(options, host, port);
    return await serveWithNode(options, host, port);
  } catch (error) {
    throw listenError(error, host, port);
  }
}

/**
 * The fetch handler of Deno's and Bun's servers: the direct routes first, when there are some, and the body deadline
 * (`limits.requestTimeoutMs`, see `request-deadline.ts`).
 */
function fetchOf(options: ServeHttpOptions): FetchHandler {
  const fetch = options.directRoutes ? fetchDirectHandler(options.directRoutes, options.fetch) : options.fetch;
  return withBodyDeadline(fetch, limitsOf(options).requestTimeoutMs);
}

const limitsOf = (options: ServeHttpOptions): Required<ServerLimits> => ({ ...defaultServerLimits, ...options.limits });

async function serveWithBun(options: ServeHttpOptions, host: string, port: number): Promise<Server> {
  const fetch = fetchOf(options);
  const ws = options.websocket ? (await import("./websocket-bun.ts")).createBunWebSocket(options.websocket, fetch) : undefined;
  // Bun's idleTimeout (seconds, at most 255, checked every 4 s) closes idle keep-alive connections (not those that
  // never send a request). A request being handled is exempt (server.timeout(request, 0), restored once answered): a
  // long flow call sends nothing until its answer; its body is bounded by the deadline above.
  const idleSeconds = Math.min(255, Math.ceil(limitsOf(options).idleTimeoutMs / 1000));
  const server = bunGlobal!.serve({
    port,
    hostname: host,
    idleTimeout: idleSeconds,
    fetch: (request, bun) => {
      bun.timeout?.(request, 0);
      const answer = ws ? ws.fetch(request, bun as never) : fetch(request);
      if (answer === undefined) return undefined; // upgraded to a WebSocket
      const restore = () => bun.timeout?.(request, idleSeconds);
      if (answer instanceof Promise) return answer.finally(restore);
      restore();
      return answer;
    },
    ...(ws ? { websocket: ws.websocket } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  return createServerHandle(server.port, host, !!options.tls, async () => {
    await server.stop(true);
  });
}

async function serveWithDeno(options: ServeHttpOptions, host: string, port: number): Promise<Server> {
  const fetch = fetchOf(options);
  const ws = options.websocket ? (await import("./websocket-deno.ts")).createDenoWebSocket(options.websocket, fetch) : undefined;
  const controller = new AbortController();
  let bound = port;
  let listened: () => void = () => {};
  const listening = new Promise<void>((resolve) => (listened = resolve));
  const server = denoGlobal!.serve(
    {
      port,
      hostname: host,
      signal: controller.signal,
      onListen: (addr) => {
        bound = addr.port;
        listened();
      },
      ...(options.tls ?? {}),
    },
    ws ? ws.fetch : fetch,
  );
  await listening;
  return createServerHandle(bound, host, !!options.tls, async () => {
    await ws?.close();
    controller.abort();
    await server.finished;
  });
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
  server.headersTimeout = headersTimeout;
  server.requestTimeout = limits.requestTimeoutMs;
  if (limits.idleTimeoutMs > 0) server.keepAliveTimeout = Math.min(server.keepAliveTimeout, limits.idleTimeoutMs);
  // Idle keep-alive connections close after keepAliveTimeout (5 s, less with a shorter idleTimeoutMs) and silent new ones after headersTimeout;
  // no socket timeout while a request runs (a long flow call sends nothing until its answer).
  const closeSockets = options.websocket
    ? (await import("./websocket-node.ts")).attachNodeWebSocket(server, options.websocket, options.fetch, !!options.tls)
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
