/**
 * What the server fast paths (unary, `grpc-fast-unary.ts`; request/answer streams, `grpc-fast-stream.ts`) share
 * about a call's request metadata and its answer: the deadline and the compression a request asks for, the answer's
 * headers (one shared object per kind) and its trailers with the gRPC status.
 *
 * @module
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { parseTimeout } from "@connectrpc/connect/protocol-grpc";
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerStreamResponseOptions } from "node:http2";
import { encodeGrpcMessage, envelopedMessage, type FrameLease, grpcEnvelope, gunzipMessage, gzipMessage } from "./grpc-frame.ts";

/**
 * How a server fast path reads requests and answers them.
 *
 * @example
 * ```ts
 * const options: FastServeOptions = { readMaxBytes: 100 * 1024 * 1024, acceptCompression: true };
 * ```
 */
export interface FastServeOptions {
  /** Largest request message, in bytes (also after decompression). */
  readMaxBytes: number;
  /** Accept gzip requests (and so gzip answers: see `compressAnswers`). */
  acceptCompression: boolean;
  /**
   * Gzip every answer of 1 KiB or more to a client that accepts gzip (Connect's default). Off (the default), an
   * answer is gzipped only when its request came with `grpc-encoding: gzip`, as grpc-go does; Jina's Python servers
   * never compress unless configured, and a client merely accepting gzip (every gRPC C-core client says it does)
   * gets its answer uncompressed.
   */
  compressAnswers?: boolean | undefined;
  /** Looks at each request message (decompressed) before it is decoded; throws to refuse the call. */
  checkMessage?: ((path: string, message: Uint8Array) => void) | undefined;
}

/**
 * The fast route for a request's headers: a gRPC (protobuf) POST on a registered path, else undefined (the request
 * goes to Connect's handlers: gRPC-web, the Connect protocol, other methods).
 *
 * @example
 * ```ts
 * const routeOf = fastRouteFinder(routes);
 * server.on("stream", (stream, headers) => routeOf(headers) ?? compat(stream, headers));
 * ```
 */
export function fastRouteFinder<R extends { readonly path: string }>(routes: readonly R[]): (headers: IncomingHttpHeaders) => R | undefined {
  const byPath = new Map(routes.map((route) => [route.path, route]));
  return (headers) => {
    if (headers[":method"] !== "POST") return undefined;
    const route = byPath.get(headers[":path"] as string);
    if (!route) return undefined;
    const contentType = headers["content-type"];
    return contentType === "application/grpc" || contentType === "application/grpc+proto" ? route : undefined;
  };
}

/** Answer messages of at least this many bytes are compressed for clients that get gzip (Connect's default). */
const compressMinBytes = 1024;

/**
 * Whether an answer's frame (uncompressed) is large enough to gzip: 1 KiB or more, as Connect decides.
 *
 * @example
 * ```ts
 * const frame = encodeEnvelopeLeased(codec, answer);
 * const send = compressAnswer(headers, options) && worthCompressing(frame) ? await gzipFrame(frame) : frame;
 * ```
 */
export function worthCompressing(frame: FrameLease): boolean {
  return envelopedMessage(frame.bytes).byteLength >= compressMinBytes;
}

/**
 * The message of an uncompressed frame gzipped into a compressed frame of its own; the given frame is released.
 *
 * @example
 * ```ts
 * stream.write((await gzipFrame(frame)).bytes);
 * ```
 */
export async function gzipFrame(frame: FrameLease): Promise<FrameLease> {
  const zipped = grpcEnvelope(await gzipMessage(envelopedMessage(frame.bytes)), true);
  frame.release();
  return { bytes: zipped, release: noop };
}

function noop(): void {}

/**
 * Whether an answer of 1 KiB or more to a request with `headers` is gzipped: when the request came gzipped (as
 * grpc-go and Connect's handlers answer), or when the server compresses every answer (`compressAnswers`) and the
 * client lists gzip in `grpc-accept-encoding`.
 *
 * @example
 * ```ts
 * compressAnswer({ "grpc-accept-encoding": "identity,deflate,gzip" }, { readMaxBytes, acceptCompression: true }); // false
 * compressAnswer({ "grpc-encoding": "gzip" }, { readMaxBytes, acceptCompression: true }); // true
 * ```
 */
export function compressAnswer(headers: IncomingHttpHeaders, options: FastServeOptions): boolean {
  if (!options.acceptCompression) return false;
  if (headers["grpc-encoding"] === "gzip") return true;
  const accepted = headers["grpc-accept-encoding"];
  return !!options.compressAnswers && accepted !== undefined && /\bgzip\b/.test(String(accepted));
}

/**
 * Whether the request's messages may come gzipped (`grpc-encoding: gzip` on a server that accepts it); throws
 * UNIMPLEMENTED for an encoding the server does not take.
 *
 * @example
 * ```ts
 * const gzip = requestGzip(headers, options);
 * if (compressed && !gzip) throw new ConnectError("received compressed envelope, but do not know how to decompress", Code.InvalidArgument);
 * ```
 */
export function requestGzip(headers: IncomingHttpHeaders, options: FastServeOptions): boolean {
  const encoding = headers["grpc-encoding"];
  const gzip = encoding === "gzip" && options.acceptCompression;
  if (encoding !== undefined && encoding !== "identity" && !gzip) {
    throw new ConnectError(`unknown compression "${encoding}": supported encodings are ${options.acceptCompression ? "gzip" : "identity"}`, Code.Unimplemented);
  }
  return gzip;
}

/**
 * One request message ready to decode: decompressed when it came compressed (a promise then; INVALID_ARGUMENT when
 * the call did not say gzip or the bytes are not gzip, RESOURCE_EXHAUSTED beyond `readMaxBytes`), then looked at by
 * `checkMessage`, which may throw.
 *
 * @example
 * ```ts
 * const message = requestMessage("/jina.JinaRPC/Call", bytes, compressed, requestGzip(headers, options), options);
 * ```
 */
export function requestMessage(path: string, bytes: Uint8Array, compressed: boolean, gzip: boolean, options: FastServeOptions): Uint8Array | Promise<Uint8Array> {
  if (!compressed) return checked(path, bytes, options);
  if (!gzip) throw new ConnectError("protocol error: received compressed envelope, but do not know how to decompress", Code.InvalidArgument);
  return gunzipMessage(bytes, options.readMaxBytes).then((message) => checked(path, message, options));
}

function checked(path: string, message: Uint8Array, options: FastServeOptions): Uint8Array {
  options.checkMessage?.(path, message);
  return message;
}

/**
 * The request's `grpc-timeout`: its milliseconds (undefined without one), or the INVALID_ARGUMENT error of a
 * malformed value.
 *
 * @example
 * ```ts
 * const { timeoutMs, error } = requestDeadline({ "grpc-timeout": "100m" }); // timeoutMs 100
 * ```
 */
export function requestDeadline(headers: IncomingHttpHeaders): { timeoutMs?: number | undefined; error?: ConnectError | undefined } {
  const deadline = headers["grpc-timeout"] as string | undefined;
  return deadline === undefined ? {} : parseTimeout(deadline, 2 ** 31 - 1);
}

/** The error a call answers when its deadline passes. */
export function deadlineError(): ConnectError {
  return new ConnectError("the operation timed out", Code.DeadlineExceeded);
}

/**
 * The answer's `respond` options on a raw stream: trailers follow the messages; no `date` header (gRPC peers do not
 * read it, and Node formats and encodes one per answer otherwise).
 */
export const respondOptions = { waitForTrailers: true, sendDate: false } as ServerStreamResponseOptions;

/** The answer's headers, one object per kind (the transports copy them): by content type, then by kind. */
const heads = new Map<string, OutgoingHttpHeaders[]>();

/**
 * The headers of an answer: its content type (the request's), the encodings the server accepts, `grpc-encoding:
 * gzip` when messages may come compressed, and `:status` on a raw stream. One shared object per kind: do not change it.
 *
 * @example
 * ```ts
 * stream.respond(answerHead("application/grpc", true, false, true), respondOptions);
 * ```
 */
export function answerHead(contentType: string, acceptCompression: boolean, compressed: boolean, status: boolean): OutgoingHttpHeaders {
  let kinds = heads.get(contentType);
  if (!kinds) heads.set(contentType, (kinds = []));
  const kind = (acceptCompression ? 4 : 0) | (compressed ? 2 : 0) | (status ? 1 : 0);
  let head = kinds[kind];
  if (!head) {
    head = { "content-type": contentType, "grpc-accept-encoding": acceptCompression ? "gzip" : "identity" };
    if (status) head[":status"] = 200;
    if (compressed) head["grpc-encoding"] = "gzip";
    kinds[kind] = head;
  }
  return head;
}

const okTrailers: OutgoingHttpHeaders = { "grpc-status": "0" };

/**
 * The trailers of an answer: the handler's own (`own`, e.g. Jina's `is-error`) with the status of `error` (OK
 * without one; a shared object when there is nothing else to say).
 *
 * @example
 * ```ts
 * answerTrailers({ "is-error": "true" }, undefined); // { "is-error": "true", "grpc-status": "0" }
 * ```
 */
export function answerTrailers(own: Record<string, string>, error: ConnectError | undefined): OutgoingHttpHeaders {
  if (error) return { ...own, "grpc-status": String(error.code), "grpc-message": encodeGrpcMessage(error.rawMessage.trim() || Code[error.code]!) };
  return isEmpty(own) ? okTrailers : { ...own, "grpc-status": "0" };
}

function isEmpty(record: Record<string, string>): boolean {
  for (const _ in record) return false;
  return true;
}
