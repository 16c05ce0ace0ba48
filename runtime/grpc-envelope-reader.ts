/**
 * Reads the gRPC messages of a stream's body as its chunks arrive: each 5-byte envelope (flags, big-endian length)
 * and the message after it. A message that lies within one chunk is handed on as a view of it (no copy); one split
 * across chunks is joined once, when its last byte came. A declared length over `readMaxBytes` is refused as soon as
 * the envelope is read, before any of the message is held.
 *
 * @module
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { compressedFlag } from "./grpc-frame.ts";

/** The length of a gRPC message's envelope prefix. */
const prefixBytes = 5;

/**
 * Splits a body into gRPC messages (see the module). `push` and `end` throw a ConnectError at the first malformed
 * envelope (RESOURCE_EXHAUSTED for a message over the bound, INVALID_ARGUMENT for flags gRPC does not define or a
 * body that ends within a message); after one, the reader must not be used again.
 *
 * @example
 * ```ts
 * const reader = new EnvelopeReader(100 * 1024 * 1024);
 * stream.on("data", (chunk) => reader.push(chunk, (message, compressed) => handle(message, compressed)));
 * stream.on("end", () => reader.end());
 * ```
 */
export class EnvelopeReader {
  /** The chunks of a message not complete yet (its envelope first). */
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** The bytes the held message needs in all (envelope and message); 0 until its envelope is whole. */
  #needed = 0;

  constructor(private readonly readMaxBytes: number) {}

  /** Hands each message that `chunk` completes to `onMessage`, in order. */
  push(chunk: Buffer, onMessage: (message: Uint8Array, compressed: boolean) => void): void {
    if (this.#heldBytes > 0) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.byteLength;
      if (this.#needed === 0) {
        if (this.#heldBytes < prefixBytes) return;
        const head = this.#held[0]!.byteLength >= prefixBytes ? this.#held[0]! : Buffer.concat(this.#held, this.#heldBytes);
        this.#needed = prefixBytes + this.#declared(head, 0);
      }
      if (this.#heldBytes < this.#needed) return;
      chunk = Buffer.concat(this.#held, this.#heldBytes);
      this.#held = [];
      this.#heldBytes = 0;
      this.#needed = 0;
    }
    let at = 0;
    while (chunk.byteLength - at >= prefixBytes) {
      const length = this.#declared(chunk, at);
      const end = at + prefixBytes + length;
      if (end > chunk.byteLength) {
        this.#needed = prefixBytes + length;
        break;
      }
      onMessage(chunk.subarray(at + prefixBytes, end), (chunk[at]! & compressedFlag) !== 0);
      at = end;
    }
    if (at < chunk.byteLength) {
      this.#held.push(at === 0 ? chunk : chunk.subarray(at));
      this.#heldBytes = chunk.byteLength - at;
    }
  }

  /** Throws unless the body ended between messages. */
  end(): void {
    if (this.#heldBytes === 0) return;
    if (this.#needed === 0) throw new ConnectError(`protocol error: incomplete envelope (${this.#heldBytes} bytes)`, Code.InvalidArgument);
    throw new ConnectError(
      `protocol error: promised ${this.#needed - prefixBytes} bytes in enveloped message, got ${this.#heldBytes - prefixBytes} bytes`,
      Code.InvalidArgument,
    );
  }

  /** The message length the envelope at `at` declares, after checking its flags and the bound. */
  #declared(bytes: Buffer, at: number): number {
    const flags = bytes[at]!;
    if (flags & ~compressedFlag) throw new ConnectError(`protocol error: invalid envelope flags ${flags}`, Code.InvalidArgument);
    const length = bytes.readUInt32BE(at + 1);
    if (length > this.readMaxBytes) {
      throw new ConnectError(`message size ${length} is larger than configured readMaxBytes ${this.readMaxBytes}`, Code.ResourceExhausted);
    }
    return length;
  }
}
