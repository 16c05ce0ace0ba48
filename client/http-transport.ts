/**
 * The HTTP protocol of the client: one `POST /post` per request with Jina's JSON body (`execEndpoint`, `data`,
 * `parameters`, `targetExecutor`), a few at once, answers read with `dataRequestFromJSON`. The calls go over
 * `node:http` where it is there and `fetch` in browsers (`http-call.ts`).
 *
 * @module
 */
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { dataRequestFromJSON, docsOf } from "../docarray/mod.ts";
import { type DataRequestProto, type StatusProto, StatusProtoSchema } from "../proto/gen/jina_pb.ts";
import { codeOfHttpStatus, ErrorCode, JinaError } from "../proto/errors.ts";
import { abortError, networkError } from "./network-error.ts";
import type { ResolvedClientOptions } from "./options.ts";
import { describeStatus } from "./responses.ts";
import { createCallSet } from "./call-set.ts";
import { createHttpCaller, type HttpAnswer } from "./http-call.ts";
import { authorityOf, type ClientTransport } from "./transport.ts";

/**
 * The JSON body of `POST /post` for a data request, as Jina's HTTP gateway reads it.
 *
 * @example
 * ```ts
 * const body = postBodyOf(createDataRequest({ endpoint: "/index", docs }));
 * // { execEndpoint: "/index", data: [{ id: "...", text: "..." }], parameters: {} }
 * ```
 */
export function postBodyOf(request: DataRequestProto): Record<string, unknown> {
  return {
    execEndpoint: request.header?.execEndpoint ?? "/",
    data: docsOf(request).toJSON(),
    parameters: request.parameters ?? {},
    ...(request.header?.targetExecutor !== undefined ? { targetExecutor: request.header.targetExecutor } : {}),
  };
}

/**
 * Creates the HTTP transport of a client (`http://` or, with `tls`, `https://`).
 *
 * @example
 * ```ts
 * const transport = createHttpClientTransport({ host: "127.0.0.1", port: 8080, protocol: "http", tls: false });
 * const status = await transport.dryRun();
 * ```
 */
export function createHttpClientTransport(options: ResolvedClientOptions): ClientTransport {
  const address = `${options.tls ? "https" : "http"}://${authorityOf(options)}`;
  const calls = createCallSet(address);
  const http = createHttpCaller(address);

  async function send(request: DataRequestProto, signal: AbortSignal): Promise<DataRequestProto> {
    const answer = await call("POST", "/post", JSON.stringify(postBodyOf(request)), signal);
    const json = parseJson(answer, "/post");
    try {
      return dataRequestFromJSON(json);
    } catch (error) {
      throw new JinaError(
        `the gateway at ${address} answered POST /post with a body that is not a Jina response: ${(error as Error).message}`,
        ErrorCode.Internal,
        { cause: error },
      );
    }
  }

  async function call(method: "GET" | "POST", path: string, body: string | undefined, signal: AbortSignal): Promise<HttpAnswer> {
    let answer: HttpAnswer;
    try {
      answer = await http.call(method, path, body, signal);
    } catch (error) {
      if (signal.aborted) throw abortError(signal, address);
      throw networkError(error, address);
    }
    if (answer.status < 200 || answer.status > 299) throw httpError(answer, `${method} ${path}`, address);
    return answer;
  }

  function parseJson(answer: HttpAnswer, path: string): unknown {
    try {
      return JSON.parse(answer.text);
    } catch (error) {
      throw new JinaError(`the gateway at ${address} answered ${path} with a body that is not JSON: ${(error as Error).message}`, ErrorCode.Internal, {
        cause: error,
      });
    }
  }

  return {
    address,
    stream: (requests, options) => calls.unaryStream(requests, send, options),
    dryRun(signal?: AbortSignal): Promise<StatusProto> {
      return calls.tracked(signal, async (callSignal) => {
        const json = parseJson(await call("GET", "/dry_run", undefined, callSignal), "GET /dry_run");
        try {
          return fromJson(StatusProtoSchema, json as JsonValue, { ignoreUnknownFields: true });
        } catch (error) {
          throw new JinaError(`the gateway at ${address} answered GET /dry_run with a body that is not a status: ${(error as Error).message}`, ErrorCode.Internal, {
            cause: error,
          });
        }
      });
    },
    close(): void {
      calls.close();
      http.close();
    },
  };
}

/** The JinaError for an HTTP error status: the code mapped back from the status, the server's message. */
function httpError(answer: HttpAnswer, what: string, address: string): JinaError {
  const text = answer.text;
  let detail = text.trim();
  try {
    detail = messageOfBody(JSON.parse(text)) ?? detail;
  } catch {
    // not JSON: keep the text
  }
  if (detail.length > 500) detail = `${detail.slice(0, 500)}…`;
  const status = `${answer.status}${answer.statusText ? ` ${answer.statusText}` : ""}`;
  return new JinaError(
    `the gateway at ${address} answered ${what} with HTTP ${status}${detail ? `: ${detail}` : ""}`,
    codeOfHttpStatus(answer.status),
    { httpStatus: answer.status },
  );
}

/** The message in an error body: Jina's `header.status` (503 echo), FastAPI's `detail`, or `message` / `error`. */
function messageOfBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return typeof body === "string" ? body : undefined;
  const record = body as Record<string, unknown>;
  const status = (record.header as Record<string, unknown> | undefined)?.status;
  if (typeof status === "object" && status !== null) {
    try {
      return describeStatus(fromJson(StatusProtoSchema, status as JsonValue, { ignoreUnknownFields: true }));
    } catch {
      // fall through to the other shapes
    }
  }
  for (const key of ["detail", "message", "error", "description"]) {
    const value = record[key];
    if (typeof value === "string") return value;
    if (value !== undefined && value !== null) return JSON.stringify(value);
  }
  return undefined;
}
