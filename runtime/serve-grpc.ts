/**
 * Serves Connect routes over HTTP/2 (h2c, or TLS) with `node:http2` and Connect's node adapter, which speaks gRPC,
 * gRPC-web and the Connect protocol. A fetch handler (a Hono app) answers every other path on the same port.
 * Works on Node, Deno and Bun (a fetch `Response` cannot carry trailers, so gRPC needs node:http2 everywhere).
 *
 * @module
 */
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import type { Socket } from "node:net";
import { createFastUnaryHandler, createFastUnaryStreamHandler, type FastUnaryOptions, type FastUnaryRoute } from "./grpc-fast-unary.ts";
import { createFastStreamHandler, type FastStreamRoute, isStreamCallUnderway } from "./grpc-fast-stream.ts";
import { trackUntilClosed } from "./grpc-stream-listeners.ts";
import { checkGrpcMessages, type MessageCheck } from "./grpc-message-check.ts";
import { listenError } from "./listen-error.ts";
import { deferHttp2SessionDestroy } from "./http2-session-teardown.ts";
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
  /** Accept gzip requests (default on); answers are gzipped only as `compressAnswers` says. */
  acceptCompression?: boolean;
  /**
   * Gzip every gRPC answer of 1 KiB or more to clients that accept gzip. Off (the default), a gRPC or gRPC-web answer
   * is gzipped only when its request came gzipped (as grpc-go does): Jina's Python servers answer uncompressed unless
   * configured, although every gRPC C-core client (Python Jina's gateway too) says it accepts gzip.
   */
  compressAnswers?: boolean;
  /**
   * Unary methods answered on the fast path (gRPC only, see `grpc-fast-unary.ts`) before Connect's handlers; the
   * same methods registered in `routes` still serve gRPC-web and the Connect protocol.
   */
  fastUnary?: readonly FastUnaryRoute[];
  /**
   * Bidirectional methods with one answer per request message answered on the fast path (gRPC only, see
   * `grpc-fast-stream.ts`) before Connect's handlers; the same methods registered in `routes` still serve gRPC-web.
   */
  fastStream?: readonly FastStreamRoute[];
  /** Bounds on connections and streams (defaults: {@link defaultServerLimits}). */
  limits?: ServerLimits;
  /**
   * Looks at each gRPC request message before it is decoded (on the fast path and Connect's gRPC / gRPC-web handlers;
   * see `grpc-message-check.ts`); throw a ConnectError to refuse the call, e.g. a request with too many documents.
   */
  checkMessage?: MessageCheck;
}

/**
 * Bounds a server puts on its peers, so that no client can hold unbounded memory or sockets.
 *
 * @example
 * ```ts
 * const limits: ServerLimits = { maxConcurrentStreams: 100, maxConnections: 1000, idleTimeoutMs: 120_000 };
 * ```
 */
export interface ServerLimits {
  /** HTTP/2: streams one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams?: number;
  /**
   * HTTP/2: megabytes one connection may hold queued to send (answers its client has not read yet); beyond it new
   * streams are refused with ENHANCE_YOUR_CALM. Each stream has one answer, so `maxConcurrentStreams` and the answers'
   * sizes bound this too; node:http2's default (10) refused a gateway's 5th 3 MB call while it read the first four.
   */
  maxSessionMemoryMb?: number;
  /** Connections open at once; more are refused at accept. */
  maxConnections?: number;
  /** A connection with no traffic this long is closed gracefully (streams in flight finish). 0: never. */
  idleTimeoutMs?: number;
  /** HTTP/1.1: the request headers must arrive within this time (slowloris). */
  headersTimeoutMs?: number;
  /** HTTP/1.1: the whole request (headers and body) must arrive within this time. */
  requestTimeoutMs?: number;
}

/**
 * The default bounds of every jina-ts server: 256 streams per HTTP/2 connection, 1 GB of answers queued per HTTP/2
 * connection, 4,096 connections, idle connections closed after 2 minutes, headers within 10 s, a whole request body
 * within 5 minutes.
 *
 * @example
 * ```ts
 * defaultServerLimits.maxConcurrentStreams; // 256
 * ```
 */
export const defaultServerLimits: Required<ServerLimits> = {
  maxConcurrentStreams: 256,
  maxSessionMemoryMb: 1024,
  maxConnections: 4096,
  idleTimeoutMs: 120_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
};

/** How long `close()` waits for answers already ended to be flushed before it ends the connections. */
const answerFlushMs = 1000;

/** Default largest request accepted by servers: 100 MiB, as issue 4 asks. */
export const defaultMaxRequestBytes = 100 * 1024 * 1024;

type NodeListener = (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => void;

/**
 * The fallback as a node request listener, through `@hono/node-server`, imported on the first fallback request:
 * importing it touches the global `Request`/`Response` at load, which makes Node load its fetch implementation
 * (≈ 60 ms of CPU), and an executor process should not pay that before it is ready (issue 8, fast start).
 */
function lazyRequestListener(fetch: FetchHandler): NodeListener {
  let listener: NodeListener | Promise<NodeListener> | undefined;
  return (request, response) => {
    listener ??= import("@hono/node-server").then(
      ({ getRequestListener }) => (listener = getRequestListener(fetch, { overrideGlobalObjects: false }) as unknown as NodeListener),
    );
    if (typeof listener === "function") return listener(request, response);
    listener.then((ready) => ready(request, response), (error: unknown) => response.destroy(error as Error));
  };
}

/**
 * Puts `fast` in front of the compat layer's `stream` listener (the one that makes a request/response pair per
 * stream for the request listener): streams it serves never get the pair. False, leaving the server as it is, when
 * it does not have exactly that one listener.
 */
function takeFastStreams(
  server: http2.Http2Server | http2.Http2SecureServer,
  fast: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => boolean,
  open: Set<http2.Http2ServerResponse | http2.ServerHttp2Stream>,
): boolean {
  const listeners = server.listeners("stream") as ((...args: unknown[]) => void)[];
  if (listeners.length !== 1) return false;
  const compat = listeners[0]!;
  server.removeListener("stream", compat);
  // No rest array, and no listener of its own: the fast call's close listener forgets the stream.
  server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
    if (!fast(stream, headers)) return compat.call(server, stream, headers, flags, rawHeaders);
    trackUntilClosed(stream, open);
  });
  return true;
}

/**
 * Makes Connect answer a gRPC or gRPC-web request uncompressed unless the request came gzipped (see
 * `compressAnswers`): Connect gzips every answer of 1 KiB or more to a client that lists gzip in
 * `grpc-accept-encoding`, so that header is dropped from a request that was not compressed itself.
 */
function plainAnswers(req: http2.Http2ServerRequest): void {
  const headers = req.headers;
  if (headers["grpc-accept-encoding"] !== undefined && headers["grpc-encoding"] !== "gzip") delete headers["grpc-accept-encoding"];
}

/**
 * Resets the streams of an idle `session` that are still waiting for their request: after `session.close()` (GOAWAY)
 * they would hold the connection open for as long as the client keeps silent. An idle session means nothing moved on
 * any of its streams for `idleTimeoutMs`, so a unary call whose request has not ended has stalled; a `Call` stream
 * (bidirectional) is reset only if it never sent a message, because one that did may be waiting on a long answer.
 * Calls whose request is complete are left to finish.
 */
function resetSilentStreams(session: http2.ServerHttp2Session, open: Set<http2.Http2ServerResponse | http2.ServerHttp2Stream>): void {
  for (const answer of open) {
    // A raw stream in `open` is a fast call (takeFastStreams); a compat answer carries its request.
    const compat = "req" in answer;
    const stream = compat ? answer.stream : answer;
    if (stream.session !== session || stream.destroyed) continue;
    const silent = compat
      ? !answer.req.complete && (!answer.req.url.endsWith("/Call") || !answer.req.readableDidRead)
      : !answer.readableEnded && !isStreamCallUnderway(answer);
    if (silent) stream.close(http2.constants.NGHTTP2_CANCEL);
  }
}

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
  // Connect's adapter (its router: every method's handler, the services' descriptors) is built on the first request
  // that needs it: an executor whose calls all take the fast path never builds it (issue 8, fast start).
  let adapter: NodeListener | undefined;
  const connectHandler: NodeListener = (req, res) =>
    (adapter ??= connectNodeAdapter({
      routes: options.routes,
      readMaxBytes,
      ...(options.acceptCompression === false ? { acceptCompression: [] } : {}),
      ...(options.fallback ? { fallback: lazyRequestListener(options.fallback) as never } : {}),
    }) as NodeListener)(req, res);
  const fastOptions: FastUnaryOptions = {
    readMaxBytes,
    acceptCompression: options.acceptCompression !== false,
    compressAnswers: options.compressAnswers,
    checkMessage: options.checkMessage,
  };
  // The fast path takes the raw stream before the compat layer makes a request/response pair for it (see
  // takeFastStreams; on Bun a gateway's CPU per call 0.79x and an executor's 0.83-0.92x, A/B; on Deno an executor's
  // 0.79x); only if that cannot be done does it take the pair. Deno used the pair until 2026-12-01: with raw streams
  // tests/executor/drain had ended early (0 of 3, no error shown) in 2 of 9 runs, but it failed so with the pair too,
  // and with raw streams it then passed 7 runs of 7 at load 20-25 (tests/executor, runtime, gateway, fuzz/grpc too).
  let fast = options.fastUnary?.length ? createFastUnaryHandler(options.fastUnary, fastOptions) : undefined;
  const check = options.checkMessage;
  const checked = check
    ? (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => (checkGrpcMessages(req, check, readMaxBytes), connectHandler(req, res))
    : connectHandler;
  const connect = options.compressAnswers ? checked : (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => (plainAnswers(req), checked(req, res));
  const handler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => fast?.(req, res) || connect(req, res);
  const limits = { ...defaultServerLimits, ...options.limits };
  const settings = { settings: { maxConcurrentStreams: limits.maxConcurrentStreams }, maxSessionMemory: limits.maxSessionMemoryMb };
  // Answers being written when close() is called get to finish first (Deno's sessions end their streams at once).
  const open = new Set<http2.Http2ServerResponse | http2.ServerHttp2Stream>();
  // Once the answer is complete, a request still being sent (a body over the size limit) is reset, not left half-open.
  const bounded = (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => {
    open.add(response);
    response.once("close", () => open.delete(response));
    response.once("finish", () => {
      if (!request.complete && !request.stream.destroyed) request.stream.close(http2.constants.NGHTTP2_NO_ERROR);
    });
    handler(request, response);
  };
  deferHttp2SessionDestroy();
  const server = options.tls
    ? http2.createSecureServer({ ...options.tls, allowHTTP1: false, ...settings }, bounded)
    : http2.createServer(settings, bounded);
  const unary = options.fastUnary?.length ? createFastUnaryStreamHandler(options.fastUnary, fastOptions) : undefined;
  const streams = options.fastStream?.length ? createFastStreamHandler(options.fastStream, fastOptions) : undefined;
  if (unary || streams) {
    const fastStreams = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => !!unary?.(stream, headers) || !!streams?.(stream, headers);
    // Without the raw streams, stream routes are left to Connect's handlers (the unary ones keep their compat path).
    if (takeFastStreams(server, fastStreams, open)) fast = undefined;
  }
  server.maxConnections = limits.maxConnections;
  if (limits.idleTimeoutMs > 0) {
    server.setTimeout(limits.idleTimeoutMs);
    server.on("timeout", (session: http2.ServerHttp2Session) => {
      session.close();
      resetSilentStreams(session, open);
    });
  }
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
  const answersWritten = async () => {
    // A raw stream's answer is written once `end` was called (writableEnded) and until the stream closes.
    const deadline = Date.now() + answerFlushMs;
    while (Date.now() < deadline && [...open].some((answer) => answer.writableEnded && !("stream" in answer ? answer.stream : answer).closed)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return createServerHandle(bound, host, !!options.tls, async () => {
    await answersWritten();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const session of sessions) session.close();
      setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, 100); // not unref'd: close() must resolve even when nothing else keeps the process alive
    });
  });
}
