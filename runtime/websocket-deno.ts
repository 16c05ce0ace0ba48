/**
 * WebSockets on `Deno.serve`, with `Deno.upgradeWebSocket(request, { protocol })`. Deno has no message size
 * option, so a message over `maxMessageBytes` is checked on arrival and closes the socket with 1009.
 *
 * @module
 */
import { denoGlobal } from "./detect.ts";
import { defaultMaxRequestBytes } from "./serve-grpc.ts";
import type { FetchHandler } from "./serve-http.ts";
import {
  acceptUpgrade,
  agreedProtocol,
  closeReason,
  closeTooBig,
  guardHandler,
  isWebSocketUpgrade,
  type ServeWebSocketOptions,
  utf8Length,
  type WebSocketConnection,
} from "./websocket.ts";

/** The part of `Deno` used here. */
interface DenoWebSockets {
  upgradeWebSocket(request: Request, options?: { protocol?: string }): { socket: WebSocket; response: Response };
}

/** How long `close()` waits for the closing handshakes before it gives up on them. */
const closeGraceMs = 1000;

/**
 * Wraps a fetch handler so that upgrade requests `accept` takes become WebSockets; `close()` closes the open
 * ones (1001, going away) before the server stops.
 *
 * @example
 * ```ts
 * const ws = createDenoWebSocket({ accept: () => ({ onMessage: (s, d) => s.send(d) }) }, app.fetch);
 * Deno.serve(ws.fetch);
 * ```
 */
export function createDenoWebSocket(options: ServeWebSocketOptions, fetch: FetchHandler): { fetch: FetchHandler; close(): Promise<void> } {
  const deno = denoGlobal as unknown as DenoWebSockets;
  const maxBytes = options.maxMessageBytes ?? defaultMaxRequestBytes;
  const sockets = new Map<WebSocket, Promise<void>>();

  function upgrade(request: Request): Response | Promise<Response> {
    if (!isWebSocketUpgrade(request)) return fetch(request);
    const accepted = acceptUpgrade(options, request);
    if (accepted === undefined) return fetch(request);
    if (accepted instanceof Response) return accepted;
    const protocol = agreedProtocol(request, accepted);
    const { socket, response } = deno.upgradeWebSocket(request, protocol ? { protocol } : {});
    socket.binaryType = "arraybuffer";
    const events = guardHandler(accepted);
    const connection: WebSocketConnection = {
      protocol: protocol ?? "",
      get open() {
        return socket.readyState === WebSocket.OPEN;
      },
      send(data) {
        if (socket.readyState === WebSocket.OPEN) socket.send(data as string | Uint8Array<ArrayBuffer>);
      },
      close(code = 1000, reason = "") {
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(code, closeReason(reason));
      },
    };
    let closed!: () => void;
    sockets.set(socket, new Promise<void>((resolve) => (closed = resolve)));
    socket.onopen = () => events.open(connection);
    socket.onmessage = (event: MessageEvent) => {
      const data = typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer);
      const size = typeof data === "string" ? (data.length * 3 > maxBytes ? utf8Length(data) : data.length) : data.byteLength;
      if (size > maxBytes) {
        connection.close(closeTooBig, `message of ${size} bytes is over the limit of ${maxBytes} bytes`);
        return;
      }
      events.message(connection, data);
    };
    socket.onerror = () => {};
    socket.onclose = (event: CloseEvent) => {
      sockets.delete(socket);
      closed();
      events.close(event.code, event.reason);
    };
    return response;
  }

  return {
    fetch: upgrade,
    async close() {
      const waits = [...sockets].map(([socket, done]) => {
        try {
          socket.close(1001, "the server is shutting down");
        } catch {
          // already closing
        }
        return done;
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.all(waits), new Promise<void>((resolve) => (timer = setTimeout(resolve, closeGraceMs)))]);
      clearTimeout(timer);
    },
  };
}
