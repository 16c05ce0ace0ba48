/**
 * A look at each gRPC request message before Connect decodes it: the request body is read through a scanner of
 * gRPC envelopes (flags byte, 4-byte length, message), which hands every complete message to a check before the
 * bytes that complete it go on. A compressed message (gzip, deflate or br, as the request's `grpc-encoding` says) is
 * decompressed here, checked, and handed on uncompressed (flag 0), so Connect does not decompress it again; a gzip
 * bomb is thus counted before it is decoded too. A check that throws ends the call with its error (a ConnectError
 * keeps its code), before the message is decoded.
 *
 * @module
 */
import type { Http2ServerRequest } from "node:http2";
import { promisify } from "node:util";
import type { BrotliOptions, ZlibOptions } from "node:zlib";
import { grpcEnvelope } from "./grpc-frame.ts";
import { brotliDecompress, gunzip, inflate } from "./lazy-zlib.ts";

/**
 * Looks at one request message of the gRPC method at `path` before it is decoded; throws (a ConnectError) to refuse
 * the call.
 *
 * @example
 * ```ts
 * const check: MessageCheck = (path, message) => {
 *   if (path === "/jina.JinaRPC/Call" && (countRequestDocs(message) ?? 0) > 100_000) throw new ConnectError("too many documents", Code.ResourceExhausted);
 * };
 * ```
 */
export type MessageCheck = (path: string, message: Uint8Array) => void;

type Inflate = (bytes: Uint8Array, options: ZlibOptions & BrotliOptions) => Promise<Uint8Array>;

const inflaters: Record<string, Inflate> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/**
 * Makes Connect's adapter read `request`'s body through `check` (gRPC and gRPC-web framing: every content type that
 * starts with `application/grpc`). Messages over `maxBytes` (before or after decompression: Connect refuses those
 * itself with RESOURCE_EXHAUSTED), and compressed ones that do not decompress, are passed on unchecked for Connect to
 * refuse; other requests are left as they are.
 *
 * @example
 * ```ts
 * http2.createServer((req, res) => (checkGrpcMessages(req, check, readMaxBytes), connectHandler(req, res)));
 * ```
 */
export function checkGrpcMessages(request: Http2ServerRequest, check: MessageCheck, maxBytes: number): void {
  if (!String(request.headers["content-type"] ?? "").startsWith("application/grpc")) return;
  const path = request.url;
  const inflate = inflaters[String(request.headers["grpc-encoding"] ?? "identity")];
  const chunks = request[Symbol.asyncIterator].bind(request);
  Object.defineProperty(request, Symbol.asyncIterator, {
    value: async function* checked(): AsyncGenerator<Uint8Array> {
      const scan = envelopeScanner((message) => check(path, message), maxBytes, inflate);
      for await (const chunk of chunks()) {
        const pieces = scan(chunk as Uint8Array);
        yield* pieces instanceof Promise ? await pieces : pieces;
      }
    },
  });
}

/**
 * Feeds chunks of a gRPC body; calls `onMessage` with each complete message of at most `maxBytes` (a compressed one
 * once `inflate` has decompressed it) before the bytes that complete it are handed on, and returns the bytes to hand
 * on: the chunk's own bytes (a header split across chunks is held back until it is whole), with each compressed
 * message replaced by its uncompressed envelope.
 *
 * @example
 * ```ts
 * const scan = envelopeScanner((message) => check("/jina.JinaRPC/Call", message), 100 << 20);
 * for await (const chunk of body) yield* await scan(chunk);
 * ```
 */
export function envelopeScanner(
  onMessage: (message: Uint8Array) => void,
  maxBytes: number,
  inflate?: Inflate,
): (chunk: Uint8Array) => Uint8Array[] | Promise<Uint8Array[]> {
  let header = new Uint8Array(5);
  let headerFilled = 0;
  let mode: "pass" | "skip" | "hold" = "pass"; // checked and handed on / too large: handed on unchecked / compressed: held
  let message: Uint8Array | undefined;
  let remaining = 0; // bytes of the current message still to come
  let filled = 0;
  return (chunk) => {
    const out: Array<Uint8Array | Promise<Uint8Array>> = [];
    let run = 0; // where the bytes of `chunk` still to hand on as they are begin
    let at = 0;
    while (at < chunk.length) {
      if (remaining === 0) {
        const start = at;
        const carried = headerFilled;
        const take = Math.min(5 - headerFilled, chunk.length - at);
        header.set(chunk.subarray(at, at + take), headerFilled);
        headerFilled += take;
        at += take;
        if (headerFilled < 5) {
          if (start > run) out.push(chunk.subarray(run, start));
          run = chunk.length; // held back until the header is whole
          break;
        }
        const length = new DataView(header.buffer).getUint32(1);
        mode = length > maxBytes ? "skip" : (header[0]! & 1) === 1 ? (inflate && length > 0 ? "hold" : "skip") : "pass";
        if (mode === "hold" || carried > 0) {
          if (start > run) out.push(chunk.subarray(run, start));
          if (mode !== "hold") out.push(header); // a header begun in an earlier chunk, handed on whole
          run = at;
        }
        header = new Uint8Array(5);
        headerFilled = 0;
        if (length === 0 && mode === "pass") onMessage(new Uint8Array(0));
        remaining = length;
        filled = 0;
        message = mode === "skip" || length === 0 ? undefined : new Uint8Array(length);
        continue;
      }
      const take = Math.min(remaining, chunk.length - at);
      message?.set(chunk.subarray(at, at + take), filled);
      filled += take;
      remaining -= take;
      at += take;
      if (mode === "hold") run = at;
      if (remaining === 0 && message) {
        if (mode === "hold") out.push(inflated(message, onMessage, maxBytes, inflate!));
        else if (mode === "pass") onMessage(message);
        message = undefined;
      }
    }
    if (run === 0 && out.length === 0 && !(mode === "hold" && remaining > 0)) return [chunk];
    if (run < chunk.length && !(mode === "hold" && remaining > 0)) out.push(chunk.subarray(run));
    return out.some((piece) => piece instanceof Promise) ? Promise.all(out) : (out as Uint8Array[]);
  };
}

/** Decompresses a message, checks it and returns its uncompressed envelope; one that does not decompress within `maxBytes` goes on as it came. */
async function inflated(compressed: Uint8Array, onMessage: (message: Uint8Array) => void, maxBytes: number, inflate: Inflate): Promise<Uint8Array> {
  let plain: Uint8Array;
  try {
    plain = await inflate(compressed, { maxOutputLength: maxBytes });
  } catch {
    return grpcEnvelope(compressed, true); // too large or corrupt: Connect refuses it
  }
  onMessage(plain);
  return grpcEnvelope(plain, false);
}
