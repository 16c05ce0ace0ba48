/**
 * Serves Connect routes over HTTP/2 (h2c, or TLS) with `node:http2` and Connect's node adapter, which speaks gRPC,
 * gRPC-web and the Connect protocol. A fetch handler (a Hono app) answers every other path on the same port.
 * Works on Node, Deno and Bun (a fetch `Response` cannot carry trailers, so gRPC needs node:http2 everywhere).
 *
 * @module
 */
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { getRequestListener } from "@hono/node-server";
import * as http2 from "node:http2";
import type { Socket } from "node:net";
import { createFastUnaryHandler, type FastUnaryRoute } from "./grpc-fast-unary.ts";
import { listenError } from "./listen-error.ts";
import { createServerHandle, type Server, type TlsOptions } from "./server.ts";
import type { FetchHandler } from "./serve-http.ts";

/** Options of {@link serveGrpc}. */
export interface ServeGrpcOptions {
  /** Registers the Connect services, e.g. `(router) => router.service(JinaRPC, impl)`. */
  routes: (router: ConnectRouter) => void;
  /** Answers any path that is not an RPC (e.g. a Hono app's `fetch`). */
  fallback?: FetchHandler;
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** Serve TLS (HTTP/2 over TLS) with this certificate and key. */
  tls?: TlsOptions;
  /** Largest request message accepted, in bytes (default 100 MiB). */
  readMaxBytes?: number;
  /** Compression to accept and to answer with when the client asks (gzip). Default: both on. */
  acceptCompression?: boolean;
  /**
   * Unary methods answered on the fast path (gRPC only, see `grpc-fast-unary.ts`) before Connect's handlers; the
   * same methods registered in `routes` still serve gRPC-web and the Connect protocol.
   */
  fastUnary?: readonly FastUnaryRoute[];
}

/** Default largest request accepted by servers: 100 MiB, as issue 4 asks. */
export const defaultMaxRequestBytes = 100 * 1024 * 1024;

/**
 * Starts an HTTP/2 server for Connect routes and resolves once it listens.
 *
 * @example
 * ```ts
 * import { serveGrpc } from "jina-ts/runtime";
 * await using server = await serveGrpc({ routes: (router) => router.service(JinaInfoRPC, impl), port: 0 });
 * ```
 */
export async function serveGrpc(options: ServeGrpcOptions): Promise<Server> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  const readMaxBytes = options.readMaxBytes ?? defaultMaxRequestBytes;
  const connectHandler = connectNodeAdapter({
    routes: options.routes,
    readMaxBytes,
    ...(options.acceptCompression === false ? { acceptCompression: [] } : {}),
    ...(options.fallback ? { fallback: getRequestListener(options.fallback, { overrideGlobalObjects: false }) as never } : {}),
  });
  const fast = options.fastUnary?.length
    ? createFastUnaryHandler(options.fastUnary, { readMaxBytes, acceptCompression: options.acceptCompression !== false })
    : undefined;
  const handler = fast
    ? (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => fast(req, res) || connectHandler(req, res)
    : connectHandler;
  const server = options.tls
    ? http2.createSecureServer({ ...options.tls, allowHTTP1: false }, handler)
    : http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<Socket>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    throw listenError(error, host, port);
  }
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return createServerHandle(bound, host, !!options.tls, () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const session of sessions) session.close();
      setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, 100).unref?.();
    })
  );
}
