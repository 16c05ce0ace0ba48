/**
 * The one error type of jina-ts, its code enum (the gRPC codes) and the single place that maps an error to an
 * HTTP status, a gRPC status and Jina's in-band `StatusProto`.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type StatusProto, StatusProto_StatusCode, StatusProto_ExceptionProtoSchema, StatusProtoSchema } from "./gen/jina_pb.ts";

/**
 * The error codes of jina-ts: the gRPC status codes, as Connect names them.
 *
 * - `InvalidArgument` (3): bad input: which field, what was wrong. HTTP 400.
 * - `DeadlineExceeded` (4): a `timeoutSend` or client deadline passed. HTTP 504.
 * - `NotFound` (5): no such endpoint, executor or file. HTTP 404.
 * - `ResourceExhausted` (8): over `prefetch` or a size limit. HTTP 429 (413 for size, see {@link httpStatusOf}).
 * - `FailedPrecondition` (9): a flow not started, a port in use. HTTP 400.
 * - `Internal` (13): a bug or an executor that crashed. HTTP 500.
 * - `Unavailable` (14): an executor or gateway cannot be reached. HTTP 503.
 *
 * @example
 * ```ts
 * import { ErrorCode, JinaError } from "jina-ts";
 * throw new JinaError("field \"data\" must be a list of documents", ErrorCode.InvalidArgument);
 * ```
 */
export { Code as ErrorCode } from "@connectrpc/connect";

const jinaErrorBrand = Symbol.for("jina-ts.JinaError");

/** Details that an error may carry beside its code and message. */
export interface JinaErrorOptions {
  /** The executor or deployment the error came from. */
  executor?: string;
  /** The HTTP status to answer with, when the code alone does not decide it (413 for too large). */
  httpStatus?: number;
  /** The underlying cause. */
  cause?: unknown;
  /** Metadata (gRPC trailers, HTTP headers) to send with the error. */
  metadata?: HeadersInit;
}

/**
 * The error class of jina-ts. It is a Connect error, so a handler that throws it answers with its gRPC status on
 * every protocol; {@link httpStatusOf} and {@link toStatusProto} map it for HTTP and for Jina's in-band status.
 *
 * @example
 * ```ts
 * import { ErrorCode, JinaError } from "jina-ts";
 * try {
 *   await flow.post("/search", docs);
 * } catch (err) {
 *   const error = JinaError.from(err);
 *   if (error.code === ErrorCode.DeadlineExceeded) console.log("raise timeoutSend:", error.rawMessage);
 * }
 * ```
 */
export class JinaError extends ConnectError {
  /** The executor or deployment the error came from, if known. */
  readonly executor: string | undefined;
  /** An HTTP status that overrides the one derived from the code. */
  readonly httpStatus: number | undefined;

  constructor(message: string, code: Code = Code.Unknown, options: JinaErrorOptions = {}) {
    super(message, code, options.metadata, undefined, options.cause);
    // Connect recognises its errors by name (ConnectError[Symbol.hasInstance]); keeping the name lets a thrown
    // JinaError keep its code through every Connect handler. JinaError itself is told apart by a brand.
    this.name = "ConnectError";
    (this as Record<symbol, unknown>)[jinaErrorBrand] = true;
    this.executor = options.executor;
    this.httpStatus = options.httpStatus;
  }

  /** True for JinaErrors, also across two loaded copies of jina-ts. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[jinaErrorBrand] === true;
  }

  /**
   * Converts any thrown value into a JinaError, keeping the code of a Connect error and turning an `AbortError`
   * into `Canceled` and a `TimeoutError` into `DeadlineExceeded`.
   *
   * @example
   * ```ts
   * const error = JinaError.from(new Error("boom")); // code Unknown, message "boom"
   * ```
   */
  static override from(reason: unknown, code: Code = Code.Unknown): JinaError {
    if (reason instanceof JinaError) return reason;
    if (reason instanceof Error && reason.name === "TimeoutError") {
      return new JinaError(reason.message, Code.DeadlineExceeded, { cause: reason });
    }
    if (reason instanceof ConnectError) {
      return new JinaError(reason.rawMessage, reason.code, { cause: reason, metadata: reason.metadata });
    }
    const connect = ConnectError.from(reason, code);
    return new JinaError(connect.rawMessage, connect.code, { cause: reason });
  }
}

const httpStatusByCode: Partial<Record<Code, number>> = {
  [Code.Canceled]: 499,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Unavailable]: 503,
  [Code.Unauthenticated]: 401,
};

/**
 * The HTTP status for an error, as Jina's HTTP gateway answers: 400 bad input, 413 too large, 429 overloaded,
 * 503 unavailable, 504 timeout, 500 anything else.
 *
 * @example
 * ```ts
 * httpStatusOf(new JinaError("slow", ErrorCode.DeadlineExceeded)); // 504
 * ```
 */
export function httpStatusOf(error: unknown): number {
  const jinaError = JinaError.from(error);
  return jinaError.httpStatus ?? httpStatusByCode[jinaError.code] ?? 500;
}

/** The name an error is reported under: a JinaError by its class, not by the "ConnectError" name Connect needs. */
function errorName(error: unknown): string {
  if (error instanceof JinaError) return "JinaError";
  return error instanceof Error ? error.name : typeof error;
}

// The way back, for clients reading an HTTP answer: the first code of each status above, then the statuses that
// other servers (and proxies) use for the same conditions, and 409 read as ABORTED.
const codeByHttpStatus = new Map<number, Code>();
for (const [code, status] of Object.entries(httpStatusByCode)) {
  if (!codeByHttpStatus.has(status)) codeByHttpStatus.set(status, Number(code) as Code);
}
for (const [status, code] of [[408, Code.DeadlineExceeded], [409, Code.Aborted], [413, Code.ResourceExhausted], [422, Code.InvalidArgument], [500, Code.Internal], [502, Code.Unavailable]] as const) {
  codeByHttpStatus.set(status, code);
}

/**
 * The error code an HTTP status stands for: the inverse of {@link httpStatusOf} (400 InvalidArgument, 413 and 429
 * ResourceExhausted, 503 Unavailable, 504 DeadlineExceeded, …); Unknown for a status with no meaning here.
 *
 * @example
 * ```ts
 * codeOfHttpStatus(503); // ErrorCode.Unavailable
 * ```
 */
export function codeOfHttpStatus(status: number): Code {
  return codeByHttpStatus.get(status) ?? Code.Unknown;
}

/**
 * Jina's in-band status for an error: `code = ERROR`, the exception's name, args, stack and executor. A JinaError
 * is reported as "JinaError" (its `name` stays "ConnectError" only so that Connect recognises it).
 *
 * @example
 * ```ts
 * const status = toStatusProto(new TypeError("bad doc"), "Encoder");
 * status.exception?.name; // "TypeError"
 * toStatusProto(new JinaError("bad field", ErrorCode.InvalidArgument)).description; // 'JinaError("bad field")'
 * toStatusProto(error, "gateway", { stack: false }); // stacks: ["TypeError: bad doc\n"], no file paths
 * ```
 */
export function toStatusProto(error: unknown, executor = "", options: { stack?: boolean } = {}): StatusProto {
  const name = errorName(error);
  const message = error instanceof ConnectError ? error.rawMessage : error instanceof Error ? error.message : String(error);
  const stack = options.stack !== false && error instanceof Error && error.stack
    ? error instanceof JinaError ? error.stack.replace(/^ConnectError\b/, name) : error.stack
    : `${name}: ${message}`;
  return create(StatusProtoSchema, {
    code: StatusProto_StatusCode.ERROR,
    description: `${name}(${JSON.stringify(message)})`,
    exception: create(StatusProto_ExceptionProtoSchema, {
      name,
      args: [message],
      stacks: stack.split("\n").map((line) => `${line}\n`),
      executor: error instanceof JinaError && error.executor ? error.executor : executor,
    }),
  });
}
