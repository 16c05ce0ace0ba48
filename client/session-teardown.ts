/**
 * Keeps a client's HTTP/2 session from being torn down inside nghttp2's own callback. Deno's `node:http2` (2.9)
 * frees a session's nghttp2 state when `destroy()` runs while nghttp2 is still reading, which is what happens when
 * the gateway shuts down under a connected client: the GOAWAY it sends makes http2 (and Connect's session manager)
 * destroy the session from inside the callback that delivered it, and the process dies with SIGSEGV. The bug, how it
 * was found and measured, and the process-wide fix servers use, are in `runtime/http2-session-teardown.ts`.
 *
 * client/ does not branch on the runtime, so this runs everywhere: a destroy one turn of the event loop later is
 * harmless on Node and Bun.
 *
 * @module
 */
import type { Http2SessionManager } from "@connectrpc/connect-node";

type Destroy = (...args: unknown[]) => void;

/**
 * Makes `destroy()` of every session that `manager` opens run on a later turn of the event loop (a timer, not a
 * microtask: microtasks run as soon as the callback's JavaScript returns, still inside nghttp2). A session is
 * reached through its first stream, since the manager opens sessions on demand for a request.
 *
 * @example
 * ```ts
 * const manager = new Http2SessionManager("http://127.0.0.1:54321");
 * deferSessionDestroy(manager);
 * const transport = createGrpcTransport({ baseUrl: "http://127.0.0.1:54321", sessionManager: manager });
 * ```
 */
export function deferSessionDestroy(manager: Http2SessionManager): void {
  const guarded = new WeakSet<object>();
  const request = manager.request.bind(manager);
  manager.request = async (...args) => {
    const stream = await request(...args);
    const session = stream.session as unknown as { destroy: Destroy; on(event: "error", listener: () => void): void } | undefined;
    if (session && !guarded.has(session)) {
      guarded.add(session);
      // The manager stops listening for the session's errors once it has given up on it, and a destroy(error) that
      // now comes later would emit an 'error' nobody hears (which ends a Node process); the calls already failed.
      session.on("error", () => {});
      const destroy = session.destroy.bind(session);
      session.destroy = (...destroyArgs) => void setTimeout(() => destroy(...destroyArgs), 0);
    }
    return stream;
  };
}
