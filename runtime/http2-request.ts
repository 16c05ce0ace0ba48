/**
 * `session.request(headers)` without the cost Node 20 adds to every client stream. Node's `request` wraps each
 * stream's connect step in `new AsyncResource(...).bind(fn)`, and `AsyncResource#bind` defines a deprecated
 * `asyncResource` accessor (DEP0172) on every function it returns: two `util.deprecate` wrappers, each with its own
 * prototype set (`Object.setPrototypeOf` on a function). Under the gRPC hop's load that was ~9 % of the gateway's
 * samples, and ~30 µs less per call in a loop of client streams without it (`node:http2` alone, both ends in one
 * process; Deno and Bun unchanged, their `request` does not call it).
 *
 * {@link requestStream} lends `AsyncResource.prototype.bind` a plain version for the length of that one synchronous
 * call: the bound function still runs in the resource's async scope (`runInAsyncScope`, so AsyncLocalStorage contexts
 * such as OpenTelemetry's still reach a request queued while the session connects); only the deprecated accessor is
 * left out, which `node:http2` never reads. The original method is back before `request` returns (or throws). When
 * something else has replaced `bind` (a user's instrumentation), or off Node, `request` is called as it is.
 *
 * @module
 */
import { AsyncResource } from "node:async_hooks";
import type * as http2 from "node:http2";
import { runtimeName } from "./detect.ts";

type Bind = (this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown) => (...args: unknown[]) => unknown;

const prototype = AsyncResource.prototype as unknown as { bind: Bind };
const nodeBind = prototype.bind;
const lend = runtimeName() === "node";

/** `AsyncResource#bind` without the deprecated `asyncResource` accessor (what Node's does otherwise). */
function plainBind(this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown): (...args: unknown[]) => unknown {
  const resource = this;
  if (thisArg !== undefined) return resource.runInAsyncScope.bind(resource, fn, thisArg) as (...args: unknown[]) => unknown;
  return function (this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
}

/**
 * Opens a client stream on `session`: `session.request(headers)`, on Node without the per-stream deprecation
 * wrappers (see the module's note).
 *
 * @example
 * ```ts
 * const stream = requestStream(session, { ":method": "POST", ":path": "/jina.JinaSingleDataRequestRPC/process_single_data" });
 * stream.end(frame);
 * ```
 */
export function requestStream(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders): http2.ClientHttp2Stream {
  if (!lend || prototype.bind !== nodeBind) return session.request(headers);
  prototype.bind = plainBind;
  try {
    return session.request(headers);
  } finally {
    prototype.bind = nodeBind;
  }
}
