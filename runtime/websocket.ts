/**
 * WebSocket support of {@link serveHttp}, in one shape on every runtime: the server asks `accept(request)` what to
 * do with each upgrade request, and drives the {@link WebSocketHandler} it returns with text (string) and binary
 * (Uint8Array) messages. The server half is websocket-node.ts (`ws` on `node:http`, on every runtime).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * The server's end of one open WebSocket, the same object on every runtime.
 *
 * @example
 * ```ts
 * const handler: WebSocketHandler = {
 *   onMessage: (socket: WebSocketConnection, data) => socket.send(data),
 * };
 * ```
 */
export interface WebSocketConnection {
  /** The subprotocol agreed in the handshake ("" when none). */
  readonly protocol: string;
  /** Whether the socket is still open (sending on a closed socket does nothing). */
  readonly open: boolean;
  /** Sends a text (string) or binary (Uint8Array) message; does nothing once the socket is closing. */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake (default 1000); the reason is cut to the 123 bytes a close frame can carry. */
  close(code?: number, reason?: string): void;
}

/**
 * What happens on one WebSocket: returned by {@link ServeWebSocketOptions.accept} for each upgrade request.
 * `onOpen` runs before any `onMessage`; `onClose` runs once, whoever closed. An exception thrown by a callback
 * closes the socket with 1011.
 *
 * @example
 * ```ts
 * const echo: WebSocketHandler = {
 *   protocol: "json",
 *   onOpen: (socket) => socket.send("hello"),
 *   onMessage: (socket, data) => socket.send(data),
 *   onClose: (code, reason) => console.log("closed", code, reason),
 * };
 * ```
 */
export interface WebSocketHandler {
  /** The subprotocol to answer with; it must be one the client offered (see {@link offeredProtocols}), else it is left out. */
  protocol?: string | undefined;
  onOpen?(socket: WebSocketConnection): void;
  /** A text message arrives as a string, a binary one as a Uint8Array. */
  onMessage(socket: WebSocketConnection, data: string | Uint8Array): void;
  /** The close code (1005 when the peer sent none, 1006 when the connection dropped) and reason. */
  onClose?(code: number, reason: string): void;
  /** Whether work is under way (an answer still to send): the idle timeout leaves the socket open meanwhile. */
  busy?(): boolean;
}

/**
 * The `websocket` option of {@link serveHttp}.
 *
 * @example
 * ```ts
 * await serveHttp({
 *   fetch: app.fetch,
 *   websocket: {
 *     accept: (request) => new URL(request.url).pathname === "/echo" ? { onMessage: (s, d) => s.send(d) } : undefined,
 *     maxMessageBytes: 1024 * 1024,
 *   },
 * });
 * ```
 */
export interface ServeWebSocketOptions {
  /**
   * Decides what to do with an upgrade request: a handler accepts it, a Response refuses it (sent as it is), and
   * undefined lets `fetch` answer it like any other request (e.g. a 404 for an unknown path).
   */
  accept(request: Request): WebSocketHandler | Response | undefined;
  /**
   * Largest message accepted, in bytes (default 100 MiB). A larger one closes the socket with 1009 (Node `ws`
   * `maxPayload`, Bun `maxPayloadLength`, checked on arrival on Deno).
   */
  maxMessageBytes?: number;
  /**
   * A socket with no message either way for this long, and not {@link WebSocketHandler.busy}, is closed with 1001
   * (0: never). `serveHttp` sets it from `limits.idleTimeoutMs`.
   */
  idleTimeoutMs?: number;
}

/**
 * The close code for a message over the size limit ("message too big").
 *
 * @example
 * ```ts
 * if (closeEvent.code === closeTooBig) console.log("send smaller messages");
 * ```
 */
export const closeTooBig = 1009;

/**
 * Whether a request asks to upgrade to a WebSocket (`Upgrade: websocket`).
 *
 * @example
 * ```ts
 * isWebSocketUpgrade(new Request("http://x/", { headers: { upgrade: "websocket" } })); // true
 * ```
 */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/**
 * The subprotocols a client offered in `Sec-WebSocket-Protocol`, in its order of preference.
 *
 * @example
 * ```ts
 * offeredProtocols(new Request("http://x/", { headers: { "sec-websocket-protocol": "bytes, json" } })); // ["bytes", "json"]
 * ```
 */
export function offeredProtocols(request: Request): string[] {
  const header = request.headers.get("sec-websocket-protocol") ?? "";
  return header.split(",").map((item) => item.trim()).filter((item) => item !== "");
}

/**
 * The handler's protocol when the client offered it, else undefined (a handshake may only echo an offered one).
 *
 * @example
 * ```ts
 * const protocol = agreedProtocol(request, handler); // goes into the 101 answer's Sec-WebSocket-Protocol
 * ```
 */
export function agreedProtocol(request: Request, handler: WebSocketHandler): string | undefined {
  const protocol = handler.protocol;
  return protocol && offeredProtocols(request).includes(protocol) ? protocol : undefined;
}

/**
 * Calls `accept`, turning an exception into a 500 refusal.
 *
 * @example
 * ```ts
 * const accepted = acceptUpgrade(options, request);
 * if (accepted instanceof Response) return accepted;
 * ```
 */
export function acceptUpgrade(options: ServeWebSocketOptions, request: Request): WebSocketHandler | Response | undefined {
  try {
    return options.accept(request);
  } catch (error) {
    return new Response(`WebSocket upgrade refused: ${(error as Error)?.message ?? String(error)}`, { status: 500 });
  }
}

/**
 * A close reason cut to at most 123 UTF-8 bytes (what a close frame can carry), on a character boundary.
 *
 * @example
 * ```ts
 * socket.close(1011, closeReason(error.message));
 * ```
 */
export function closeReason(reason: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(reason).byteLength <= 123) return reason;
  let cut = reason.slice(0, 123);
  while (encoder.encode(`${cut}…`).byteLength > 123) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * UTF-8 byte length of a string, without encoding it.
 *
 * @example
 * ```ts
 * utf8Length("é€😀"); // 2 + 3 + 4 = 9
 * ```
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Wraps a handler so that its callbacks run in order, once, and an exception closes the socket with 1011.
 * Every runtime adapter drives the handler through this.
 *
 * @example
 * ```ts
 * const events = guardHandler(handler);
 * events.open(connection);
 * events.message(connection, "hello");
 * events.close(1000, "");
 * ```
 */
export function guardHandler(handler: WebSocketHandler): {
  open(socket: WebSocketConnection): void;
  message(socket: WebSocketConnection, data: string | Uint8Array): void;
  close(code: number, reason: string): void;
} {
  let closed = false;
  const run = (socket: WebSocketConnection | undefined, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      const failure = JinaError.from(error);
      socket?.close(1011, closeReason(failure.rawMessage || ErrorCode[failure.code] || "internal error"));
    }
  };
  return {
    open: (socket) => run(socket, () => handler.onOpen?.(socket)),
    message: (socket, data) => {
      if (!closed) run(socket, () => handler.onMessage(socket, data));
    },
    close: (code, reason) => {
      if (closed) return;
      closed = true;
      run(undefined, () => handler.onClose?.(code, reason));
    },
  };
}
