/**
 * Keeps a client's HTTP/2 session from being torn down inside nghttp2's own callback. Deno's `node:http2` (2.9)
 * frees a session's nghttp2 state when `destroy()` runs while nghttp2 is still reading, which is what happens when
 * the gateway shuts down under a connected client: the GOAWAY it sends makes http2 destroy the session from inside
 * the callback that delivered it, and the process dies with SIGSEGV. The bug, how it
 * was found and measured, and the process-wide fix servers use, are in `runtime/http2-session-teardown.ts`.
 *
 * client/ does not branch on the runtime, so this runs everywhere: a destroy one turn of the event loop later is
 * harmless on Node and Bun.
 *
 * @module
 */
import type { ClientHttp2Session } from "node:http2";

type Destroy = (...args: unknown[]) => void;

/**
 * Makes `session.destroy()` run on a later turn of the event loop (a timer, not a microtask: microtasks run as soon
 * as the callback's JavaScript returns, still inside nghttp2).
 *
 * @example
 * ```ts
 * const session = http2.connect("http://127.0.0.1:54321");
 * deferSessionDestroy(session);
 * ```
 */
export function deferSessionDestroy(session: ClientHttp2Session): void {
  const destroy = session.destroy.bind(session) as Destroy;
  session.destroy = ((...args: unknown[]) => void setTimeout(() => destroy(...args), 0)) as Destroy as ClientHttp2Session["destroy"];
}
