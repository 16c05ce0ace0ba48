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
    const request = new NodeDirectRequest(incoming, outgoing, method, path, hostname);
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

/**
 * A direct request on Node: the `IncomingMessage`'s fields as they are, and no function made per request (a closure
 * per field, and the name each gets in a bundle, was a measurable part of a no-op request).
 */
class NodeDirectRequest implements DirectRequest {
  readonly #incoming: IncomingMessage;
  readonly #cancel = new LazyAbort<Error>();
  readonly onCancel: (listener: (reason: unknown) => void) => () => void;

  constructor(incoming: IncomingMessage, outgoing: ServerResponse, readonly method: string, readonly path: string, readonly hostname: string) {
    this.#incoming = incoming;
    const cancel = this.#cancel;
    (outgoing as GoneWatched)[goneOf] = cancel;
    outgoing.on("close", onOutgoingClose);
    this.onCancel = (listener) => cancel.subscribe(listener);
  }

  header(name: string): string | undefined {
    const value = this.#incoming.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  text(maxBytes: number): Promise<string | undefined> {
    return readNodeBody(this.#incoming, maxBytes);
  }

  get signal(): AbortSignal {
    return this.#cancel.signal;
  }
}

function writeNodeAnswer(incoming: IncomingMessage, outgoing: ServerResponse, answer: DirectResponse): void {
  if (outgoing.destroyed || outgoing.headersSent) return;
  // The body goes as a string: Node writes the head and it in one piece (one socket write, no Buffer made here).
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": Buffer.byteLength(answer.body) };
  // A body left unread (refused before reading it) would be parsed as the next request: close the connection.
  if (!incoming.complete) headers.connection = "close";
  outgoing.writeHead(answer.status, headers);
  outgoing.end(answer.body);
  if (!incoming.complete) incoming.resume();
}

/** A body being read on Node: its chunks, size and bound; the listeners are shared functions (`this` is the message). */
interface BodyRead {
  chunks: Buffer[];
  size: number;
  maxBytes: number;
  resolve(text: string | undefined): void;
}

const bodyOf = Symbol("jina-ts body read");
type BodyReading = IncomingMessage & { [bodyOf]: BodyRead };

function onBodyData(this: BodyReading, chunk: Buffer): void {
  const read = this[bodyOf];
  read.size += chunk.length;
  if (read.size > read.maxBytes) {
    this.off("data", onBodyData);
    this.off("end", onBodyEnd);
    read.chunks.length = 0;
    read.resolve(undefined);
    return;
  }
  read.chunks.push(chunk);
}

function onBodyEnd(this: BodyReading): void {
  const { chunks, size, resolve } = this[bodyOf];
  resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : chunks.length === 0 ? "" : Buffer.concat(chunks, size).toString("utf8"));
}

function readNodeBody(incoming: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const declared = Number(incoming.headers["content-length"]);
  if (declared > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    (incoming as BodyReading)[bodyOf] = { chunks: [], size: 0, maxBytes, resolve };
    incoming.on("data", onBodyData);
    incoming.once("end", onBodyEnd);
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
      header(name) {
        return request.headers.get(name) ?? undefined;
      },
      text(maxBytes) {
        return readRequestText(request, maxBytes);
      },
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
