/**
 * The server fast path of a bidirectional gRPC method whose every request message gets one answer message (Jina's
 * `jina.JinaRPC/Call`): served on the node:http2 stream itself, without Connect's handler pipeline (async
 * iterables between every stage, a fetch `Headers` per call, linked AbortControllers). Only `POST` with content
 * type `application/grpc` or `application/grpc+proto` on a registered path takes this way; gRPC-web and the Connect
 * protocol stay with Connect's handlers.
 *
 * Messages are handled as they arrive, at most `limit` at once (further reading waits, and so does the client, by
 * HTTP/2 flow control); answers go out as they are ready, or in request order when the route says so. Kept gRPC
 * behaviour, as on the unary fast path: `grpc-timeout`, cancellation (the client resetting the stream aborts every
 * handler), gzip in both directions, `readMaxBytes` per message, `checkMessage`, the handler's trailers beside the
 * status. The first failure (a message that does not decode, a handler that throws) ends the call with its status
 * after the answers ready before it, and cancels the handlers still running.
 *
 * @module
 */
import type { DescMessage, DescMethodBiDiStreaming, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { IncomingHttpHeaders, ServerHttp2Stream } from "node:http2";
import { EnvelopeReader } from "../proto/grpc-envelope.ts";
import { type FastUnaryAnswer, type FastUnaryCall, messageRunner } from "./grpc-fast-unary.ts";
import { type BinaryCodec, type FrameLease, releaseWhenWritten } from "./grpc-frame.ts";
import { callOfStream, listenToStream, sendTrailersWhenWanted } from "./grpc-stream-listeners.ts";
import {
  answerHead,
  answerTrailers,
  compressAnswer,
  deadlineError,
  fastRouteFinder,
  type FastServeOptions,
  gzipFrame,
  requestDeadline,
  requestGzip,
  requestMessage,
  respondOptions,
  worthCompressing,
} from "./grpc-server-answer.ts";
import { HeaderView } from "./header-view.ts";
import { methodPath } from "./method-path.ts";
import { LazyAbort } from "../proto/server/lazy-abort.ts";

/**
 * How one call of a stream route runs its messages.
 *
 * @example
 * ```ts
 * const settings: FastStreamSettings = { limit: 1000, inOrder: true };
 * ```
 */
export interface FastStreamSettings {
  /** Messages handled at once; 0: no bound. */
  limit: number;
  /** Answer in request order (else as each answer is ready). */
  inOrder: boolean;
}

/**
 * One bidirectional method served on the fast path, one answer per request message.
 *
 * @example
 * ```ts
 * const route = fastStreamRoute(JinaRPC.method.call, (request, call) => flow.handle(request), () => ({ limit: 100, inOrder: true }));
 * ```
 */
export interface FastStreamRoute {
  /** `/package.Service/Method`. */
  readonly path: string;
  /** The settings of one call, from its metadata (`call.requestHeader`). */
  settings(call: FastUnaryCall): FastStreamSettings;
  /** Decodes, handles and encodes one message into its gRPC frame (see `FastUnaryRoute.run`). */
  run(bytes: Uint8Array, call: FastUnaryCall): FrameLease | Promise<FrameLease>;
}

/**
 * Binds a handler of each message to a bidirectional method, with faster codecs for some message types. The call
 * a handler gets is the stream's: its signal aborts when the call ends early, its trailers are the stream's.
 *
 * @example
 * ```ts
 * await serveGrpc({ routes, fastStream: [fastStreamRoute(JinaRPC.method.call, handle, (call) => ({ limit: 1000, inOrder: call.requestHeader.get("__results_in_order__") === "true" }))] });
 * ```
 */
export function fastStreamRoute<I extends DescMessage, O extends DescMessage>(
  method: DescMethodBiDiStreaming<I, O>,
  handle: (request: MessageShape<I>, call: FastUnaryCall) => Promise<FastUnaryAnswer<O>> | FastUnaryAnswer<O>,
  settings: (call: FastUnaryCall) => FastStreamSettings,
  codecs?: readonly BinaryCodec[],
): FastStreamRoute {
  return { path: methodPath(method), settings, run: messageRunner(method, handle, codecs) };
}

/**
 * A node:http2 `stream` listener for `routes` that returns false, touching nothing, for any stream it does not serve.
 *
 * @example
 * ```ts
 * const fast = createFastStreamHandler(routes, { readMaxBytes, acceptCompression: true });
 * server.on("stream", (stream, headers) => fast(stream, headers) || compat(stream, headers));
 * ```
 */
export function createFastStreamHandler(
  routes: readonly FastStreamRoute[],
  options: FastServeOptions,
): (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => boolean {
  const routeOf = fastRouteFinder(routes);
  return (stream, headers) => {
    const route = routeOf(headers);
    if (!route) return false;
    new StreamCall(route, stream, headers, options);
    return true;
  };
}

/**
 * Whether `stream` is a call of a stream route that has received a message and not ended: it may be waiting on a
 * long answer, and an idle connection's close must not take it for a stalled request.
 *
 * @example
 * ```ts
 * const stalled = !stream.readableEnded && !isStreamCallUnderway(stream);
 * ```
 */
export function isStreamCallUnderway(stream: ServerHttp2Stream): boolean {
  const call = callOfStream(stream);
  return call instanceof StreamCall && call.received > 0 && !call.finished;
}

/** The write side drained: messages waiting for it may start. */
function streamOnDrain(this: ServerHttp2Stream): void {
  (callOfStream(this) as StreamCall).drained();
}

/** A message read while `limit` others were running, to start when one ends. */
interface Waiting {
  bytes: Uint8Array;
  compressed: boolean;
}

/** One call: its cancellation, its deadline, the messages it reads and the answers it writes. */
class StreamCall implements FastUnaryCall {
  /** Messages read so far. */
  received = 0;
  readonly #cancel = new LazyAbort<ConnectError>();
  readonly #trailer: Record<string, string> = {};
  readonly #reader: EnvelopeReader;
  readonly #compress: boolean;
  #gzip = false;
  #settings: FastStreamSettings = { limit: 0, inOrder: false };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #requestHeader: HeaderView | undefined;
  #responseTrailer: HeaderView | undefined;
  /** Read while `limit` others ran; the stream is paused while any wait. */
  readonly #waiting: Waiting[] = [];
  #running = 0;
  #started = 0;
  /** Answers ready before the ones ahead of them (in order only), by message index. */
  readonly #ready = new Map<number, FrameLease>();
  #nextOut = 0;
  #inputEnded = false;
  #headSent = false;
  /** The write side is full: no message starts until it drains. */
  #blocked = false;
  #finished = false;
  // Both assigned in the constructor, not as class fields, so that a keepNames build does not name them per call.
  readonly onCancel: (listener: (reason: Error) => void) => () => void;
  readonly #onMessage: (bytes: Uint8Array, compressed: boolean) => void;

  constructor(readonly route: FastStreamRoute, readonly stream: ServerHttp2Stream, readonly headers: IncomingHttpHeaders, readonly options: FastServeOptions) {
    const cancel = this.#cancel;
    this.onCancel = (listener) => cancel.subscribe(listener);
    this.#onMessage = (bytes, compressed) => this.#message(bytes, compressed);
    this.#reader = new EnvelopeReader(options.readMaxBytes);
    this.#compress = compressAnswer(headers, options);
    listenToStream(stream, this);
    try {
      const deadline = requestDeadline(headers);
      if (deadline.error) throw deadline.error;
      if (deadline.timeoutMs !== undefined) this.#timer = setTimeout(onStreamDeadline, deadline.timeoutMs, this);
      this.#gzip = requestGzip(headers, options);
      this.#settings = route.settings(this);
    } catch (error) {
      this.fail(error);
    }
  }

  get signal(): AbortSignal {
    return this.#cancel.signal;
  }

  /** Whether the call ended (answered, failed or cancelled). */
  get finished(): boolean {
    return this.#finished;
  }

  get requestHeader(): Headers {
    return (this.#requestHeader ??= new HeaderView(this.headers));
  }

  get responseTrailer(): Headers {
    return (this.#responseTrailer ??= new HeaderView(this.#trailer));
  }

  data(chunk: Buffer): void {
    if (this.#finished) return;
    try {
      this.#reader.push(chunk, this.#onMessage);
    } catch (error) {
      this.fail(error);
    }
  }

  ended(): void {
    this.#inputEnded = true;
    if (this.#finished) return;
    try {
      this.#reader.end();
    } catch (error) {
      return this.fail(error);
    }
    this.#pump();
  }

  closed(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!this.#finished) this.#stop(new ConnectError("the client cancelled the call", Code.Canceled));
  }

  drained(): void {
    this.#blocked = false;
    this.#pump();
  }

  /** Ends the call with `error`'s status (nothing when it ended already). */
  fail(error: unknown): void {
    if (this.#finished) return;
    const failure = ConnectError.from(error);
    this.#stop(failure);
    this.#answer(failure);
  }

  /** Ends the call with DEADLINE_EXCEEDED. */
  expire(): void {
    this.fail(deadlineError());
  }

  #message(bytes: Uint8Array, compressed: boolean): void {
    this.received++;
    const { limit } = this.#settings;
    if (this.#blocked || (limit > 0 && this.#running >= limit) || this.#waiting.length > 0) {
      this.#waiting.push({ bytes, compressed });
      this.stream.pause();
      return;
    }
    this.#start(bytes, compressed);
  }

  #start(bytes: Uint8Array, compressed: boolean): void {
    const index = this.#started++;
    this.#running++;
    let frame: FrameLease | Promise<FrameLease>;
    try {
      const message = requestMessage(this.route.path, bytes, compressed, this.#gzip, this.options);
      frame = message instanceof Promise ? message.then((ready) => this.route.run(ready, this)) : this.route.run(message, this);
      if (this.#compress) frame = frame instanceof Promise ? frame.then(compressedIfWorth) : compressedIfWorth(frame);
    } catch (error) {
      this.#running--;
      return this.fail(error);
    }
    if (!(frame instanceof Promise)) return this.#done(index, frame);
    frame.then(
      (ready) => this.#done(index, ready),
      (error: unknown) => {
        this.#running--;
        this.fail(error);
      },
    );
  }

  #done(index: number, frame: FrameLease): void {
    this.#running--;
    if (this.#finished) return frame.release();
    if (!this.#settings.inOrder) this.#write(frame);
    else if (index !== this.#nextOut) this.#ready.set(index, frame);
    else {
      this.#write(frame);
      for (let next = this.#ready.get(++this.#nextOut); next; next = this.#ready.get(++this.#nextOut)) {
        this.#ready.delete(this.#nextOut);
        this.#write(next);
      }
    }
    this.#pump();
  }

  /** Starts waiting messages while there is room; answers once every message read is answered and no more come. */
  #pump(): void {
    if (this.#finished) return;
    const limit = this.#settings.limit;
    while (this.#waiting.length > 0 && !this.#blocked && (limit === 0 || this.#running < limit) && !this.#finished) {
      const next = this.#waiting.shift()!;
      this.#start(next.bytes, next.compressed);
    }
    if (this.#finished) return;
    if (this.#waiting.length === 0 && this.stream.isPaused()) this.stream.resume();
    if (this.#inputEnded && this.#running === 0 && this.#waiting.length === 0) this.#answer(undefined);
  }

  #write(frame: FrameLease): void {
    const stream = this.stream;
    if (stream.destroyed || stream.writableEnded) return frame.release();
    this.#respond();
    if (!stream.write(frame.bytes, releaseWhenWritten(frame)) && !this.#blocked) {
      this.#blocked = true;
      stream.once("drain", streamOnDrain);
    }
  }

  #respond(): void {
    if (this.#headSent) return;
    this.#headSent = true;
    const head = answerHead(this.headers["content-type"] as string, this.options.acceptCompression, this.#compress, true);
    this.stream.respond(head, respondOptions);
  }

  /** Marks the call ended; with an error, cancels the handlers still running and drops what was not sent. */
  #stop(error: ConnectError | undefined): void {
    this.#finished = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!error) return;
    this.#cancel.abort(error);
    for (const frame of this.#ready.values()) frame.release();
    this.#ready.clear();
    this.#waiting.length = 0;
  }

  /** Ends the answer with the status of `error` (OK without one) in the trailers. */
  #answer(error: ConnectError | undefined): void {
    if (!error) this.#stop(undefined);
    const stream = this.stream;
    if (stream.destroyed || stream.writableEnded) return;
    try {
      this.#respond();
      // A request still being sent (a call that failed early) is read to its end and dropped, not closed: a `close()`
      // right after the trailers resets the stream before they leave (seen on Node); an idle connection's close
      // resets such a stream (isStreamCallUnderway).
      sendTrailersWhenWanted(stream, answerTrailers(this.#trailer, error));
      stream.end();
    } catch {
      // the stream went away while answering: nothing is left to tell
    }
  }
}

function onStreamDeadline(call: StreamCall): void {
  call.expire();
}

/** The frame gzipped when it is worth it (1 KiB or more), else as it is. */
function compressedIfWorth(frame: FrameLease): FrameLease | Promise<FrameLease> {
  return worthCompressing(frame) ? gzipFrame(frame) : frame;
}

