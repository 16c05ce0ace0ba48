/**
 * The server side of the lean hop: unary gRPC methods answered straight from the node:http2 request, without
 * Connect's handler pipeline (async iterables, a fetch `Headers` per call, a linked AbortController per call).
 * Only `POST` with content type `application/grpc` or `application/grpc+proto` on a registered path takes this
 * way; gRPC-web, the Connect protocol and every other method stay with Connect's stock handlers.
 *
 * Kept gRPC behaviour: `grpc-timeout` (the signal aborts and the call answers DEADLINE_EXCEEDED when it passes;
 * a malformed value is INVALID_ARGUMENT), cancellation (the client resetting the stream aborts the signal), gzip
 * requests and answers (an unknown `grpc-encoding` is UNIMPLEMENTED; a payload that is not gzip INVALID_ARGUMENT),
 * `readMaxBytes` (RESOURCE_EXHAUSTED, checked on the declared length before buffering), undecodable messages
 * INVALID_ARGUMENT, the status in the trailers with the handler's own trailers (Jina's `is-error`).
 *
 * @module
 */
import { methodPath } from "./method-path.ts";
import { create, type DescMessage, type DescMethodUnary, isMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { parseTimeout } from "@connectrpc/connect/protocol-grpc";
import { constants, type Http2ServerRequest, type Http2ServerResponse, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { type BinaryCodec, codecFor, encodeEnvelope, encodeGrpcMessage, envelopedMessage, grpcEnvelope, gunzipMessage, gzipMessage, UnaryBody } from "./grpc-frame.ts";
import { HeaderView } from "./header-view.ts";
import type { MessageCheck } from "./grpc-message-check.ts";

/**
 * What a fast unary handler gets besides the request message.
 *
 * @example
 * ```ts
 * const handle = (request: DataRequestProto, call: FastUnaryCall) => {
 *   call.responseTrailer.set("is-error", "true");
 *   return work(request, call.signal);
 * };
 * ```
 */
export interface FastUnaryCall {
  /** Aborts when the client cancels or the deadline passes (made on first use). */
  readonly signal: AbortSignal;
  /**
   * Calls `listener` once with the reason when the client cancels or the deadline passes (at once when that already
   * happened), without making `signal`; returns a function that unsubscribes.
   */
  onCancel(listener: (reason: Error) => void): () => void;
  /** The request metadata. */
  readonly requestHeader: Headers;
  /** Trailers sent after the message, beside `grpc-status`. */
  readonly responseTrailer: Headers;
}

/**
 * One unary method served on the fast path.
 *
 * @example
 * ```ts
 * const route = fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, (request, call) => handle(request, call));
 * ```
 */
export interface FastUnaryRoute {
  /** `/package.Service/Method`. */
  readonly path: string;
  /** Decodes, handles and encodes one call into its gRPC frame (`encodeEnvelope`); rejects with the call's error. */
  run(bytes: Uint8Array, call: FastUnaryCall): Promise<Uint8Array>;
}

/**
 * Binds a handler to a unary method, with faster codecs for some message types (protobuf-es for the others).
 * Bytes that do not decode as its input are INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * await serveGrpc({ routes, fastUnary: [fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, handle)] });
 * ```
 */
export function fastUnaryRoute<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O>,
  handle: (request: MessageShape<I>, call: FastUnaryCall) => Promise<MessageInitShape<O>> | MessageInitShape<O>,
  codecs?: readonly BinaryCodec[],
): FastUnaryRoute {
  const input = codecFor(method.input, codecs);
  const output = codecFor(method.output, codecs);
  return {
    path: methodPath(method),
    async run(bytes, call) {
      let request: MessageShape<I>;
      try {
        request = input.decode(bytes);
      } catch (error) {
        throw new ConnectError(`parse binary: ${error instanceof Error ? error.message : String(error)}`, Code.InvalidArgument);
      }
      const answer = await handle(request, call);
      return encodeEnvelope(output, isMessage(answer, method.output) ? answer : create(method.output, answer));
    },
  };
}

/**
 * Options of {@link createFastUnaryHandler}.
 *
 * @example
 * ```ts
 * const options: FastUnaryOptions = { readMaxBytes: 100 * 1024 * 1024, acceptCompression: true };
 * ```
 */
export interface FastUnaryOptions {
  /** Largest request message, in bytes (also after decompression). */
  readMaxBytes: number;
  /** Accept gzip requests and gzip answers of 1 KiB or more to clients that accept it. */
  acceptCompression: boolean;
  /** Looks at each request message (decompressed) before it is decoded; throws to refuse the call. */
  checkMessage?: MessageCheck | undefined;
}

const NGHTTP2_NO_ERROR = constants.NGHTTP2_NO_ERROR;

/** Answers of at least this many bytes are compressed for clients that accept gzip (Connect's default). */
const compressMinBytes = 1024;

/**
 * A node:http2 request listener for `routes` that returns false (touching nothing) for any request it does not
 * serve, so that the caller hands it to Connect's adapter.
 *
 * @example
 * ```ts
 * const fast = createFastUnaryHandler(routes, { readMaxBytes, acceptCompression: true });
 * http2.createServer((req, res) => fast(req, res) || connectHandler(req, res));
 * ```
 */
export function createFastUnaryHandler(routes: readonly FastUnaryRoute[], options: FastUnaryOptions): (req: Http2ServerRequest, res: Http2ServerResponse) => boolean {
  const routeOf = routeFinder(routes);
  return (req, res) => {
    const route = routeOf(req.headers);
    if (!route) return false;
    serve(route, compatIO(req, res), options);
    return true;
  };
}

/**
 * A node:http2 `stream` listener for `routes` (Node's core API: no `Http2ServerRequest`/`Http2ServerResponse`
 * pair, no compat stream objects per call) that returns false, touching nothing, for any stream it does not serve.
 * The answer goes out as one `respond`, one `end` with the framed message, and the trailers. Once the answer is
 * complete, a request still being sent (a timeout, a body over the size limit) is closed, as the compat path does.
 *
 * @example
 * ```ts
 * const fast = createFastUnaryStreamHandler(routes, { readMaxBytes, acceptCompression: true });
 * server.on("stream", (stream, headers) => fast(stream, headers) || compat(stream, headers));
 * ```
 */
export function createFastUnaryStreamHandler(
  routes: readonly FastUnaryRoute[],
  options: FastUnaryOptions,
): (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => boolean {
  const routeOf = routeFinder(routes);
  return (stream, headers) => {
    const route = routeOf(headers);
    if (!route) return false;
    serve(route, streamIO(stream, headers), options);
    return true;
  };
}

/** The route of a gRPC (protobuf) POST on a registered path, or undefined. */
function routeFinder(routes: readonly FastUnaryRoute[]): (headers: IncomingHttpHeaders) => FastUnaryRoute | undefined {
  const byPath = new Map(routes.map((route) => [route.path, route]));
  return (headers) => {
    if (headers[":method"] !== "POST") return undefined;
    const route = byPath.get(headers[":path"] as string);
    if (!route) return undefined;
    const contentType = headers["content-type"];
    return contentType === "application/grpc" || contentType === "application/grpc+proto" ? route : undefined;
  };
}

/** What serving one call needs of the request and its answer, on the compat API or on a raw stream. */
interface CallIO {
  readonly headers: IncomingHttpHeaders;
  /** Whether the answer can no longer be written (the stream closed). */
  gone(): boolean;
  onData(listener: (chunk: Buffer) => void): void;
  onEnd(listener: () => void): void;
  onClose(listener: () => void): void;
  /** Writes the headers, the framed message (if any) and the trailers, and ends the answer. */
  answer(head: OutgoingHttpHeaders, frame: Uint8Array | undefined, trailers: OutgoingHttpHeaders): void;
}

function compatIO(req: Http2ServerRequest, res: Http2ServerResponse): CallIO {
  return {
    headers: req.headers,
    gone: () => res.closed || res.destroyed,
    onData: (listener) => void req.on("data", listener),
    onEnd: (listener) => void req.once("end", listener),
    onClose: (listener) => void res.once("close", listener),
    answer(head, frame, trailers) {
      res.writeHead(200, head);
      if (frame) res.write(frame);
      res.addTrailers(trailers);
      res.end();
    },
  };
}

function streamIO(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): CallIO {
  return {
    headers,
    gone: () => stream.closed || stream.destroyed,
    onData: (listener) => void stream.on("data", listener),
    onEnd: (listener) => void stream.once("end", listener),
    onClose: (listener) => void stream.once("close", listener),
    answer(head, frame, trailers) {
      head[":status"] = 200;
      stream.respond(head, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers(trailers));
      if (!stream.readableEnded) stream.once("finish", () => stream.readableEnded || stream.destroyed || stream.close(NGHTTP2_NO_ERROR));
      stream.end(frame);
    },
  };
}

function serve(route: FastUnaryRoute, io: CallIO, options: FastUnaryOptions): void {
  const headers = io.headers;
  const contentType = headers["content-type"] as string;
  const trailer: Record<string, string> = {};
  let answered = false;
  let controller: AbortController | undefined;
  let abortedWith: ConnectError | undefined;
  let cancelListeners: ((reason: Error) => void)[] | undefined;
  const abort = (reason: ConnectError) => {
    if (abortedWith) return;
    abortedWith = reason;
    controller?.abort(reason);
    if (cancelListeners) for (const listener of cancelListeners.splice(0)) listener(reason);
  };
  const acceptsGzip = options.acceptCompression && /\bgzip\b/.test(String(headers["grpc-accept-encoding"] ?? ""));
  const respond = (error: ConnectError | undefined, frame?: Uint8Array, compressed = false) => {
    if (answered) return;
    answered = true;
    if (timer !== undefined) clearTimeout(timer);
    if (io.gone()) return;
    const head: OutgoingHttpHeaders = { "content-type": contentType, "grpc-accept-encoding": options.acceptCompression ? "gzip" : "identity" };
    if (compressed) head["grpc-encoding"] = "gzip";
    const trailers = error
      ? { ...trailer, "grpc-status": String(error.code), "grpc-message": encodeGrpcMessage(error.rawMessage.trim() || Code[error.code]!) }
      : { ...trailer, "grpc-status": "0" };
    io.answer(head, frame, trailers);
  };
  const timeout = parseTimeout((headers["grpc-timeout"] as string | undefined) ?? null, 2 ** 31 - 1);
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (timeout.timeoutMs !== undefined && !timeout.error) {
    timer = setTimeout(() => {
      const error = new ConnectError("the operation timed out", Code.DeadlineExceeded);
      abort(error);
      respond(error);
    }, timeout.timeoutMs);
  }
  io.onClose(() => {
    if (timer !== undefined) clearTimeout(timer);
    if (!answered) abort(new ConnectError("the client cancelled the call", Code.Canceled));
  });
  const body = new UnaryBody(options.readMaxBytes);
  io.onData((chunk) => void body.push(chunk));
  io.onEnd(() => {
    if (timeout.error) return respond(timeout.error);
    const call: FastUnaryCall = {
      get signal() {
        if (!controller) {
          controller = new AbortController();
          if (abortedWith) controller.abort(abortedWith);
        }
        return controller.signal;
      },
      onCancel(listener) {
        if (abortedWith) {
          listener(abortedWith);
          return () => {};
        }
        (cancelListeners ??= []).push(listener);
        return () => {
          const at = cancelListeners!.indexOf(listener);
          if (at >= 0) cancelListeners!.splice(at, 1);
        };
      },
      requestHeader: new HeaderView(headers),
      responseTrailer: new HeaderView(trailer),
    };
    run(route, headers, body, call, options)
      .then(async (frame) => {
        const compressed = acceptsGzip && envelopedMessage(frame).byteLength >= compressMinBytes;
        respond(undefined, compressed ? grpcEnvelope(await gzipMessage(envelopedMessage(frame)), true) : frame, compressed);
      })
      .catch((error: unknown) => respond(ConnectError.from(error)));
  });
}

async function run(route: FastUnaryRoute, headers: IncomingHttpHeaders, body: UnaryBody, call: FastUnaryCall, options: FastUnaryOptions): Promise<Uint8Array> {
  const encoding = headers["grpc-encoding"];
  const gzip = encoding === "gzip" && options.acceptCompression;
  if (encoding !== undefined && encoding !== "identity" && !gzip) {
    throw new ConnectError(`unknown compression "${encoding}": supported encodings are ${options.acceptCompression ? "gzip" : "identity"}`, Code.Unimplemented);
  }
  const { bytes, compressed } = body.message();
  if (compressed && !gzip) throw new ConnectError("protocol error: received compressed envelope, but do not know how to decompress", Code.InvalidArgument);
  const message = compressed ? await gunzipMessage(bytes, options.readMaxBytes) : bytes;
  options.checkMessage?.(route.path, message);
  return await route.run(message, call);
}
