/**
 * The data routes of the HTTP gateway (`POST /post`, the CRUD routes, exposed endpoints) as one function of the
 * request's method, host, headers and body text: checked in Jina's order (host 421, in-flight 429, body size 413,
 * media type 415, JSON 400, document count 413, body fields 400), run through the flow, answered with the
 * response's JSON or Jina's error shape. The Hono app calls it for `app.request()` and Deno/Bun; on every runtime the
 * HTTP server calls it directly (`serveHttp`'s `directRoutes`), without a fetch `Request` or the router.
 *
 * @module
 */
import { dataRequestToJSON } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { markOwned } from "../proto/ownership.ts";
import type { CancelSource } from "../proto/server/mod.ts";
import type { DirectRequest, DirectResponse } from "../runtime/mod.ts";
import { parseJsonText, parseRequestBody } from "./http-body.ts";
import { errorAnswer } from "./http-errors.ts";
import type { InFlightLimit } from "./in-flight-limit.ts";

/**
 * Options of {@link createDataRoute}.
 *
 * @example
 * ```ts
 * const options: DataRouteHandlerOptions = { handle, maxRequestBytes: 1 << 20 };
 * ```
 */
export interface DataRouteHandlerOptions {
  /** Runs one request through the flow (it may change the request it is given: nobody else holds it). */
  handle(request: DataRequestProto, signal?: AbortSignal): Promise<DataRequestProto>;
  /** As `handle`, taking a {@link CancelSource} too (used, when given, with servers that offer one). */
  handleCancelable?(request: DataRequestProto, cancel?: AbortSignal | CancelSource): Promise<DataRequestProto>;
  /** Largest body accepted, in bytes; larger ones answer 413. */
  maxRequestBytes: number;
  /** Bounds the requests in flight: beyond it they answer 429 before the body is read. */
  inFlight?: InFlightLimit | undefined;
  /** Largest number of documents in one request, checked on the parsed JSON before any conversion (413). */
  maxDocs?: number | undefined;
  /** Put stacks in the gateway's own error answers. */
  debug?: boolean | undefined;
  /** Whether a request's host name may be served; others answer 421. */
  allowHost?: ((hostname: string) => boolean) | undefined;
}

/**
 * Builds the data route handler of an endpoint (`undefined`: `/post`, where the body names the endpoint).
 *
 * @example
 * ```ts
 * const post = createDataRoute({ handle: (request) => gateway.handle(request), maxRequestBytes: 1 << 20 });
 * const answer = await post()(directRequest); // { status: 200, body: '{"header":…}' }
 * ```
 */
export function createDataRoute(options: DataRouteHandlerOptions): (endpoint?: string) => (request: DirectRequest) => Promise<DirectResponse> {
  const echo = { debug: options.debug };
  const tooLarge = new JinaError(
    `The request body is larger than maxRequestBytes (${options.maxRequestBytes} bytes): send fewer documents per request or raise maxRequestBytes`,
    ErrorCode.ResourceExhausted,
    { httpStatus: 413 },
  );
  return (endpoint) => async (http) => {
    let release: (() => void) | undefined;
    let text: string | undefined;
    let request: DataRequestProto | undefined;
    try {
      if (options.allowHost) checkHost(options.allowHost, http.hostname);
      release = options.inFlight?.acquire();
      text = await http.text(options.maxRequestBytes);
      if (text === undefined) throw tooLarge;
      if (text !== "") checkJsonContentType(http.header("content-type"));
      const body = parseJsonText(text);
      checkDocCount(body, options.maxDocs);
      request = parseRequestBody(body, endpoint ? { endpoint } : {});
      // The request was made here and nobody else holds it: the flow may work on it in place (no first copy).
      // The client's going away as a subscription where the server offers one (no AbortSignal made for it).
      const response = options.handleCancelable && http.onCancel
        ? await options.handleCancelable(markOwned(request), http.onCancel)
        : await options.handle(markOwned(request), http.signal);
      return { status: 200, body: JSON.stringify(dataRequestToJSON(response)) };
    } catch (error) {
      return errorAnswer(error, request && text !== undefined ? asItCame(request, text, endpoint) : undefined, echo);
    } finally {
      release?.();
    }
  };
}

/** The echo of a failed request is the request as it came (the flow may have changed the one it was given in place). */
function asItCame(request: DataRequestProto, text: string, endpoint: string | undefined): DataRequestProto {
  const again = parseRequestBody(parseJsonText(text), endpoint ? { endpoint } : {});
  if (again.header && request.header) again.header.requestId = request.header.requestId;
  return again;
}

/**
 * Data routes take JSON: a body with another media type (`text/plain`, a form: what a cross-site page can send
 * without a CORS preflight) is refused with 415 before the flow runs. So is a body with no content type: a cross-site
 * `fetch(url, { mode: "no-cors", body: new Blob([json]) })` sends none, and needs no preflight either. An empty body
 * (a GET on an exposed endpoint) carries no documents and needs no type.
 */
function checkJsonContentType(contentType: string | undefined): void {
  if (contentType === "application/json") return;
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type)) return;
  throw new JinaError(
    `Data routes take JSON: send the body with content-type application/json (got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : "none"})`,
    ErrorCode.InvalidArgument,
    { httpStatus: 415 },
  );
}

/** Refuses a JSON body whose `data` list is longer than `maxDocs` before its documents are converted (413). */
function checkDocCount(body: unknown, maxDocs: number | undefined): void {
  const data = (body as { data?: unknown } | null)?.data;
  if (maxDocs === undefined || maxDocs <= 0 || !Array.isArray(data) || data.length <= maxDocs) return;
  throw new JinaError(
    `The request has ${data.length} documents, more than maxDocs=${maxDocs}: send them in batches (the client's requestSize) or raise maxDocs`,
    ErrorCode.ResourceExhausted,
    { httpStatus: 413 },
  );
}

/**
 * Answers 421 when the request's host name is not allowed (DNS rebinding: a foreign name pointing at us).
 *
 * @example
 * ```ts
 * checkHost((hostname) => hostname === "localhost", "evil.example"); // throws (421)
 * ```
 */
export function checkHost(allowHost: (hostname: string) => boolean, hostname: string): void {
  if (allowHost(hostname)) return;
  throw new JinaError(
    `Host ${JSON.stringify(hostname.slice(0, 100))} is not served here: add it to the gateway's allowedHosts`,
    ErrorCode.PermissionDenied,
    { httpStatus: 421 },
  );
}
