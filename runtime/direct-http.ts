/**
 * Direct HTTP routes: handlers that take a request's method, path, headers and whole body as text and answer with a
 * status and a JSON text, without a fetch `Request`/`Response` pair or a router in between. The HTTP server
 * (`serveHttp`'s `directRoutes`) asks the routes first and hands every other request to its fetch handler.
 *
 * On Node this skips the fetch adapter: no undici `Request`, no web stream for the body, no `Headers` object (the
 * body is read from the `IncomingMessage` as Buffers, the answer written with one `end`). On Deno and Bun, whose
 * `Request` is native, it skips the router and its middleware.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LazyAbort } from "../proto/server/lazy-abort.ts";

/**
 * What a direct route sees of a request.
 *
 * @example
 * ```ts
 * const route: DirectRoute = async (request) => ({ status: 200, body: JSON.stringify({ length: (await request.text(1024))?.length }) });
 * ```
 */
export interface DirectRequest {
  /** The method, upper case. */
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  /** The host name the request was sent to (from its Host header, without the port and IPv6 brackets). */
  readonly hostname: string;
  /** A request header (lower-case name), or undefined. */
  header(name: string): string | undefined;
  /**
   * The whole body as UTF-8 text; undefined when it is longer than `maxBytes` (a Content-Length over it is refused
   * before anything is read). Call it at most once.
   */
  text(maxBytes: number): Promise<string | undefined>;
  /** Aborts when the client goes away before the answer is written. */
  readonly signal: AbortSignal;
  /**
   * Where the server can: calls `listener` once with the reason when the client goes away before the answer is
   * written (at once when it already has), without making `signal`; returns a function that unsubscribes.
   */
  readonly onCancel?: ((listener: (reason: unknown) => void) => () => void) | undefined;
}

/**
 * A direct route's answer: the status and a JSON text (sent as `application/json`).
 *
 * @example
 * ```ts
 * const answer: DirectResponse = { status: 200, body: "{}" };
 * ```
 */
export interface DirectResponse {
  status: number;
  body: string;
}

/**
 * A direct route.
 *
 * @example
 * ```ts
 * const echo: DirectRoute = async (request) => ({ status: 200, body: (await request.text(1 << 20)) ?? "{}" });
 * ```
 */
export type DirectRoute = (request: DirectRequest) => Promise<DirectResponse>;

/**
 * Finds the direct route of a method (upper case) and path, or undefined to let the fetch handler answer.
 *
 * @example
 * ```ts
 * const routes: DirectRoutes = (method, path) => (method === "POST" && path === "/echo" ? echo : undefined);
 * ```
 */
export type DirectRoutes = (method: string, path: string) => DirectRoute | undefined;

/** Host header → host name, as the URL parser gives it (lower case, IPv6 brackets removed); a few entries cached. */
const hostnames = new Map<string, string | undefined>();

function hostnameOf(host: string | undefined | null): string | undefined {
  if (!host) return undefined;
  if (hostnames.has(host)) return hostnames.get(host);
  let hostname: string | undefined;
  try {
    hostname = new URL(`http://${host}/`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    hostname = undefined;
  }
  if (hostnames.size >= 64) hostnames.clear();
  hostnames.set(host, hostname);
  return hostname;
}

function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/**
 * A Node request listener that answers direct routes itself and passes every other request to `fallback` (the fetch
 * adapter's listener). Requests without a usable Host header go to `fallback` too, which answers them as it does.
 *
 * @example
 * ```ts
 * const server = http.createServer(nodeDirectListener(routes, getRequestListener(app.fetch)));
 * ```
 */
export function nodeDirectListener(
  routes: DirectRoutes,
  fallback: (incoming: IncomingMessage, outgoing: ServerResponse) => unknown,
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return (incoming, outgoing) => {
    const method = incoming.method ?? "GET";
    const path = pathOf(incoming.url ?? "/");
    const route = path.startsWith("/") ? routes(method, path) : undefined;
    const hostname = route ? hostnameOf(incoming.headers.host) : undefined;
    if (!route || hostname === undefined) {
      fallback(incoming, outgoing);
      return;
    }
    const cancel = new LazyAbort<Error>();
    (outgoing as GoneWatched)[goneOf] = cancel;
    outgoing.on("close", onOutgoingClose);
    const request: DirectRequest = {
      method,
      path,
      hostname,
      header: (name) => {
        const value = incoming.headers[name];
        return Array.isArray(value) ? value.join(", ") : value;
      },
      text: (maxBytes) => readNodeBody(incoming, maxBytes),
      get signal() {
        return cancel.signal;
      },
      onCancel: (listener) => cancel.subscribe(listener),
    };
    route(request).then(
      (answer) => writeNodeAnswer(incoming, outgoing, answer),
      (error) => {
        console.error("A direct HTTP route failed:", error);
        writeNodeAnswer(incoming, outgoing, { status: 500, body: '{"error":"internal error"}' });
      },
    );
  };
}

const goneOf = Symbol("jina-ts client gone");
type GoneWatched = ServerResponse & { [goneOf]: LazyAbort<Error> };

function onOutgoingClose(this: GoneWatched): void {
  if (!this.writableFinished) this[goneOf].abort(new Error("Client connection prematurely closed."));
}

function writeNodeAnswer(incoming: IncomingMessage, outgoing: ServerResponse, answer: DirectResponse): void {
  if (outgoing.destroyed || outgoing.headersSent) return;
  const body = Buffer.from(answer.body);
  // A body left unread (refused before reading it) would be parsed as the next request: close the connection.
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": body.length };
  if (!incoming.complete) headers.connection = "close";
  outgoing.writeHead(answer.status, headers);
  outgoing.end(body);
  if (!incoming.complete) incoming.resume();
}

function readNodeBody(incoming: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const declared = Number(incoming.headers["content-length"]);
  if (declared > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        incoming.off("data", onData);
        incoming.off("end", onEnd);
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, size).toString("utf8"));
    incoming.on("data", onData);
    incoming.once("end", onEnd);
    incoming.once("error", reject);
  });
}

/**
 * Wraps a fetch handler (Deno's and Bun's servers) so that direct routes answer first. The body is read through its
 * stream with a byte count, so that an over-long body stops being read at `maxBytes`.
 *
 * @example
 * ```ts
 * Deno.serve(fetchDirectHandler(routes, app.fetch));
 * ```
 */
export function fetchDirectHandler(
  routes: DirectRoutes,
  fallback: (request: Request) => Response | Promise<Response>,
): (request: Request) => Response | Promise<Response> {
  return (request) => {
    const url = request.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const path = start < 0 ? "/" : pathOf(url.slice(start));
    const route = routes(request.method, path);
    const hostname = route ? hostnameOf(request.headers.get("host") ?? new URL(url).host) : undefined;
    if (!route || hostname === undefined) return fallback(request);
    return route({
      method: request.method,
      path,
      hostname,
      header: (name) => request.headers.get(name) ?? undefined,
      text: (maxBytes) => readRequestText(request, maxBytes),
      signal: request.signal,
    }).then((answer) => new Response(answer.body, { status: answer.status, headers: { "content-type": "application/json" } }));
  };
}

/**
 * A fetch `Request`'s body as UTF-8 text, read through its stream with a byte count; undefined as soon as it is
 * longer than `maxBytes` (or its Content-Length says so, before reading).
 *
 * @example
 * ```ts
 * const text = await readRequestText(request, 1 << 20);
 * if (text === undefined) return new Response("too large", { status: 413 });
 * ```
 */
export async function readRequestText(request: Request, maxBytes: number): Promise<string | undefined> {
  if (Number(request.headers.get("content-length")) > maxBytes) return undefined;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const decoder = new TextDecoder();
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const whole = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return decoder.decode(whole);
}
