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
import { create, type DescMessage, type DescMethodBiDiStreaming, type DescMethodUnary, isMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { constants, type Http2ServerRequest, type Http2ServerResponse, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { type BinaryCodec, codecFor, encodeEnvelopeLeased, type FrameLease, messageFrame, releaseWhenWritten, UnaryBody } from "./grpc-frame.ts";
import { HeaderView } from "./header-view.ts";
import { listenToStream, sendTrailersWhenWanted } from "./grpc-stream-listeners.ts";
import {
  answerHead,
  answerTrailers,
  compressAnswer,
  deadlineError,
  fastRouteFinder,
  gzipFrame,
  type FastServeOptions,
  requestDeadline,
  requestGzip,
  requestMessage,
  respondOptions,
  worthCompressing,
} from "./grpc-server-answer.ts";
import { LazyAbort } from "../proto/server/lazy-abort.ts";

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
  /**
   * Decodes, handles and encodes one call into its gRPC frame (`encodeEnvelopeLeased`: possibly in a buffer lent by
   * the codec, to release once written out): at once when the handler answered synchronously, else a promise; throws
   * or rejects with the call's error.
   */
  run(bytes: Uint8Array, call: FastUnaryCall): FrameLease | Promise<FrameLease>;
}

/**
 * What a fast unary handler returns to answer with its request message exactly as it came, when the method's output
 * type is its input type: the bytes received are sent back (in the request's own frame when it came uncompressed),
 * not encoded again. For a handler that knows it changed nothing (an executor whose handler neither read the
 * documents nor returned anything, as Jina's executors send back the buffer of a request they never decompressed).
 *
 * @example
 * ```ts
 * fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, (request) => (touched(request) ? request : sameAsRequest));
 * ```
 */
export const sameAsRequest: unique symbol = Symbol("jina-ts fast unary: the request as it came");

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
  handle: (request: MessageShape<I>, call: FastUnaryCall) => Promise<FastUnaryAnswer<O>> | FastUnaryAnswer<O>,
  codecs?: readonly BinaryCodec[],
): FastUnaryRoute {
  return { path: methodPath(method), run: messageRunner(method, handle, codecs) };
}

/**
 * Decodes one request message of `method`, hands it to `handle` and encodes its answer into a gRPC frame: what a
 * fast route runs per message (unary, or each message of a stream in `grpc-fast-stream.ts`). Bytes that do not
 * decode are INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * const run = messageRunner(JinaRPC.method.call, (request, call) => flow.handle(request), [lazyDataRequestCodec]);
 * ```
 */
export function messageRunner<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O> | DescMethodBiDiStreaming<I, O>,
  handle: (request: MessageShape<I>, call: FastUnaryCall) => Promise<FastUnaryAnswer<O>> | FastUnaryAnswer<O>,
  codecs?: readonly BinaryCodec[],
): FastUnaryRoute["run"] {
  const input = codecFor(method.input, codecs);
  const output = codecFor(method.output, codecs);
  const echoes = method.input.typeName === method.output.typeName;
  const encode = (answer: FastUnaryAnswer<O>, request: Uint8Array) => {
    if (answer !== sameAsRequest) return encodeEnvelopeLeased(output, isMessage(answer, method.output) ? answer : create(method.output, answer));
    if (!echoes) throw new ConnectError(`${methodPath(method)}: the handler answered sameAsRequest, but the method answers another message type`, Code.Internal);
    return messageFrame(request);
  };
  return (bytes, call) => {
    let request: MessageShape<I>;
    try {
      request = input.decode(bytes);
    } catch (error) {
      throw new ConnectError(`parse binary: ${error instanceof Error ? error.message : String(error)}`, Code.InvalidArgument);
    }
    // No async frame: a handler's promise gets one `then`, a synchronous answer none.
    const answer = handle(request, call);
    return answer instanceof Promise ? answer.then((ready) => encode(ready, bytes)) : encode(answer, bytes);
  };
}

/**
 * What a fast unary handler answers: a message of the output type (or its init shape), or {@link sameAsRequest}.
 *
 * @example
 * ```ts
 * const answer: FastUnaryAnswer<typeof DataRequestProtoSchema> = sameAsRequest;
 * ```
 */
export type FastUnaryAnswer<O extends DescMessage> = MessageInitShape<O> | typeof sameAsRequest;

/**
 * Options of {@link createFastUnaryHandler}: how requests are read and answered (see `grpc-server-answer.ts`).
 *
 * @example
 * ```ts
 * const options: FastUnaryOptions = { readMaxBytes: 100 * 1024 * 1024, acceptCompression: true };
 * ```
 */
export type FastUnaryOptions = FastServeOptions;

const NGHTTP2_NO_ERROR = constants.NGHTTP2_NO_ERROR;

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
  const routeOf = fastRouteFinder(routes);
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
  const routeOf = fastRouteFinder(routes);
  return (stream, headers) => {
    const route = routeOf(headers);
    if (!route) return false;
    serve(route, streamIO(stream, headers), options);
    return true;
  };
}

/** What serving one call needs of the request and its answer, on the compat API or on a raw stream. */
interface CallIO {
  readonly headers: IncomingHttpHeaders;
  /** True for a raw stream (its answer's headers carry `:status`), false for the compat API. */
  readonly rawStream: boolean;
  /** Whether the answer can no longer be written (the stream closed). */
  gone(): boolean;
  /** Hands the request's body chunks, its end and the stream's close to `call`. */
  listen(call: ServerCall): void;
  /**
   * Writes the headers, the framed message (if any) and the trailers, and ends the answer; the frame's lease is
   * released once the answer finished cleanly (after a failure its buffer is left to the garbage collector).
   */
  answer(head: OutgoingHttpHeaders, frame: FrameLease | undefined, trailers: OutgoingHttpHeaders): void;
}

function compatIO(req: Http2ServerRequest, res: Http2ServerResponse): CallIO {
  return {
    headers: req.headers,
    rawStream: false,
    gone: () => res.closed || res.destroyed,
    listen(call) {
      req.on("data", (chunk: Buffer) => call.data(chunk));
      req.once("end", () => call.ended());
      res.once("close", () => call.closed());
    },
    answer(head, frame, trailers) {
      res.writeHead(200, head);
      if (frame) res.write(frame.bytes);
      res.addTrailers(trailers);
      res.end(frame ? releaseWhenWritten(frame) : undefined);
    },
  };
}

function streamOnFinish(this: ServerHttp2Stream): void {
  if (!this.readableEnded && !this.destroyed) this.close(NGHTTP2_NO_ERROR);
}

class StreamIO implements CallIO {
  readonly rawStream = true;

  constructor(readonly stream: ServerHttp2Stream, readonly headers: IncomingHttpHeaders) {}

  gone(): boolean {
    return this.stream.closed || this.stream.destroyed;
  }

  listen(call: ServerCall): void {
    listenToStream(this.stream, call);
  }

  answer(head: OutgoingHttpHeaders, frame: FrameLease | undefined, trailers: OutgoingHttpHeaders): void {
    const stream = this.stream;
    // `respond` copies the headers, so the shared `head` objects stay as they are.
    stream.respond(head, respondOptions);
    sendTrailersWhenWanted(stream, trailers);
    // `on`, not `once` (a wrapper per call): it is emitted once per stream.
    if (!stream.readableEnded) stream.on("finish", streamOnFinish);
    if (frame) stream.end(frame.bytes, releaseWhenWritten(frame));
    else stream.end();
  }
}

function streamIO(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): CallIO {
  return new StreamIO(stream, headers);
}

/** One call on the fast path: its cancellation, its deadline, its body and its answer. */
class ServerCall implements FastUnaryCall {
  #answered = false;
  readonly #cancel = new LazyAbort<ConnectError>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timeoutError: ConnectError | undefined;
  #requestHeader: HeaderView | undefined;
  #responseTrailer: HeaderView | undefined;
  readonly #trailer: Record<string, string> = {};
  readonly #body: UnaryBody;

  constructor(readonly route: FastUnaryRoute, readonly io: CallIO, readonly options: FastUnaryOptions) {
    const cancel = this.#cancel;
    this.onCancel = (listener) => cancel.subscribe(listener);
    this.#body = new UnaryBody(options.readMaxBytes);
    const deadline = requestDeadline(io.headers);
    if (deadline.error) this.#timeoutError = deadline.error;
    else if (deadline.timeoutMs !== undefined) this.#timer = setTimeout(onServerDeadline, deadline.timeoutMs, this);
    io.listen(this);
  }

  get signal(): AbortSignal {
    return this.#cancel.signal;
  }

  /**
   * A {@link CancelSource}-shaped subscription (a field: it is handed on detached). Assigned in the constructor, not
   * as a class field, so that a keepNames build does not give it a name (a defineProperty per call).
   */
  readonly onCancel: (listener: (reason: Error) => void) => () => void;

  get requestHeader(): Headers {
    return (this.#requestHeader ??= new HeaderView(this.io.headers));
  }

  get responseTrailer(): Headers {
    return (this.#responseTrailer ??= new HeaderView(this.#trailer));
  }

  abort(reason: ConnectError): void {
    this.#cancel.abort(reason);
  }

  data(chunk: Buffer): void {
    this.#body.push(chunk);
  }

  closed(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!this.#answered) this.abort(new ConnectError("the client cancelled the call", Code.Canceled));
  }

  ended(): void {
    if (this.#timeoutError) return this.respond(this.#timeoutError);
    // Synchronous as far as the handler lets it: a no-op handler's call is answered in this turn, with no promise.
    let frame: FrameLease | Promise<FrameLease>;
    try {
      frame = run(this.route, this.io.headers, this.#body, this, this.options);
    } catch (error) {
      return this.fail(error);
    }
    if (frame instanceof Promise) frame.then((ready) => this.answer(ready), (error: unknown) => this.fail(error));
    else this.answer(frame);
  }

  /** Answers with the handler's frame (gzipped first when {@link compressAnswer} says so). */
  answer(frame: FrameLease): void {
    try {
      if (!compressAnswer(this.io.headers, this.options) || !worthCompressing(frame)) return this.respond(undefined, frame);
      gzipFrame(frame).then((zipped) => this.respond(undefined, zipped, true), (error: unknown) => this.fail(error));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Answers with the call's error (nothing when it was answered already). */
  fail(error: unknown): void {
    try {
      this.respond(ConnectError.from(error));
    } catch {
      // the stream went away while answering: nothing is left to tell
    }
  }

  respond(error: ConnectError | undefined, frame?: FrameLease, compressed = false): void {
    if (this.#answered) return frame?.release();
    this.#answered = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.io.gone()) return frame?.release();
    const head = answerHead(this.io.headers["content-type"] as string, this.options.acceptCompression, compressed, this.io.rawStream);
    this.io.answer(head, frame, answerTrailers(this.#trailer, error));
  }
}

function onServerDeadline(call: ServerCall): void {
  const error = deadlineError();
  call.abort(error);
  call.respond(error);
}

function serve(route: FastUnaryRoute, io: CallIO, options: FastUnaryOptions): void {
  new ServerCall(route, io, options);
}

/** Checks and decompresses the request and runs the route; throws, or rejects, with the call's error. */
function run(route: FastUnaryRoute, headers: IncomingHttpHeaders, body: UnaryBody, call: FastUnaryCall, options: FastUnaryOptions): FrameLease | Promise<FrameLease> {
  const gzip = requestGzip(headers, options);
  const { bytes, compressed } = body.message();
  const message = requestMessage(route.path, bytes, compressed, gzip, options);
  return message instanceof Promise ? message.then((ready) => route.run(ready, call)) : route.run(message, call);
}
