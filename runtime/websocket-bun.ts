/**
 * WebSockets on `Bun.serve`: the fetch handler calls `server.upgrade(request, { headers, data })` for the upgrade
 * requests `accept` takes, and the `websocket` handler passed to `Bun.serve` drives them (`maxPayloadLength`
 * closes over-size messages with 1009).
 *
 * @module
 */
import { defaultMaxRequestBytes } from "./serve-grpc.ts";
import type { FetchHandler } from "./serve-http.ts";
import {
  acceptUpgrade,
  agreedProtocol,
  closeReason,
  guardHandler,
  isWebSocketUpgrade,
  type ServeWebSocketOptions,
  type WebSocketConnection,
  type WebSocketHandler,
} from "./websocket.ts";

/** What each Bun socket carries in `ws.data`. */
interface SocketData {
  handler: WebSocketHandler;
  protocol: string;
  events?: ReturnType<typeof guardHandler>;
  connection?: WebSocketConnection;
}

/** The parts of Bun's `ServerWebSocket` used here. */
interface BunSocket {
  data: SocketData;
  readonly readyState: number;
  send(data: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
}

/** The part of Bun's `Server` used here. */
interface BunServer {
  upgrade(request: Request, options: { headers?: Record<string, string>; data: SocketData }): boolean;
}

/** Bun's `ServerWebSocket.readyState` when open. */
const open = 1;

/**
 * The `fetch` and `websocket` options for `Bun.serve` that serve WebSockets next to a fetch handler.
 *
 * @example
 * ```ts
 * const ws = createBunWebSocket({ accept: () => ({ onMessage: (s, d) => s.send(d) }) }, app.fetch);
 * Bun.serve({ port: 0, fetch: ws.fetch, websocket: ws.websocket, idleTimeout: 0 });
 * ```
 */
export function createBunWebSocket(options: ServeWebSocketOptions, fetch: FetchHandler): {
  fetch: (request: Request, server: unknown) => Response | Promise<Response> | undefined;
  websocket: unknown;
} {
  return {
    fetch(request, server) {
      if (!isWebSocketUpgrade(request)) return fetch(request);
      const accepted = acceptUpgrade(options, request);
      if (accepted === undefined) return fetch(request);
      if (accepted instanceof Response) return accepted;
      const protocol = agreedProtocol(request, accepted) ?? "";
      const upgraded = (server as BunServer).upgrade(request, {
        ...(protocol ? { headers: { "Sec-WebSocket-Protocol": protocol } } : {}),
        data: { handler: accepted, protocol },
      });
      return upgraded ? undefined : new Response("WebSocket upgrade failed: send a valid WebSocket handshake", { status: 400 });
    },
    websocket: {
      maxPayloadLength: options.maxMessageBytes ?? defaultMaxRequestBytes,
      perMessageDeflate: false,
      open(ws: BunSocket) {
        const connection: WebSocketConnection = {
          protocol: ws.data.protocol,
          get open() {
            return ws.readyState === open;
          },
          send(data) {
            if (ws.readyState === open) ws.send(data);
          },
          close(code = 1000, reason = "") {
            if (ws.readyState === open || ws.readyState === 0) ws.close(code, closeReason(reason));
          },
        };
        ws.data.connection = connection;
        ws.data.events = guardHandler(ws.data.handler);
        ws.data.events.open(connection);
      },
      message(ws: BunSocket, message: string | Uint8Array) {
        const data = typeof message === "string" ? message : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
        ws.data.events?.message(ws.data.connection!, data);
      },
      close(ws: BunSocket, code: number, reason: string) {
        ws.data.events?.close(code, reason);
      },
    },
  };
}
