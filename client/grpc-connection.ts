/**
 * The Client's gRPC calls on `node:http2` itself, without Connect's transport: one HTTP/2 session to the gateway
 * (opened on the first call, opened again once it closed or received GOAWAY), a stream per call, each message in its
 * 5-byte envelope written directly and the status read from the trailers. What Connect's client pipeline cost per
 * post (async-iterable stages for serialising, enveloping and compressing, linked AbortControllers, a ConnectError
 * when it aborted its own controller, reflective `toBinary`/`fromBinary`) is gone; requests and responses go through
 * the fast wire codec (`docarray/wire/`).
 *
 * Kept: gzip both ways (requests with `compression: "gzip"`, answers whenever the gateway compresses them), a caller's
 * abort cancelling the stream (RST_STREAM CANCEL), the gateway's status and message as a ConnectError, a reset or a
 * lost connection as UNAVAILABLE (REFUSED_STREAM named, so the Client knows the gateway never took the call), the
 * session's memory bound raised to 1 GB. The session keeps the process alive only while a
 * call is open. `node:http2` and `node:zlib` are imported by the caller and handed in, so that this module loads in
 * a browser bundle too.
 *
 * @module
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type * as Http2 from "node:http2";
import type * as Zlib from "node:zlib";
import { EnvelopeReader, writeEnvelopePrefix } from "../proto/grpc-envelope.ts";
import { decodeGrpcMessage, grpcErrorOf, resetErrorOf } from "../proto/grpc-status.ts";
import { deferSessionDestroy } from "./session-teardown.ts";

/**
 * `node:http2` and `node:zlib`, loaded by the caller.
 *
 * @example
 * ```ts
 * const modules: NodeModules = { http2: await import("node:http2"), zlib: await import("node:zlib") };
 * ```
 */
export interface NodeModules {
  http2: typeof Http2;
  zlib: typeof Zlib;
}

/**
 * One stream: send messages (already encoded), end the sending side, read the answers (decoded) as an async iterable.
 *
 * @example
 * ```ts
 * const call = connection.call("/jina.JinaRPC/Call", { "__results_in_order__": "true" }, decodeDataRequest, signal);
 * await call.send(encodeDataRequest(request, { reserve: 5 }));
 * for await (const response of call) console.log(response.header?.requestId);
 * ```
 */
export interface GrpcCall<O> extends AsyncIterable<O> {
  /**
   * Writes one message, encoded after 5 free bytes (where its envelope goes: no copy unless it is gzipped, as it
   * is when the connection sends gzip); a promise only while gzipping.
   */
  send(reserved: Uint8Array): Promise<void> | undefined;
  /** Ends the sending side. */
  end(): void;
}

/** The largest answer message read: gRPC's own bound (2^32 - 1 bytes), as Connect's client reads. */
const readMaxBytes = 2 ** 32 - 1;

/**
 * The Client's connection to one gateway (see the module): `baseUrl` is `http://host:port` or `https://host:port`.
 *
 * @example
 * ```ts
 * const connection = new GrpcConnection("http://127.0.0.1:54321", modules, { sendGzip: false });
 * const call = connection.call("/jina.JinaRPC/Call", {}, decodeDataRequest);
 * connection.close();
 * ```
 */
export class GrpcConnection {
  #current: Session | undefined;
  readonly #sendGzip: boolean;

  constructor(readonly baseUrl: string, readonly modules: NodeModules, options: { sendGzip?: boolean } = {}) {
    this.#sendGzip = options.sendGzip ?? false;
  }

  /**
   * The session's state, as Connect's session manager names it: "closed" before the first call and once the session
   * ended, "connecting", "open", or "error" when it failed.
   */
  state(): "closed" | "connecting" | "open" | "error" {
    const session = this.#current?.session;
    if (!session || session.closed) return "closed";
    if (session.destroyed) return "error";
    return session.connecting ? "connecting" : "open";
  }

  /** Opens a call of the method at `path`; `decode` reads each answer message. */
  call<O>(path: string, metadata: Record<string, string>, decode: (bytes: Uint8Array) => O, signal?: AbortSignal): GrpcCall<O> {
    const headers: Http2.OutgoingHttpHeaders = {
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-accept-encoding": "gzip",
      ...(this.#sendGzip ? { "grpc-encoding": "gzip" } : {}),
      ...metadata,
    };
    const current = this.#usableSession();
    const stream = current.session.request(headers);
    if (current.openCalls++ === 0) (current.session as { ref?: () => void }).ref?.();
    stream.once("close", () => {
      if (--current.openCalls === 0) (current.session as { unref?: () => void }).unref?.();
    });
    return new StreamCall(stream, decode, this.modules.zlib, this.#sendGzip, signal);
  }

  /** Ends the session (its calls fail); a later call opens a new one. */
  close(): void {
    const current = this.#current;
    this.#current = undefined;
    current?.session.destroy(); // on a later turn: see session-teardown.ts
  }

  #usableSession(): Session {
    const current = this.#current;
    if (current && !current.session.closed && !current.session.destroyed && !current.goneAway) return current;
    // node:http2's default bound (10 MB) counts the requests waiting to be sent: with more than 10 MB of them (four
    // posts of 3 MB at once to a gateway busy reading) Node reset the calls when their answers began
    // (ENHANCE_YOUR_CALM) and Bun refused new ones. What waits is what the caller already holds.
    const session = this.modules.http2.connect(this.baseUrl, { maxSessionMemory: 1024 });
    const next: Session = { session, openCalls: 0, goneAway: false };
    session.on("error", noop); // a failed session shows up as the errors of its calls
    deferSessionDestroy(session);
    // Calls in flight finish; new ones go to a new session.
    session.once("goaway", () => (next.goneAway = true));
    // The process is kept alive by the calls open on it, not by the session itself.
    (session as { unref?: () => void }).unref?.();
    this.#current = next;
    return next;
  }
}

/** A session with the count of its open calls (it keeps the process alive while there are any). */
interface Session {
  readonly session: Http2.ClientHttp2Session;
  openCalls: number;
  /** It received GOAWAY. */
  goneAway: boolean;
}

function noop(): void {}

/** The gRPC code of an HTTP status that came without a gRPC one (gRPC's own mapping, as Connect reads it). */
const httpCodes: Record<number, Code> = {
  400: Code.Internal,
  401: Code.Unauthenticated,
  403: Code.PermissionDenied,
  404: Code.Unimplemented,
  429: Code.Unavailable,
  502: Code.Unavailable,
  503: Code.Unavailable,
  504: Code.Unavailable,
};

/** NGHTTP2_CANCEL: what a client resets a stream with when it no longer wants the answer. */
const cancelCode = 8;

/** An answer as read: decoded, or still being gunzipped. */
type Answer<O> = O | Promise<O>;

class StreamCall<O> implements GrpcCall<O> {
  readonly #answers: Answer<O>[] = [];
  readonly #reader = new EnvelopeReader(readMaxBytes);
  #head: Http2.IncomingHttpHeaders | undefined;
  #trailers: Http2.IncomingHttpHeaders | undefined;
  #streamError: unknown;
  /** Set once the stream closed: undefined for OK. */
  #outcome: { error: ConnectError | undefined } | undefined;
  #wake: (() => void) | undefined;
  readonly #onAbort: (() => void) | undefined;

  constructor(
    readonly stream: Http2.ClientHttp2Stream,
    readonly decode: (bytes: Uint8Array) => O,
    readonly zlib: typeof Zlib,
    readonly gzip: boolean,
    readonly signal: AbortSignal | undefined,
  ) {
    stream.on("response", (head) => (this.#head = head));
    stream.on("trailers", (trailers) => (this.#trailers = trailers));
    stream.on("data", (chunk: Uint8Array) => this.#data(chunk));
    stream.on("error", (error) => (this.#streamError ??= error));
    stream.on("end", () => this.#ended());
    stream.on("close", () => this.#closed());
    if (signal) {
      this.#onAbort = () => this.#cancel(signal.reason);
      if (signal.aborted) this.#onAbort();
      else signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  send(reserved: Uint8Array): Promise<void> | undefined {
    if (!this.gzip) return this.#write(reserved, 0);
    return gzip(this.zlib, reserved.subarray(5)).then((zipped) => {
      const frame = new Uint8Array(5 + zipped.byteLength);
      frame.set(zipped, 5);
      this.#write(frame, 1);
    });
  }

  /** Writes `frame` after filling in its envelope (flags, then the big-endian length). */
  #write(frame: Uint8Array, flags: number): undefined {
    if (this.#outcome || this.stream.destroyed) return;
    this.stream.write(writeEnvelopePrefix(frame, flags));
  }

  end(): void {
    if (!this.stream.destroyed && !this.stream.writableEnded) this.stream.end();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<O> {
    try {
      while (true) {
        const next = this.#answers.shift();
        if (next !== undefined) {
          yield next instanceof Promise ? await next : next;
          continue;
        }
        if (this.#outcome) {
          if (this.#outcome.error) throw this.#outcome.error;
          return;
        }
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      // The reader stopped early (or failed): nothing more is wanted.
      if (!this.#outcome) this.#cancel(undefined);
    }
  }

  #data(chunk: Uint8Array): void {
    try {
      this.#reader.push(chunk, (bytes, compressed) => {
        if (!compressed) return void this.#answers.push(this.#decoded(bytes));
        const answer = gunzip(this.zlib, bytes).then((plain) => this.#decoded(plain));
        answer.catch(noop); // read (and thrown) in order by the iterator, if it still reads
        this.#answers.push(answer);
      });
    } catch (error) {
      this.#fail(ConnectError.from(error, Code.Internal));
    }
    this.#notify();
  }

  #decoded(bytes: Uint8Array): O {
    try {
      return this.decode(bytes);
    } catch (error) {
      throw new ConnectError(`parse binary: ${error instanceof Error ? error.message : String(error)}`, Code.Internal);
    }
  }

  /**
   * The gateway ended its side: the call is over, whatever this side still meant to send (a trailers-only error
   * answer comes while the Client keeps its side open), so that side ends too.
   */
  #ended(): void {
    // Without a status yet (trailers may come after 'end' on some runtime), the stream's close decides.
    if (!this.#outcome && (this.#trailers ?? this.#head)?.["grpc-status"] !== undefined) this.#outcome = { error: this.#status() };
    this.end();
    this.#notify();
  }

  #closed(): void {
    if (this.signal && this.#onAbort) this.signal.removeEventListener("abort", this.#onAbort);
    if (!this.#outcome) this.#outcome = { error: this.#status() };
    this.#notify();
  }

  /** The call's outcome from what came: the status in the trailers (or a trailers-only head), else why it ended. */
  #status(): ConnectError | undefined {
    const status = this.#trailers?.["grpc-status"] ?? this.#head?.["grpc-status"];
    if (status !== undefined) {
      const code = Number(status);
      if (code === 0) return this.#incomplete();
      const message = this.#trailers?.["grpc-message"] ?? this.#head?.["grpc-message"];
      return new ConnectError(decodeGrpcMessage(String(message ?? "")), code in Code ? (code as Code) : Code.Unknown);
    }
    const http = Number(this.#head?.[":status"] ?? 200);
    if (http !== 200) {
      return new ConnectError(`HTTP ${http} without a gRPC status: is this the gateway's gRPC port?`, httpCodes[http] ?? Code.Unknown);
    }
    if (this.#streamError !== undefined) return grpcErrorOf(this.#streamError);
    return resetErrorOf(this.stream.rstCode) ?? new ConnectError("the stream closed without a gRPC status: the gateway's connection went away", Code.Unavailable);
  }

  /** The error of an answer that ended within a message (undefined when it did not). */
  #incomplete(): ConnectError | undefined {
    try {
      this.#reader.end();
      return undefined;
    } catch (error) {
      return ConnectError.from(error, Code.Internal);
    }
  }

  #fail(error: ConnectError): void {
    if (this.#outcome) return;
    this.#outcome = { error };
    this.#cancel(undefined);
  }

  #cancel(reason: unknown): void {
    if (!this.#outcome) this.#outcome = { error: new ConnectError(reason instanceof Error ? reason.message : "the call was cancelled", Code.Canceled) };
    if (!this.stream.destroyed) this.stream.close(cancelCode);
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function gzip(zlib: typeof Zlib, bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => zlib.gzip(bytes, (error, result) => (error ? reject(error) : resolve(result))));
}

function gunzip(zlib: typeof Zlib, bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    zlib.gunzip(bytes, (error, result) => (error ? reject(new ConnectError(`decompression failed: ${error.message}`, Code.Internal)) : resolve(result)))
  );
}
