/**
 * Serves a fetch handler (a Hono app's `fetch`) over HTTP/1.1 with the runtime's own server:
 * `@hono/node-server` on Node, `Deno.serve` on Deno (which also speaks h2c), `Bun.serve` on Bun.
 *
 * @module
 */
import { bunGlobal, denoGlobal } from "./detect.ts";
import { listenError } from "./listen-error.ts";
import { createServerHandle, type Server, type TlsOptions } from "./server.ts";

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
    if (bunGlobal) return serveWithBun(options, host, port);
    if (denoGlobal) return await serveWithDeno(options, host, port);
    return await serveWithNode(options, host, port);
  } catch (error) {
    throw listenError(error, host, port);
  }
}

function serveWithBun(options: ServeHttpOptions, host: string, port: number): Server {
  const server = bunGlobal!.serve({
    port,
    hostname: host,
    idleTimeout: 0,
    fetch: (request) => options.fetch(request),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  return createServerHandle(server.port, host, !!options.tls, async () => {
    await server.stop(true);
  });
}

async function serveWithDeno(options: ServeHttpOptions, host: string, port: number): Promise<Server> {
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
    options.fetch,
  );
  await listening;
  return createServerHandle(bound, host, !!options.tls, async () => {
    controller.abort();
    await server.finished;
  });
}

async function serveWithNode(options: ServeHttpOptions, host: string, port: number): Promise<Server> {
  const { createAdaptorServer } = await import("@hono/node-server");
  const https = options.tls ? await import("node:https") : undefined;
  const server = createAdaptorServer({
    fetch: options.fetch,
    hostname: host,
    ...(https ? { createServer: https.createServer, serverOptions: options.tls } : {}),
  }) as import("node:http").Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return createServerHandle(bound, host, !!options.tls, () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })
  );
}
