/**
 * What `node:http`'s server leaves open on some runtimes, added from its `connection` event: a ceiling on
 * connections open at once (Bun's `node:http` ignores `server.maxConnections`) and a deadline for a connection's
 * first request (Node's `headersTimeout` starts only at a request's first byte, so a connection that never sends
 * one would stay open as long as its client likes).
 *
 * @module
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * Refuses connections beyond `maxConnections` (closed at once) and closes a connection whose first request's headers
 * (or upgrade) have not arrived within `firstRequestMs` (≤ 0: never). Whether a request arrived is taken from the
 * server's `request` and `upgrade` events: Bun's `node:http` does not count `socket.bytesRead`.
 *
 * @example
 * ```ts
 * const server = http.createServer(listener);
 * guardConnections(server, { maxConnections: 4096, firstRequestMs: 10_000 });
 * ```
 */
export function guardConnections(server: Server, limits: { maxConnections: number; firstRequestMs: number }, tls = false): void {
  let open = 0;
  const served = new WeakSet<Socket>();
  const serve = (request: { socket: Socket }) => void served.add(request.socket);
  if (limits.firstRequestMs > 0) server.on("request", serve).on("upgrade", serve);
  // Over TLS a request's socket is the TLS socket, which "secureConnection" gives (a handshake has its own timeout).
  server.on(tls ? "secureConnection" : "connection", (socket: Socket) => {
    if (open >= limits.maxConnections) {
      socket.destroy();
      return;
    }
    open++;
    const timer = limits.firstRequestMs > 0 ? setTimeout(() => served.has(socket) || socket.destroy(), limits.firstRequestMs) : undefined;
    (timer as { unref?: () => void } | undefined)?.unref?.();
    socket.once("close", () => {
      open--;
      clearTimeout(timer);
    });
  });
}
