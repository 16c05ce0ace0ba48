/**
 * Error responses of the HTTP gateway, in Jina's shape: the request (when there is one) with
 * `header.status = { code: 1, description, exception }`, and the HTTP status from `httpStatusOf`
 * (400 bad input, 413 too large, 429 overloaded, 503 unavailable, 504 timeout, 500 otherwise).
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { dataRequestToJSON } from "../docarray/mod.ts";
import { httpStatusOf, JinaError, toStatusProto } from "../proto/errors.ts";
import { type DataRequestProto, DataRequestProtoSchema } from "../proto/gen/jina_pb.ts";
import { headerWith, requestWith } from "../proto/request-copy.ts";

/**
 * The JSON response for an error, echoing `request` when given (as Jina answers network failures).
 *
 * @example
 * ```ts
 * app.onError((error) => errorResponse(error));
 * errorResponse(new JinaError("bad", ErrorCode.InvalidArgument)).status; // 400
 * ```
 */
export function errorResponse(error: unknown, request?: DataRequestProto, options: ErrorEchoOptions = {}): Response {
  const { status, body } = errorAnswer(error, request, options);
  return new Response(body, { status, headers: { "content-type": "application/json" } });
}

/**
 * What {@link errorResponse} answers, as the HTTP status and the JSON text (for routes that write it themselves).
 *
 * @example
 * ```ts
 * errorAnswer(new JinaError("bad", ErrorCode.InvalidArgument)).status; // 400
 * ```
 */
export function errorAnswer(error: unknown, request?: DataRequestProto, options: ErrorEchoOptions = {}): { status: number; body: string } {
  const jinaError = JinaError.from(error);
  const echo = errorEcho(jinaError, request, options);
  let body: unknown;
  try {
    body = dataRequestToJSON(echo);
  } catch {
    body = dataRequestToJSON(create(DataRequestProtoSchema, { header: { requestId: echo.header?.requestId ?? "", status: echo.header?.status } }));
  }
  return { status: httpStatusOf(jinaError), body: JSON.stringify(body) };
}

/**
 * The answer to a request that failed: the request echoed (or an empty one) with `header.status` set from the
 * error by `toStatusProto`, the body of every error answer (HTTP, WebSocket).
 *
 * @example
 * ```ts
 * const echo = errorEcho(new JinaError("bad", ErrorCode.InvalidArgument), request);
 * echo.header?.status?.code; // 1 (ERROR)
 * ```
 */
export function errorEcho(error: unknown, request?: DataRequestProto, options: ErrorEchoOptions = {}): DataRequestProto {
  const jinaError = JinaError.from(error);
  const status = toStatusProto(jinaError, jinaError.executor ?? "gateway", { stack: options.debug === true });
  if (!request) return create(DataRequestProtoSchema, { header: { status } });
  const header = headerWith(request.header, request.header?.requestId ?? "");
  header.status = status;
  return requestWith(request, header, request.parameters, request.routes);
}

/**
 * How the gateway words its own errors: without `debug` (the default) the status carries no stack (no server
 * paths), only `Name: message`; executors' in-band errors are passed on as they came, stacks included (Jina's
 * protocol).
 *
 * @example
 * ```ts
 * errorResponse(error, request, { debug: true } satisfies ErrorEchoOptions);
 * ```
 */
export interface ErrorEchoOptions {
  debug?: boolean | undefined;
}
