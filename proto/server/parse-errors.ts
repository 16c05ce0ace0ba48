/**
 * Request bytes that do not decode as the request message (or an envelope flagged compressed with no encoding
 * named) are the client's fault: INVALID_ARGUMENT, not the INTERNAL ("parse binary: ...") that Connect answers
 * with. Connect parses request messages before any handler or interceptor runs, so this wraps the router's handlers and rewrites the status of such a failure in the response:
 * gRPC trailers, the gRPC-web trailer frame, Connect's unary error body and its end-stream frame. The server keeps
 * serving either way.
 *
 * @module
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";

const grpcInternal = "13";
const grpcInvalidArgument = "3";
const compressedFlag = 0x01;
const connectEndStreamFlag = 0x02;
const grpcWebTrailerFlag = 0x80;

/**
 * Connect's INTERNAL failures that are the client's fault: a message that does not parse, and an envelope flagged
 * compressed without a `grpc-encoding` / `connect-content-encoding` saying how (gRPC requires the flag to be 0 then),
 * and an envelope flagged compressed whose payload is not what its encoding says (`decompression failed`: a gzip
 * stream cut short, say; Connect answers INTERNAL unless zlib names a data error).
 */
const clientFaults = ["parse binary:", "received compressed envelope, but do not know how to decompress", "decompression failed"];

/** Whether an error message (maybe percent-encoded, as in `grpc-message`) is one of the client's faults above. */
function isParseError(message: string | null | undefined): boolean {
  if (!message) return false;
  let text = message;
  try {
    text = decodeURIComponent(message);
  } catch {
    // not percent-encoded
  }
  return clientFaults.some((prefix) => text.startsWith(prefix));
}

/** gRPC: the status travels in the trailers. */
function rewriteTrailer(trailer: Headers): void {
  if (trailer.get("grpc-status") === grpcInternal && isParseError(trailer.get("grpc-message"))) {
    trailer.set("grpc-status", grpcInvalidArgument);
  }
}

/** The gRPC-web trailer frame's text (`grpc-status: 13\r\ngrpc-message: ...`), rewritten, or undefined. */
function rewriteGrpcWebTrailer(text: string): string | undefined {
  const lines = text.split("\r\n");
  const status = lines.findIndex((line) => /^grpc-status:\s*13\s*$/i.test(line));
  const message = lines.find((line) => /^grpc-message:/i.test(line));
  if (status < 0 || !isParseError(message?.slice(message.indexOf(":") + 1).trim())) return undefined;
  lines[status] = `grpc-status: ${grpcInvalidArgument}`;
  return lines.join("\r\n");
}

/** Connect's end-stream frame (`{"error":{"code":"internal","message":...}}`), rewritten, or undefined. */
function rewriteConnectEndStream(text: string): string | undefined {
  try {
    const end = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (end.error?.code !== "internal" || !isParseError(end.error.message)) return undefined;
    return JSON.stringify({ ...end, error: { ...end.error, code: "invalid_argument" } });
  } catch {
    return undefined;
  }
}

/** Rewrites a gRPC-web trailer frame or a Connect end-stream frame (one envelope per chunk) reporting a parse failure. */
function rewriteEndFrame(chunk: Uint8Array): Uint8Array {
  const flags = chunk[0] ?? 0;
  if (chunk.byteLength < 5 || flags & compressedFlag || !(flags & (grpcWebTrailerFlag | connectEndStreamFlag))) return chunk;
  const text = new TextDecoder().decode(chunk.subarray(5));
  const rewritten = flags & grpcWebTrailerFlag ? rewriteGrpcWebTrailer(text) : rewriteConnectEndStream(text);
  if (rewritten === undefined) return chunk;
  const data = new TextEncoder().encode(rewritten);
  const frame = new Uint8Array(5 + data.byteLength);
  frame[0] = flags;
  new DataView(frame.buffer).setUint32(1, data.byteLength);
  frame.set(data, 5);
  return frame;
}

/** Streams the body on, rewriting end frames (gRPC-web, Connect streaming) and, once it ends, the gRPC trailers. */
async function* rewriteBody(body: AsyncIterable<Uint8Array>, response: UniversalServerResponse): AsyncIterable<Uint8Array> {
  const contentType = response.header?.get("content-type") ?? "";
  const framed = contentType.startsWith("application/grpc-web") || contentType.startsWith("application/connect+");
  try {
    for await (const chunk of body) yield framed ? rewriteEndFrame(chunk) : chunk;
  } finally {
    if (response.trailer) rewriteTrailer(response.trailer);
  }
}

/** Connect unary: the error is a (small) JSON body with HTTP 500 and a content-length. */
async function rewriteConnectUnary(response: UniversalServerResponse): Promise<UniversalServerResponse> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body ?? []) chunks.push(chunk);
  const bytes = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.byteLength, 0));
  chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.byteLength), 0);
  const replay = (body: Uint8Array) => (async function* () {
    yield body;
  })();
  let error: { code?: string; message?: string } | undefined;
  try {
    error = JSON.parse(new TextDecoder().decode(bytes)) as typeof error;
  } catch {
    // compressed or not a Connect error body: pass it on as it was
  }
  if (error?.code !== "internal" || !isParseError(error.message)) return { ...response, body: replay(bytes) };
  const fixed = new TextEncoder().encode(JSON.stringify({ ...error, code: "invalid_argument" }));
  const header = new Headers(response.header);
  header.set("content-length", String(fixed.byteLength));
  return { ...response, status: 400, header, body: replay(fixed) };
}

function wrap(handler: UniversalHandler): UniversalHandler {
  const wrapped = async (request: Parameters<UniversalHandler>[0]): Promise<UniversalServerResponse> => {
    const response = await handler(request);
    if (response.status === 500 && response.header?.get("content-type")?.startsWith("application/json")) {
      return rewriteConnectUnary(response);
    }
    if (response.trailer) rewriteTrailer(response.trailer);
    return response.body ? { ...response, body: rewriteBody(response.body, response) } : response;
  };
  return Object.assign(wrapped, {
    protocolNames: handler.protocolNames,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
    requestPath: handler.requestPath,
    service: handler.service,
    method: handler.method,
  });
}

/**
 * Wraps the routes registered by `routes` so that undecodable request messages answer INVALID_ARGUMENT (gRPC,
 * gRPC-web and Connect protocols) instead of INTERNAL. Handlers registered outside `routes` are left alone.
 *
 * @example
 * ```ts
 * await serveGrpc({ routes: withInvalidArgumentOnParseError((router) => router.service(JinaRPC, impl)) });
 * ```
 */
export function withInvalidArgumentOnParseError(routes: (router: ConnectRouter) => void): (router: ConnectRouter) => void {
  return (router) => {
    const from = router.handlers.length;
    routes(router);
    for (let i = from; i < router.handlers.length; i++) router.handlers[i] = wrap(router.handlers[i]!);
  };
}
