/**
 * A look at each gRPC request message before Connect decodes it: the request body of a node:http2 request is read
 * through a scanner of gRPC envelopes (flags byte, 4-byte length, message), which hands every complete uncompressed
 * message to a check before the chunk that completes it goes on. A check that throws ends the call with its error
 * (a ConnectError keeps its code), before the message is decoded.
 *
 * @module
 */
import type { Http2ServerRequest } from "node:http2";

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

/**
 * Makes Connect's adapter read `request`'s body through `check` (gRPC and gRPC-web framing: every content type that
 * starts with `application/grpc`). Compressed messages, and messages over `maxBytes` (Connect refuses those itself
 * with RESOURCE_EXHAUSTED), are passed on unchecked; other requests are left as they are.
 *
 * @example
 * ```ts
 * http2.createServer((req, res) => (checkGrpcMessages(req, check, readMaxBytes), connectHandler(req, res)));
 * ```
 */
export function checkGrpcMessages(request: Http2ServerRequest, check: MessageCheck, maxBytes: number): void {
  if (!String(request.headers["content-type"] ?? "").startsWith("application/grpc")) return;
  const path = request.url;
  const chunks = request[Symbol.asyncIterator].bind(request);
  Object.defineProperty(request, Symbol.asyncIterator, {
    value: async function* checked(): AsyncGenerator<Uint8Array> {
      const scanner = envelopeScanner((message) => check(path, message), maxBytes);
      for await (const chunk of chunks()) {
        scanner(chunk as Uint8Array);
        yield chunk as Uint8Array;
      }
    },
  });
}

/** Feeds chunks of a gRPC body; calls `onMessage` with each complete uncompressed message of at most `maxBytes`. */
function envelopeScanner(onMessage: (message: Uint8Array) => void, maxBytes: number): (chunk: Uint8Array) => void {
  let header = new Uint8Array(5);
  let headerFilled = 0;
  let message: Uint8Array | undefined; // the message being collected (undefined while skipping a compressed one)
  let remaining = 0; // bytes of the current message still to come
  let filled = 0;
  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (remaining === 0 && headerFilled < 5) {
        const take = Math.min(5 - headerFilled, chunk.length - at);
        header.set(chunk.subarray(at, at + take), headerFilled);
        headerFilled += take;
        at += take;
        if (headerFilled < 5) return;
        const length = new DataView(header.buffer).getUint32(1);
        const compressed = (header[0]! & 1) === 1;
        header = new Uint8Array(5);
        headerFilled = 0;
        if (length === 0) {
          if (!compressed) onMessage(new Uint8Array(0));
          continue;
        }
        remaining = length;
        filled = 0;
        message = compressed || length > maxBytes ? undefined : new Uint8Array(length);
        continue;
      }
      const take = Math.min(remaining, chunk.length - at);
      message?.set(chunk.subarray(at, at + take), filled);
      filled += take;
      remaining -= take;
      at += take;
      if (remaining === 0) {
        const complete = message;
        message = undefined;
        if (complete) onMessage(complete);
      }
    }
  };
}
