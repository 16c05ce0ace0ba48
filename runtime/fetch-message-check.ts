/**
 * `checkGrpcMessages` for Connect served from a fetch handler (the gateway's HTTP port: the Connect protocol, unary
 * and streaming, and gRPC-web): each request message is looked at before Connect decodes it. The body is handed on
 * as it streams; a binary message is checked once its last byte is in, before that byte goes on, and a check that
 * throws errors the body, which ends the call with the check's error (a ConnectError keeps its code).
 *
 * @module
 */
import { envelopeScanner, type MessageCheck } from "./grpc-message-check.ts";

/** Looks at one JSON request message (parsed) of the method at `path` before Connect decodes it; throws to refuse. */
export type JsonMessageCheck = (path: string, message: unknown) => void;

const envelopeTypes = new Set(["application/connect+proto", "application/grpc-web", "application/grpc-web+proto"]);
const jsonEnvelopeTypes = new Set(["application/connect+json", "application/grpc-web+json"]);

/**
 * Returns `request` with its body read through `check` (binary messages) and `checkJson` (JSON messages, parsed once
 * more here), or `request` itself when it has no body or another content type. Compressed messages and messages
 * over `maxBytes` go on unchecked: Connect refuses them itself (this port accepts no compression).
 *
 * @example
 * ```ts
 * app.post("/jina.JinaRPC/Call", (c) => connectHandler(checkFetchMessages(c.req.raw, { check, checkJson }, 1 << 20)));
 * ```
 */
export function checkFetchMessages(request: Request, checks: { check: MessageCheck; checkJson?: JsonMessageCheck }, maxBytes: number): Request {
  if (request.body === null || request.headers.get("content-encoding")) return request;
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const path = new URL(request.url).pathname;
  const { check, checkJson } = checks;
  const json = (bytes: Uint8Array) => {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return; // not JSON: Connect says so
    }
    checkJson?.(path, value);
  };
  let transformer: Transformer<Uint8Array, Uint8Array>;
  if (type === "application/proto" || (type === "application/json" && checkJson)) {
    transformer = wholeBody((bytes) => (type === "application/proto" ? check(path, bytes) : json(bytes)), maxBytes);
  } else if (envelopeTypes.has(type) || (jsonEnvelopeTypes.has(type) && checkJson)) {
    const scan = envelopeScanner(jsonEnvelopeTypes.has(type) ? json : (message) => check(path, message), maxBytes);
    transformer = { transform: (chunk, controller) => void (scan(chunk) as Uint8Array[]).forEach((piece) => controller.enqueue(piece)) };
  } else return request;
  return new Request(request, { body: request.body.pipeThrough(new TransformStream(transformer)), duplex: "half" } as RequestInit);
}

/** Hands chunks on as they come and keeps a copy (up to `maxBytes`); at the end checks the whole before ending. */
function wholeBody(onMessage: (message: Uint8Array) => void, maxBytes: number): Transformer<Uint8Array, Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    transform(chunk, controller) {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk.slice());
      controller.enqueue(chunk);
    },
    flush() {
      if (size > maxBytes) return;
      const whole = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) (whole.set(chunk, at), (at += chunk.length));
      onMessage(whole);
    },
  };
}
