/**
 * gRPC over HTTP/2, the wire pieces the lean transport and the server fast path share: the 5-byte message
 * envelope (flags, big-endian length), gzip with a bound on the inflated size, `grpc-message` percent-encoding.
 * The envelope reader and the status of a failed call are in `proto/grpc-envelope.ts` and `proto/grpc-status.ts`
 * (the Client uses them too), re-exported here.
 *
 * @module
 */
import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { Buffer } from "node:buffer";
import { compressedFlag, EnvelopeReader, writeEnvelopePrefix } from "../proto/grpc-envelope.ts";
import { gunzip, gzip } from "./lazy-zlib.ts";

export { compressedFlag };
export { decodeGrpcMessage, grpcErrorOf, resetErrorOf } from "../proto/grpc-status.ts";

/**
 * A faster binary codec for one message type, used instead of protobuf-es's reflective `toBinary`/`fromBinary`
 * (it must give the same bytes and objects, and throw where they throw).
 *
 * @example
 * ```ts
 * const codec: BinaryCodec<DataRequestProto> = { typeName: "jina.DataRequestProto", encode: encodeDataRequest, decode: decodeDataRequest };
 * ```
 */
export interface BinaryCodec<T = any> {
  /** The full protobuf name of the message, e.g. `jina.DataRequestProto`. */
  readonly typeName: string;
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  /**
   * As `encode`, with the first `reserve` bytes of the returned buffer left free and the message after them, so
   * that {@link encodeEnvelope} writes the gRPC prefix there instead of copying the message into a new frame.
   */
  encodeReserved?(message: T, reserve: number): Uint8Array;
  /**
   * As `encodeReserved`, into a buffer lent until `release()` (the wire codec's arena: no fresh buffer per
   * message). Release once the bytes are written out, never before.
   */
  encodeLeased?(message: T, reserve: number): FrameLease;
}

/**
 * Bytes lent until `release()` (called once they are written out; a second call does nothing).
 *
 * @example
 * ```ts
 * const frame = encodeEnvelopeLeased(codec, message);
 * stream.end(frame.bytes, () => frame.release());
 * ```
 */
export interface FrameLease {
  readonly bytes: Uint8Array;
  release(): void;
}

/**
 * A write or `end` callback that gives the frame's buffer back once it was written out cleanly (after a failure the
 * buffer is left to the garbage collector: the transport may still hold it). Checked on Node, Deno and Bun.
 *
 * @example
 * ```ts
 * stream.end(frame.bytes, releaseWhenWritten(frame));
 * ```
 */
export function releaseWhenWritten(frame: FrameLease): (error?: Error | null) => void {
  return (error) => error || frame.release();
}

/**
 * The codec for `schema`: one of `codecs` by type name, else protobuf-es.
 *
 * @example
 * ```ts
 * const { encode } = codecFor(DataRequestProtoSchema, [dataRequestCodec]);
 * ```
 */
export function codecFor<T extends DescMessage>(schema: T, codecs: readonly BinaryCodec[] | undefined): BinaryCodec<MessageShape<T>> {
  return codecs?.find((codec) => codec.typeName === schema.typeName) ?? {
    typeName: schema.typeName,
    encode: (message) => toBinary(schema, message),
    decode: (bytes) => fromBinary(schema, bytes),
  };
}

/**
 * One message in its envelope: flags (1 = compressed) and the length, then the bytes.
 *
 * @example
 * ```ts
 * stream.end(grpcEnvelope(toBinary(DataRequestProtoSchema, request), false));
 * ```
 */
export function grpcEnvelope(message: Uint8Array, compressed: boolean): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.byteLength);
  frame[0] = compressed ? compressedFlag : 0;
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, 5);
  return frame;
}

/** The length of a gRPC message's envelope prefix (flags, big-endian length). */
const envelopeBytes = 5;

/**
 * One uncompressed message in its envelope, encoded with `codec`: written straight after the prefix when the codec
 * can leave room for it (`encodeReserved`, the wire codec's `reserve`: one buffer, the message written once),
 * else copied into a frame as {@link grpcEnvelope} does. The bytes equal `grpcEnvelope(codec.encode(message), false)`.
 *
 * @example
 * ```ts
 * stream.end(encodeEnvelope(dataRequestCodec, request));
 * ```
 */
export function encodeEnvelope<T>(codec: BinaryCodec<T>, message: T): Uint8Array {
  if (codec.encodeReserved === undefined) return grpcEnvelope(codec.encode(message), false);
  return writePrefix(codec.encodeReserved(message, envelopeBytes));
}

/** Writes the uncompressed envelope prefix into the first 5 bytes of `frame` (the message follows them). */
function writePrefix(frame: Uint8Array): Uint8Array {
  return writeEnvelopePrefix(frame, 0);
}

/**
 * As {@link encodeEnvelope} (the same bytes), into a buffer the codec lends when it can (`encodeLeased`), else an
 * owned one. Release the lease once the frame is written out, e.g. in `stream.end(frame.bytes, callback)`'s callback;
 * until then no other message is encoded into its buffer.
 *
 * @example
 * ```ts
 * const frame = encodeEnvelopeLeased(dataRequestCodec, request);
 * stream.end(frame.bytes, () => frame.release());
 * ```
 */
export function encodeEnvelopeLeased<T>(codec: BinaryCodec<T>, message: T): FrameLease {
  if (codec.encodeLeased === undefined) return { bytes: encodeEnvelope(codec, message), release: noop };
  const lease = codec.encodeLeased(message, envelopeBytes);
  writePrefix(lease.bytes);
  return lease;
}

function noop(): void {}

/**
 * `message` in an uncompressed gRPC frame: the frame it came in when the 5 bytes before the view are its uncompressed
 * prefix (a view into a received body: no copy), else a copy in a new frame ({@link grpcEnvelope}).
 *
 * @example
 * ```ts
 * stream.end(messageFrame(request).bytes); // echoes a received message without encoding it again
 * ```
 */
export function messageFrame(message: Uint8Array): FrameLease {
  const at = message.byteOffset;
  if (at >= envelopeBytes) {
    const frame = new Uint8Array(message.buffer, at - envelopeBytes, message.byteLength + envelopeBytes);
    if (hasPrefix(frame)) return { bytes: frame, release: noop };
  }
  return { bytes: grpcEnvelope(message, false), release: noop };
}

/** Whether the first 5 bytes of `frame` are the uncompressed prefix {@link writePrefix} writes for it. */
function hasPrefix(frame: Uint8Array): boolean {
  const length = frame.byteLength - envelopeBytes;
  return frame[0] === 0 && frame[1] === length >>> 24 && frame[2] === ((length >>> 16) & 0xff) && frame[3] === ((length >>> 8) & 0xff) && frame[4] === (length & 0xff);
}

/**
 * The message of a frame from {@link encodeEnvelope} (a view, no copy), e.g. to compress it.
 *
 * @example
 * ```ts
 * const bytes = envelopedMessage(encodeEnvelope(codec, message));
 * ```
 */
export function envelopedMessage(frame: Uint8Array): Uint8Array {
  return frame.subarray(envelopeBytes);
}

/**
 * Collects a body of exactly one enveloped message as chunks arrive (an {@link EnvelopeReader} underneath), refusing
 * early a declared length over `readMaxBytes` (RESOURCE_EXHAUSTED, in `error`) so that an over-sized message is never
 * buffered; every other fault of the body (flags gRPC does not define, a body ending within its message, none or
 * several messages) is told by `message()`, once the body has ended.
 *
 * @example
 * ```ts
 * const body = new UnaryBody(readMaxBytes);
 * request.on("data", (chunk) => body.push(chunk));
 * request.on("end", () => console.log(body.message()));
 * ```
 */
export class UnaryBody {
  readonly #reader: EnvelopeReader;
  #received = 0;
  #messages = 0;
  #first: { bytes: Uint8Array; compressed: boolean } | undefined;
  /** A fault the reader found that is not the size bound: told by `message()`, the rest of the body dropped. */
  #malformed: ConnectError | undefined;
  /** The first failure known before the body ends: a message over the bound. */
  error: ConnectError | undefined;
  /** Keeps the first message and counts them all. */
  readonly #take: (bytes: Uint8Array, compressed: boolean) => void;

  constructor(readMaxBytes: number) {
    this.#reader = new EnvelopeReader(readMaxBytes);
    // made here, not as a class field: V8 ran an arrow field reading private fields 3-4x slower (a unary call's body)
    this.#take = (bytes, compressed) => {
      if (this.#messages++ === 0) this.#first = { bytes, compressed };
    };
  }

  /** Takes one chunk of the body; false once the body is over the bound (later chunks are dropped). */
  push(chunk: Uint8Array): boolean {
    if (this.error) return false;
    if (this.#malformed) return true;
    this.#received += chunk.byteLength;
    try {
      this.#reader.push(chunk, this.#take);
    } catch (error) {
      const fault = error as ConnectError;
      if (fault.code === Code.ResourceExhausted) {
        this.error = fault;
        this.#first = undefined;
        return false;
      }
      this.#malformed = fault;
    }
    return true;
  }

  /** The one message and whether it is flagged compressed; throws a ConnectError when the body is not that. */
  message(): { bytes: Uint8Array; compressed: boolean } {
    if (this.error) throw this.error;
    if (this.#malformed) throw this.#malformed;
    if (this.#received === 0) throw new ConnectError("protocol error: missing input message for unary method", Code.Unimplemented);
    if (this.#messages > 1) throw extraMessage();
    try {
      this.#reader.end();
    } catch (error) {
      throw this.#first ? extraMessage() : error;
    }
    return this.#first!;
  }
}

function extraMessage(): ConnectError {
  return new ConnectError("protocol error: received extra input message for unary method", Code.InvalidArgument);
}

/**
 * Gzips a message.
 *
 * @example
 * ```ts
 * const compressed = await gzipMessage(bytes);
 * ```
 */
export function gzipMessage(bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => gzip(bytes, {}, (error, result) => (error ? reject(error) : resolve(result))));
}

/**
 * Inflates a gzip message, at most `readMaxBytes` of it: RESOURCE_EXHAUSTED beyond, INVALID_ARGUMENT for bytes that
 * are not gzip (the sender's fault).
 *
 * @example
 * ```ts
 * const bytes = await gunzipMessage(payload, 100 * 1024 * 1024);
 * ```
 */
export function gunzipMessage(bytes: Uint8Array, readMaxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    gunzip(bytes, { maxOutputLength: Math.min(readMaxBytes, 2 ** 32 - 1) || 1 }, (error, result) => {
      if (!error) return resolve(result);
      const code = (error as { code?: string }).code;
      reject(
        code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError
          ? new ConnectError(`message is larger than configured readMaxBytes ${readMaxBytes} after decompression`, Code.ResourceExhausted)
          : new ConnectError(`decompression failed: ${error.message}`, Code.InvalidArgument),
      );
    })
  );
}

/**
 * `grpc-message` is percent-encoded (bytes outside printable ASCII, and `%`).
 *
 * @example
 * ```ts
 * encodeGrpcMessage("50% done"); // "50%25 done"
 * ```
 */
export function encodeGrpcMessage(text: string): string {
  return /^[\x20-\x24\x26-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}

