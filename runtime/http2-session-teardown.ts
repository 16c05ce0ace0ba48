/**
 * Deno's `node:http2` (measured on 2.9) can crash the whole process with SIGSEGV when the peer of a session sends
 * GOAWAY: a client closing its connection to a server, or a server shutting down under a connected client. Deno's
 * http2 follows Node's JavaScript core, which answers a GOAWAY by calling `session.destroy()` (directly, through
 * `close()`, or from a library's 'goaway' listener such as Connect's session manager) from inside the callback
 * that delivered it, while nghttp2 is still reading. Deno frees the session's nghttp2 state right there, and nghttp2
 * reads freed memory when the callback returns. Core dumps show both ends of it: nghttp2 walking a freed stream map
 * after a GOAWAY, and a call through a freed session's callback table. The crash is occasional in normal runs and
 * certain when glibc's allocator overwrites freed memory (`GLIBC_TUNABLES=glibc.malloc.perturb=165`, as
 * `tests/runtime/http2-goaway.test.ts` runs it).
 *
 * The fix here makes `destroy()` of every HTTP/2 session in the process (ours, Connect's, a user's) run on a later
 * turn of the event loop, after nghttp2 has returned. A microtask would be too early: V8 runs microtasks as soon as
 * the callback's JavaScript returns, which is still inside nghttp2. `close()` still marks the session closed and
 * sends its GOAWAY at once. Node and Bun are left unchanged.
 *
 * @module
 */
import * as http2 from "node:http2";
import { denoGlobal } from "./detect.ts";

type Destroy = (this: http2.Http2Session, ...args: unknown[]) => void;

let deferred = false;

/**
 * On Deno, makes `destroy()` of every `node:http2` session run on a later turn of the event loop (once per process;
 * later calls do nothing). On Node and Bun it does nothing.
 *
 * @example
 * ```ts
 * deferHttp2SessionDestroy();
 * const server = http2.createServer(handler); // its sessions survive a client's GOAWAY on Deno
 * ```
 */
export function deferHttp2SessionDestroy(): void {
  if (deferred || !denoGlobal) return;
  deferred = true;
  // Deno exports the class Node keeps internal.
  const prototype = (http2 as unknown as { Http2Session?: { prototype: { destroy: Destroy } } }).Http2Session?.prototype;
  if (!prototype) return;
  const destroy = prototype.destroy;
  prototype.destroy = function (this: http2.Http2Session, ...args: unknown[]) {
    // An error passed now would be heard by the listeners there are now; one of them may be gone by the time the
    // destroy runs (a library stops listening once it gives up on the session), and an unheard 'error' ends the
    // process.
    if (args[0] instanceof Error && this.listenerCount("error") > 0) this.once("error", () => {});
    setTimeout(() => destroy.apply(this, args), 0);
  };
}
