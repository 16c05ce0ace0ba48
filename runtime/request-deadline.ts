/**
 * The body deadline of Deno's and Bun's HTTP servers (Node's `server.requestTimeout`): neither `Deno.serve` nor
 * `Bun.serve` bounds how long a client may take to send its body, so a client sending one byte a second holds its
 * socket as long as it likes. The handler gets the request with its body read through a stream that fails once the
 * deadline passes; the answer is then 408 with `Connection: close`, which ends the connection.
 *
 * @module
 */
import type { FetchHandler } from "./serve-http.ts";

/**
 * Wraps `fetch` so that a request body not received within `ms` of the request's start ends the request with 408
 * (`Connection: close`). Requests without a body pass as they are (upgrades included); `ms` ≤ 0 returns `fetch`.
 *
 * @example
 * ```ts
 * Deno.serve({ port: 0 }, withBodyDeadline(app.fetch, 300_000));
 * ```
 */
export function withBodyDeadline(fetch: FetchHandler, ms: number): FetchHandler {
  if (!(ms > 0)) return fetch;
  return async (request) => {
    const source = request.body;
    if (source === null) return await fetch(request);
    const reader = source.getReader();
    let timedOut = false;
    let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      stream?.error(new Error(`the request body did not arrive within ${ms} ms`));
      reader.cancel().catch(() => {});
    }, ms);
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => void (stream = controller),
      async pull(controller) {
        const { done, value } = await reader.read().catch((error: unknown) => (clearTimeout(timer), Promise.reject(error)));
        if (done) {
          clearTimeout(timer);
          controller.close();
        } else controller.enqueue(value);
      },
      cancel(reason) {
        clearTimeout(timer);
        return reader.cancel(reason);
      },
    });
    const bounded = new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal, duplex: "half" } as RequestInit);
    try {
      const response = await fetch(bounded);
      if (!timedOut) return response;
    } catch (error) {
      if (!timedOut) throw error;
    } finally {
      clearTimeout(timer); // answered (a handler that never reads the body keeps no timer)
    }
    return new Response(`The request body did not arrive within ${ms} ms (requestTimeoutMs)`, {
      status: 408,
      headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
    });
  };
}
