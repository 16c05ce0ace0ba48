/**
 * What the client does with each response of a post(): Jina's callbacks (`onDone`, `onError`, `onAlways`), turning
 * an in-band ERROR into a JinaError, and joining the documents of all responses.
 *
 * @module
 */
import { DocumentArray, docsOf } from "../docarray/mod.ts";
import { type DataRequestProto, StatusProto_StatusCode, type StatusProto } from "../proto/gen/jina_pb.ts";
import type { DocumentProto } from "../proto/gen/docarray_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { PostOptions } from "./options.ts";

/**
 * Whether a response carries Jina's in-band error status (`header.status.code >= ERROR`).
 *
 * @example
 * ```ts
 * const responses = await client.post("/index", docs, { returnResponses: true, continueOnError: true });
 * const failed = responses.filter(isErrorResponse);
 * ```
 */
export function isErrorResponse(response: DataRequestProto): boolean {
  return (response.header?.status?.code ?? StatusProto_StatusCode.SUCCESS) >= StatusProto_StatusCode.ERROR;
}

/**
 * Describes an in-band error status as Jina's exception: `Name("arg") in executor "name"`, or its description.
 *
 * @example
 * ```ts
 * describeStatus(response.header!.status!); // 'RangeError("cannot handle 2 docs") in executor "thrower"'
 * ```
 */
export function describeStatus(status: StatusProto | undefined): string {
  const exception = status?.exception;
  const what = exception?.name
    ? `${exception.name}(${exception.args.map((arg) => JSON.stringify(arg)).join(", ")})`
    : status?.description || "an unknown error";
  return exception?.executor ? `${what} in executor "${exception.executor}"` : what;
}

/**
 * The JinaError for a response with an in-band error: the message names the exception, its message and the
 * executor; `.executor` carries the executor's name. Code `Internal` (an executor failed).
 *
 * @example
 * ```ts
 * if (isErrorResponse(response)) throw errorOfResponse(response);
 * ```
 */
export function errorOfResponse(response: DataRequestProto): JinaError {
  const status = response.header?.status;
  const executor = status?.exception?.executor;
  const endpoint = response.header?.execEndpoint;
  return new JinaError(
    `${describeStatus(status)}${endpoint ? ` (endpoint "${endpoint}")` : ""}`,
    ErrorCode.Internal,
    executor ? { executor } : {},
  );
}

/**
 * Runs Jina's client callbacks for one response (as `callback_exec` in Jina): an error goes to `onError` if given,
 * else is thrown as a JinaError unless `continueOnError`; a success goes to `onDone`; then `onAlways`.
 *
 * @example
 * ```ts
 * for await (const response of responses) handleResponse(response, { onDone: (r) => console.log(r.header?.requestId) });
 * ```
 */
export function handleResponse(response: DataRequestProto, options: PostOptions): void {
  if (isErrorResponse(response)) {
    if (options.onError) options.onError(response);
    else if (!options.continueOnError) throw errorOfResponse(response);
  } else {
    options.onDone?.(response);
  }
  options.onAlways?.(response);
}

/**
 * All documents of some responses, in order, as one DocumentArray (a view: no copy).
 *
 * @example
 * ```ts
 * const docs = joinDocs(responses);
 * ```
 */
export function joinDocs(responses: readonly DataRequestProto[]): DocumentArray {
  const protos: DocumentProto[] = [];
  for (const response of responses) {
    for (const proto of docsOf(response).protos) protos.push(proto);
  }
  return DocumentArray.fromProto(protos);
}
