/**
 * A lean gRPC client transport on node:http2 for unary calls: one long-lived HTTP/2 session per target, a stream
 * per call multiplexed on it, the 5-byte envelope written and the status read from the trailers directly — no
 * async-iterable pipeline, no AbortController per call (the caller's signal is listened to when there is one),
 * header objects built once per method. It is a Connect `Transport`, so `createClient(service, transport)` stays
 * the interface; streaming calls go through Connect's own gRPC transport.
 *
 * Kept gRPC behaviour: `grpc-timeout` from `timeoutMs` (and the call fails DEADLINE_EXCEEDED when it passes),
 * cancellation through `signal` or a lazy {@link Cancellation} in the call's context values under
 * {@link cancelContextKey} (RST_STREAM CANCEL, CANCELED; no AbortSignal needed), status and message from the trailers (or a
 * trailers-only answer), response headers and trailers handed to `onHeader` / `onTrailer`, gzip both ways, TLS
 * (`https://`), and a bound on the response size.
 *
 * @module
 */
import { methodPath } from "./method-path.ts";
import { create, type DescMessage, type DescMethodStreaming, type DescMethodUnary, isMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type ContextValues, type StreamResponse, type Transport, type UnaryResponse } from "@connectrpc/connect";
import { codeFromHttpStatus } from "@connectrpc/connect/protocol-grpc";
import { compressionGzip, createGrpcTransport } from "@connectrpc/connect-node";
import { Buffer } from "node:buffer";
import * as http2 from "node:http2";
import { type BinaryCodec, codecFor, decodeGrpcMessage, encodeEnvelopeLeased, envelopedMessage, type FrameLease, grpcEnvelope, grpcErrorOf, gunzipMessage, gzipMessage, resetErrorOf, UnaryBody } from "./grpc-frame.ts";
import { createSessionHolder, grpcSessionOptions, type SessionHolder } from "./grpc-session.ts";
import { HeaderView } from "./header-view.ts";
import { requestStream } from "./http2-request.ts";
import { type Cancellation, subscribeCancel } from "../proto/server/cancellation.ts";
import { cancelContextKey } from "./cancel-context.ts";

/**
 * Options of {@link createLeanGrpcTransport}.
 *
 * @example
 * ```ts
 * const options: LeanGrpcTransportOptions = { baseUrl: "http://127.0.0.1:54321", sendCompression: "gzip" };
 * ```
 */
export interface LeanGrpcTransportOptions {
  /** `http://host:port` (h2c) or `https://host:port` (TLS, trusting the runtime's CAs). */
  baseUrl: string;
  /** Compress request messages of at least `compressMinBytes` with gzip. Default: none. */
  sendCompression?: "gzip" | undefined;
  /**
   * Ask for gzip answers to unary calls (`grpc-accept-encoding: gzip`). Default: when `sendCompression` is gzip.
   * Gzip answers are decoded either way; without it a server (ours, Connect's) answers uncompressed, as Jina's
   * executors do by default, instead of spending CPU on both ends of a local hop to compress each answer of 1 KiB or
   * more. Streaming calls (Connect's transport) always ask for them.
   */
  acceptCompression?: boolean | undefined;
  /** Smallest request message compressed when `sendCompression` is set (default 1 KiB, as Connect). */
  compressMinBytes?: number | undefined;
  /** Largest response message accepted, in bytes (default 4 GiB − 1, as Connect). */
  readMaxBytes?: number | undefined;
  /** Faster codecs for some message types (protobuf-es for the others). */
  codecs?: readonly BinaryCodec[] | undefined;
}

/**
 * A Connect transport that can be closed (its HTTP/2 session).
 *
 * @example
 * ```ts
 * const transport: ClosableTransport = createLeanGrpcTransport({ baseUrl: "http://127.0.0.1:54321" });
 * transport.close();
 * ```
 */
export interface ClosableTransport extends Transport {
  /** Closes the session (calls in flight fail); a later call opens a new one. */
  close(): void;
}

const userAgent = "jina-ts-grpc";

/**
 * Creates the transport for one target. The session opens on the first call, and again after it closed or failed.
 *
 * @example
 * ```ts
 * import { createClient } from "@connectrpc/connect";
 * const transport = createLeanGrpcTransport({ baseUrl: "http://127.0.0.1:54321" });
 * const client = createClient(JinaSingleDataRequestRPC, transport);
 * const response = await client.process_single_data(request, { headers: { endpoint: "/index" }, timeoutMs: 5000 });
 * transport.close();
 * ```
 */
export function createLeanGrpcTransport(options: LeanGrpcTransportOptions): ClosableTransport {
  const sessions = createSessionHolder(options.baseUrl);
  const gzip = options.sendCompression === "gzip";
  const acceptGzip = options.acceptCompression ?? gzip;
  const compressMinBytes = options.compressMinBytes ?? 1024;
  const readMaxBytes = options.readMaxBytes ?? 0xffffffff;
  const baseHeaders = new Map<string, http2.OutgoingHttpHeaders>();
  // each message type's codec, looked up once (not a `find` with a closure per message)
  const codecs = new Map<DescMessage, BinaryCodec>();
  const codecOf = <T extends DescMessage>(schema: T): BinaryCodec<MessageShape<T>> => {
    let codec = codecs.get(schema);
    if (!codec) codecs.set(schema, (codec = codecFor(schema, options.codecs)));
    return codec as BinaryCodec<MessageShape<T>>;
  };
  let streaming: Transport | undefined;

  const headersOf = (path: string, compressed: boolean): http2.OutgoingHttpHeaders => {
    const key = compressed ? `${path} gzip` : path;
    let headers = baseHeaders.get(key);
    if (!headers) {
      headers = {
        ":method": "POST",
        ":path": path,
        "content-type": "application/grpc+proto",
        te: "trailers",
        "user-agent": userAgent,
        ...(acceptGzip ? { "grpc-accept-encoding": "gzip" } : {}),
        ...(compressed ? { "grpc-encoding": "gzip" } : {}),
      };
      baseHeaders.set(key, headers);
    }
    return headers;
  };

  return {
    async unary<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeadersInit | undefined,
      input: MessageInitShape<I>,
      contextValues?: ContextValues,
    ): Promise<UnaryResponse<I, O>> {
      const cancel = signal ?? contextValues?.get(cancelContextKey);
      if (cancel?.aborted) throw ConnectError.from(cancel.reason, Code.Canceled);
      if (timeoutMs !== undefined && timeoutMs <= 0) throw new ConnectError("the operation timed out", Code.DeadlineExceeded);
      const message = isMessage(input, method.input) ? input : create(method.input, input as MessageInitShape<I>);
      // The frame is written into a buffer lent by the wire codec's arena (when the codec has one) and given back
      // once the stream has handed the bytes off (`end`'s callback; checked on Node, Deno and Bun).
      let frame: FrameLease;
      try {
        frame = encodeEnvelopeLeased(codecOf(method.input), message);
      } catch (error) {
        throw new ConnectError(`serialize binary: ${error instanceof Error ? error.message : String(error)}`, Code.Internal);
      }
      const compressed = gzip && envelopedMessage(frame.bytes).byteLength >= compressMinBytes;
      if (compressed) {
        const zipped = grpcEnvelope(await gzipMessage(envelopedMessage(frame.bytes)), true);
        frame.release();
        frame = { bytes: zipped, release: noop };
      }
      const base = headersOf(methodPath(method), compressed);
      const headers = header === undefined && timeoutMs === undefined ? base : callHeadersOf(base, header, timeoutMs);
      const answer = await call(sessions, { headers, body: frame, signal: cancel, timeoutMs, readMaxBytes });
      let output = answer.body;
      if (answer.compressed) {
        if (answer.header["grpc-encoding"] !== "gzip") {
          throw new ConnectError("protocol error: received compressed envelope, but do not know how to decompress", Code.Internal);
        }
        output = await gunzipMessage(output, readMaxBytes);
      }
      let decoded;
      try {
        decoded = codecOf(method.output).decode(output);
      } catch (error) {
        throw new ConnectError(`parse binary: ${error instanceof Error ? error.message : String(error)}`, Code.Internal);
      }
      return {
        stream: false,
        service: method.parent,
        method,
        header: new HeaderView(ownHeaders(answer.header)),
        trailer: new HeaderView(ownHeaders(answer.trailer)),
        message: decoded,
      };
    },
    stream<I extends DescMessage, O extends DescMessage>(
      method: DescMethodStreaming<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeadersInit | undefined,
      input: AsyncIterable<MessageInitShape<I>>,
    ): Promise<StreamResponse<I, O>> {
      streaming ??= createGrpcTransport({
        baseUrl: options.baseUrl,
        acceptCompression: [compressionGzip],
        ...(gzip ? { sendCompression: compressionGzip } : {}),
        readMaxBytes,
        nodeOptions: grpcSessionOptions,
      });
      return streaming.stream(method, signal, timeoutMs, header, input);
    },
    close: () => sessions.close(),
  };
}

/** The last headers built from one metadata object (a caller reusing it, as the gateway does per endpoint). */
interface BuiltHeaders {
  base: http2.OutgoingHttpHeaders;
  timeoutMs: number | undefined;
  headers: http2.OutgoingHttpHeaders;
}
const builtHeaders = new WeakMap<object, BuiltHeaders>();

/**
 * {@link withCallHeaders}, built once per metadata object that comes again with the same base and timeout
 * (`session.request` copies the headers it is given, so the built object is shared safely).
 */
function callHeadersOf(base: http2.OutgoingHttpHeaders, header: HeadersInit | undefined, timeoutMs: number | undefined): http2.OutgoingHttpHeaders {
  if (header === undefined || header instanceof Headers) return withCallHeaders(base, header, timeoutMs);
  const built = builtHeaders.get(header);
  if (built && built.base === base && built.timeoutMs === timeoutMs) return built.headers;
  const headers = withCallHeaders(base, header, timeoutMs);
  builtHeaders.set(header, { base, timeoutMs, headers });
  return headers;
}

/** The base headers with the call's own metadata and `grpc-timeout`. */
function withCallHeaders(base: http2.OutgoingHttpHeaders, header: HeadersInit | undefined, timeoutMs: number | undefined): http2.OutgoingHttpHeaders {
  const headers: http2.OutgoingHttpHeaders = { ...base };
  if (header instanceof Headers) header.forEach((value, key) => (headers[key] = value));
  else if (Array.isArray(header)) for (const [key, value] of header) headers[key!.toLowerCase()] = value;
  else if (header) for (const key in header) headers[key.toLowerCase()] = (header as Record<string, string>)[key];
  if (timeoutMs !== undefined) headers["grpc-timeout"] = `${Math.ceil(timeoutMs)}m`;
  return headers;
}

/** What one call got back. */
interface Answer {
  header: http2.IncomingHttpHeaders;
  trailer: http2.IncomingHttpHeaders;
  body: Uint8Array;
  compressed: boolean;
}

/** One call to send: its headers, its framed message, its cancellation, deadline and answer bound. */
interface OutgoingCall {
  headers: http2.OutgoingHttpHeaders;
  body: FrameLease;
  signal: AbortSignal | Cancellation | undefined;
  timeoutMs: number | undefined;
  readMaxBytes: number;
}

/** Sends one enveloped message on a new stream and resolves with the answer of status OK; rejects otherwise. */
function call(sessions: SessionHolder, outgoing: OutgoingCall): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const session = sessions.ready();
    if (session) return start(session, sessions, outgoing, resolve, reject);
    // A new session on Bun waits for its SETTINGS (runtime/grpc-session.ts), within the call's deadline and signal.
    const { signal, timeoutMs } = outgoing;
    const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    let waiting = true;
    let unsubscribe: (() => void) | undefined;
    /** Ends the wait, once: false when it had ended already (refused, or the session came). */
    const stopWaiting = () => {
      if (!waiting) return false;
      waiting = false;
      clearTimeout(timer);
      unsubscribe?.();
      return true;
    };
    const refuse = (refusal: ConnectError) => {
      if (!stopWaiting()) return;
      outgoing.body.release();
      reject(refusal);
    };
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => refuse(new ConnectError("the operation timed out", Code.DeadlineExceeded)), timeoutMs);
    if (signal) unsubscribe = subscribeCancel(signal, (reason) => refuse(ConnectError.from(reason, Code.Canceled)));
    sessions.whenReady((ready, error) => {
      if (!ready) return refuse(grpcErrorOf(error));
      if (!stopWaiting()) return;
      start(ready, sessions, { ...outgoing, timeoutMs: deadline === undefined ? undefined : Math.max(0, deadline - performance.now()) }, resolve, reject);
    });
  });
}

/** Opens the call's stream on `session`, sends the message and listens for the answer. */
function start(
  session: http2.ClientHttp2Session,
  sessions: SessionHolder,
  { headers, body, signal, timeoutMs, readMaxBytes }: OutgoingCall,
  resolve: (answer: Answer) => void,
  reject: (error: ConnectError) => void,
): void {
  let stream: http2.ClientHttp2Stream;
  try {
    stream = requestStream(session, headers);
  } catch (error) {
    body.release();
    return reject(grpcErrorOf(error));
  }
  sessions.started();
  const call = new UnaryCall(sessions, stream, readMaxBytes, resolve, reject);
  (stream as CallStream)[callOf] = call;
  if (signal) call.listen(signal);
  if (timeoutMs !== undefined) call.timer = setTimeout(onDeadline, timeoutMs, call);
  stream.on("response", onResponse);
  stream.on("trailers", onTrailers);
  stream.on("data", onData);
  stream.on("error", onError);
  stream.on("end", onEnd);
  stream.on("close", onClose);
  // Given back only when the stream finished cleanly: after a reset the bytes may still sit in a socket write, so
  // the buffer is left to the garbage collector instead.
  stream.end(body.bytes, (error?: Error | null) => error || body.release());
}

function noop(): void {}

/** The state of one call, found from its stream's listeners (shared functions: no closures per call). */
class UnaryCall {
  // replaced by what arrives (the answer's headers, its trailers); a shared empty object until then
  header: http2.IncomingHttpHeaders = noHeaders;
  trailer: http2.IncomingHttpHeaders = noHeaders;
  readonly response: UnaryBody;
  settled = false;
  timer: ReturnType<typeof setTimeout> | undefined;
  unsubscribe: (() => void) | undefined;

  constructor(
    readonly sessions: SessionHolder,
    readonly stream: http2.ClientHttp2Stream,
    readMaxBytes: number,
    readonly resolve: (answer: Answer) => void,
    readonly reject: (error: ConnectError) => void,
  ) {
    this.response = new UnaryBody(readMaxBytes);
  }

  listen(signal: AbortSignal | Cancellation): void {
    this.unsubscribe = subscribeCancel(signal, (reason) => this.finish(ConnectError.from(reason, Code.Canceled)));
  }

  finish(error: ConnectError | undefined, answer?: Answer): void {
    if (this.settled) return;
    this.settled = true;
    this.sessions.ended();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.unsubscribe) this.unsubscribe();
    if (error) {
      if (!this.stream.closed) this.stream.close(http2.constants.NGHTTP2_CANCEL);
      this.reject(error);
    } else this.resolve(answer!);
  }

  /** The stream closed: the answer, or the error its status or reset code says. */
  closed(): void {
    if (this.settled) return;
    const { header, trailer } = this;
    const status = trailer["grpc-status"] ?? header["grpc-status"];
    const httpStatus = Number(header[":status"] ?? 0);
    if (status === undefined) {
      return this.finish(
        resetErrorOf(this.stream.rstCode) ??
          (httpStatus !== 200 && httpStatus !== 0
            ? new ConnectError(`HTTP ${httpStatus}`, codeFromHttpStatus(httpStatus))
            : new ConnectError("protocol error: missing status", Code.Internal)),
      );
    }
    const code = Number(status);
    if (code !== 0) {
      const text = trailer["grpc-message"] ?? header["grpc-message"];
      const metadata = new HeaderView({ ...header, ...trailer });
      return this.finish(new ConnectError(decodeGrpcMessage(String(text ?? "")), code in Code ? code : Code.Unknown, metadata));
    }
    if (!String(header["content-type"] ?? "").startsWith("application/grpc")) {
      return this.finish(new ConnectError(`unexpected response content type ${header["content-type"]}`, Code.Internal));
    }
    let message: { bytes: Uint8Array; compressed: boolean };
    try {
      message = this.response.message();
    } catch (error) {
      return this.finish(new ConnectError(ConnectError.from(error).rawMessage, Code.Internal));
    }
    this.finish(undefined, { header, trailer, body: message.bytes, compressed: message.compressed });
  }
}

const noHeaders: http2.IncomingHttpHeaders = Object.freeze({});

/** Headers a caller may change (HeaderView#set): a fresh object for none received, not the shared frozen one. */
function ownHeaders(headers: http2.IncomingHttpHeaders): http2.IncomingHttpHeaders {
  return headers === noHeaders ? {} : headers;
}
const callOf = Symbol("jina-ts unary call");
type CallStream = http2.ClientHttp2Stream & { [callOf]: UnaryCall };

function onDeadline(call: UnaryCall): void {
  call.finish(new ConnectError("the operation timed out", Code.DeadlineExceeded));
}
function onResponse(this: CallStream, received: http2.IncomingHttpHeaders): void {
  this[callOf].header = received;
}
function onTrailers(this: CallStream, received: http2.IncomingHttpHeaders): void {
  this[callOf].trailer = received;
}
function onData(this: CallStream, chunk: Buffer): void {
  const call = this[callOf];
  if (!call.response.push(chunk)) call.finish(call.response.error);
}
function onError(this: CallStream, error: Error): void {
  this[callOf].finish(grpcErrorOf(error));
}
/**
 * The answer's end (its trailers, or a trailers-only answer, came with END_STREAM): it is complete once its status
 * is known, a turn of the event loop before the stream's `close`. Without a status, `close` says what happened.
 */
function onEnd(this: CallStream): void {
  const call = this[callOf];
  if ((call.trailer["grpc-status"] ?? call.header["grpc-status"]) !== undefined) call.closed();
}
function onClose(this: CallStream): void {
  this[callOf].closed();
}
