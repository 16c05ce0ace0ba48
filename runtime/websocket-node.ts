/**
 * WebSockets on Node's `node:http` server (the one `@hono/node-server` creates), with the `ws` package: the
 * server's `upgrade` event asks `accept`, then `ws` does the handshake (`maxPayload` closes over-size messages
 * with 1009).
 *
 * @module
 */
import { type IncomingMessage, type Server as HttpServer, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { defaultMaxRequestBytes } from "./serve-grpc.ts";
import type { FetchHandler } from "./serve-http.ts";
import {
  acceptUpgrade,
  agreedProtocol,
  closeReason,
  guardHandler,
  type ServeWebSocketOptions,
  type WebSocketConnection,
} from "./websocket.ts";

/** How long `close()` waits for the closing handshakes before it drops the sockets. */
const closeGraceMs = 1000;

/**
 * Serves WebSockets on a `node:http` (or `node:https`) server; resolves the returned function to close them all
 * (1001, going away) when the server stops.
 *
 * @example
 * ```ts
 * const server = createAdaptorServer({ fetch: app.fetch });
 * const closeSockets = attachNodeWebSocket(server, { accept: () => ({ onMessage: (s, d) => s.send(d) }) }, app.fetch, false);
 * ```
 */
export function attachNodeWebSocket(server: HttpServer, options: ServeWebSocketOptions, fetch: FetchHandler, tls: boolean): () => Promise<void> {
  const agreed = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? defaultMaxRequestBytes,
    perMessageDeflate: false,
    handleProtocols: (_offered, request) => agreed.get(request) ?? false,
  });

  server.on("upgrade", (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    void (async () => {
      const request = requestOf(incoming, tls);
      const accepted = acceptUpgrade(options, request);
      if (accepted === undefined || accepted instanceof Response) {
        await writeResponse(socket, accepted ?? (await fetch(request)));
        return;
      }
      const protocol = agreedProtocol(request, accepted);
      if (protocol) agreed.set(incoming, protocol);
      wss.handleUpgrade(incoming, socket, head, (ws) => bind(ws, accepted, options.idleTimeoutMs ?? 0));
    })().catch(() => socket.destroy());
  });

  return async () => {
    const closing = [...wss.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          const timer = setTimeout(() => ws.terminate(), closeGraceMs);
          ws.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1001, "the server is shutting down");
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function bind(ws: WebSocket, handler: Parameters<typeof guardHandler>[0], idleTimeoutMs: number): void {
  const events = guardHandler(handler);
  let last = Date.now();
  const connection: WebSocketConnection = {
    protocol: ws.protocol,
    get open() {
      return ws.readyState === ws.OPEN;
    },
    send(data) {
      last = Date.now();
      if (ws.readyState === ws.OPEN) ws.send(data, { binary: typeof data !== "string" });
    },
    close(code = 1000, reason = "") {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, closeReason(reason));
    },
  };
  ws.on("error", () => {}); // a protocol error (e.g. 1009) is followed by "close"
  ws.on("message", (data: RawData, isBinary: boolean) => {
    last = Date.now();
    const bytes = bytesOf(data);
    events.message(connection, isBinary ? bytes : new TextDecoder().decode(bytes));
  });
  ws.on("close", (code: number, reason: Buffer) => events.close(code, reason.toString("utf8")));
  if (idleTimeoutMs > 0) {
    // Idle: no message either way for idleTimeoutMs while nothing is under way (a long call sends nothing until its answer).
    const timer = setInterval(() => {
      if (Date.now() - last >= idleTimeoutMs && !handler.busy?.()) connection.close(1001, `idle for ${idleTimeoutMs} ms`);
    }, Math.max(100, Math.min(idleTimeoutMs / 4, 30_000)));
    (timer as { unref?: () => void }).unref?.();
    ws.on("close", () => clearInterval(timer));
  }
  events.open(connection);
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A fetch Request for the upgrade request (no body). */
function requestOf(incoming: IncomingMessage, tls: boolean): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
  const host = incoming.headers.host ?? "localhost";
  return new Request(`${tls ? "https" : "http"}://${host}${incoming.url ?? "/"}`, { method: incoming.method ?? "GET", headers });
}

/** Writes a fetch Response on the raw socket of a refused upgrade, then closes it. */
async function writeResponse(socket: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText || STATUS_CODES[response.status] || ""}`];
  response.headers.forEach((value, key) => {
    if (!["content-length", "connection", "transfer-encoding"].includes(key)) lines.push(`${key}: ${value}`);
  });
  lines.push(`content-length: ${body.byteLength}`, "connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n")), body]));
}
