/**
 * The WebSocket side of the gateway (Jina's `gateway/websocket/app.py`): `ws /` streams data requests,
 * `ws /dry_run` answers one dry-run status; every other request of the port is the gateway's HTTP app.
 *
 * - Subprotocol from `Sec-WebSocket-Protocol`: `json` (default) or `bytes`, answered in the handshake when offered;
 *   any other offer is refused with 400.
 * - Requests run concurrently, at most `prefetch` per socket (the next frame is read when one finishes); answers
 *   stream back as they complete, or in request order with the query parameter `?results_in_order=true`.
 * - After the end marker (`{}` / `\x00`) the requests in flight finish, their answers are sent, and the socket
 *   closes with 1000. Frames after the marker are ignored.
 * - A bad frame (bad JSON, wrong fields, not a DataRequestProto, over `maxRequestBytes`) and a request the flow
 *   rejects as bad input are answered in-band (the request echoed with `header.status` ERROR) and the socket goes
 *   on. A frame far over the limit (more than `maxRequestBytes` plus the same again, at most 16 MiB more) closes the
 *   socket with 1009 before it is read (on Deno, messages over 64 MiB drop the connection whatever the limit).
 * - A failure of the flow itself (executor unreachable, `timeoutSend`, ...) closes the socket with 1011 and the
 *   error's message (`[unavailable] ...`, cut to 123 bytes) as reason, as Jina does.
 * - The client closing the socket aborts the requests in flight.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DataRequestProto, StatusProto } from "../proto/gen/jina_pb.ts";
import { defaultMaxRequestBytes, type ServeWebSocketOptions, type WebSocketConnection, type WebSocketHandler } from "../runtime/mod.ts";
import { mapConcurrent } from "./concurrent-map.ts";
import { errorResponse } from "./http-errors.ts";
import { errorEcho } from "./http-errors.ts";
import { decodeFrame, encodeResponse, encodeStatus, type WebSocketFrame, type WebSocketMode, webSocketModeOf } from "./websocket-codec.ts";

/**
 * Options of {@link createGatewayWebSocket}.
 *
 * @example
 * ```ts
 * const options: GatewayWebSocketOptions = { handle, dryRun, prefetch: 1000, maxRequestBytes: 1024 * 1024 };
 * ```
 */
export interface GatewayWebSocketOptions {
  /** Runs one request through the flow. */
  handle(request: DataRequestProto, signal?: AbortSignal): Promise<DataRequestProto>;
  /** One document through the flow, as a status. */
  dryRun(signal?: AbortSignal): Promise<StatusProto>;
  /** Requests of one socket handled at once (0: no limit). */
  prefetch: number;
  /** Largest frame answered, in bytes (default 100 MiB); larger ones get an in-band error. */
  maxRequestBytes?: number | undefined;
}

/** How far over `maxRequestBytes` a frame is still read (to answer it with an error) instead of closing with 1009. */
const oversizeSlack = 16 * 1024 * 1024;

/**
 * The `websocket` option of `serveHttp` for the gateway's `ws /` and `ws /dry_run`; other upgrade requests fall
 * through to the HTTP app.
 *
 * @example
 * ```ts
 * import { serveHttp } from "jina-ts/runtime";
 * const websocket = createGatewayWebSocket({ handle: (r, s) => gateway.handle(r, s), dryRun, prefetch: 1000 });
 * await using server = await serveHttp({ fetch: gateway.app.fetch, websocket, port: 0 });
 * ```
 */
export function createGatewayWebSocket(options: GatewayWebSocketOptions): ServeWebSocketOptions {
  const maxBytes = options.maxRequestBytes ?? defaultMaxRequestBytes;
  return {
    maxMessageBytes: maxBytes + Math.min(maxBytes, oversizeSlack),
    accept(request) {
      const url = new URL(request.url);
      if (url.pathname !== "/" && url.pathname !== "/dry_run") return undefined;
      const mode = webSocketModeOf(request);
      if (mode instanceof JinaError) return errorResponse(mode);
      if (url.pathname === "/dry_run") return dryRunSession(options, mode);
      const inOrder = /^(true|1|yes)$/i.test(url.searchParams.get("results_in_order") ?? "");
      return dataSession(options, mode, inOrder, maxBytes);
    },
  };
}

/** `ws /dry_run`: sends the status once open, then closes with 1000. */
function dryRunSession(options: GatewayWebSocketOptions, mode: WebSocketMode): WebSocketHandler {
  const controller = new AbortController();
  let answered = false;
  return {
    protocol: mode,
    onOpen(socket) {
      void options.dryRun(controller.signal).then((status) => {
        answered = true;
        socket.send(encodeStatus(mode, status));
        socket.close(1000);
      });
    },
    onMessage() {},
    onClose: () => answered || controller.abort(clientClosed()),
  };
}

/** Why a session's work is cancelled when its client goes: made only when something still runs (an error costs). */
function clientClosed(): JinaError {
  return new JinaError("the client closed the WebSocket", ErrorCode.Canceled);
}

/** `ws /`: a stream of requests on one socket. */
function dataSession(options: GatewayWebSocketOptions, mode: WebSocketMode, inOrder: boolean, maxBytes: number): WebSocketHandler {
  const frames = createFrameQueue();
  const controller = new AbortController();
  let pending = 0; // requests received, not yet answered (the idle timeout waits for them)

  async function answer(frame: WebSocketFrame, signal: AbortSignal): Promise<DataRequestProto> {
    if (frame.kind === "invalid") return errorEcho(frame.error, frame.request);
    if (frame.kind === "end") throw new Error("unreachable: the end marker is not queued");
    try {
      return await options.handle(frame.request, signal);
    } catch (error) {
      // bad input stays in-band (the socket goes on); a failure of the flow closes the socket (1011)
      if (JinaError.from(error).code === ErrorCode.InvalidArgument) return errorEcho(error, frame.request);
      throw error;
    }
  }

  let done = false; // every response sent (or the session failed): a close then has nothing to cancel
  async function run(socket: WebSocketConnection): Promise<void> {
    try {
      const responses = mapConcurrent(frames.items, answer, { limit: options.prefetch, inOrder, signal: controller.signal });
      for await (const response of responses) {
        pending--;
        socket.send(encodeResponse(mode, response));
      }
      done = true;
      socket.close(1000);
    } catch (error) {
      done = true;
      if (!controller.signal.aborted) socket.close(1011, JinaError.from(error).message);
    }
  }

  return {
    protocol: mode,
    onOpen: (socket) => void run(socket),
    onMessage(_, data) {
      if (frames.ended) return;
      const frame = decodeFrame(mode, data, maxBytes);
      if (frame.kind === "end") frames.end();
      else (pending++, frames.push(frame));
    },
    onClose() {
      if (!done) controller.abort(clientClosed());
      frames.end();
    },
    busy: () => pending > 0,
  };
}

/** An unbounded queue of frames read as an async iterable (the socket's reads are bounded by mapConcurrent's pull). */
function createFrameQueue(): { items: AsyncIterable<WebSocketFrame>; push(frame: WebSocketFrame): void; end(): void; readonly ended: boolean } {
  const queue: WebSocketFrame[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    items: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const frame = queue.shift();
          if (frame) yield frame;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
    push(frame) {
      queue.push(frame);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    get ended() {
      return ended;
    },
  };
}
