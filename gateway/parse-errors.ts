/**
 * Bytes that do not decode as the request message are the client's fault: INVALID_ARGUMENT, not the INTERNAL
 * that Connect answers with. Connect parses request messages before any handler or interceptor runs, so this
 * wraps the router's handlers and rewrites the status of a "parse binary" failure in the response (gRPC
 * trailers, the gRPC-web trailer frame, Connect's unary error body and end-stream frame).
 *
 * @module
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";

const parseFailure = /^parse binary:/;
const grpcInternal = "13";
const grpcInvalidArgument = "3";
const grpcWebTrailerFlag = 0x80;
const connectEndStreamFlag = 0x02;
const compressedFlag = 0x01;

/**
 * Wraps every handler of `router` whose service is in `services`, so that a request message that cannot be
 * decoded is answered with INVALID_ARGUMENT. Call it after registering the services.
 *
 * @example
 * ```ts
 * router.service(JinaRPC, impl);
 * invalidArgumentOnParseErrors(router, [JinaRPC.typeName]);
 * ```
 */
export function invalidArgumentOnParseErrors(router: ConnectRouter, services: readonly string[]): void {
  const handlers = router.handlers;
  for (const [index, handler] of handlers.entries()) {
    if (services.includes(handler.service.typeName)) handlers[index] = wrap(handler);
  }
}

function wrap(handler: UniversalHandler): UniversalHandler {
  const wrapped = async (request: Parameters<UniversalHandler>[0]): Promise<UniversalServerResponse> => {
    const response = await handler(request);
    if (response.trailer) patchTrailer(response.trailer);
    if (response.status === 500 && response.header?.get("content-type") === "application/json") {
      return patchConnectUnary(response);
    }
    if (!response.body) return response;
    return { ...response, body: patchBody(response.body, response) };
  };
  return Object.assign(wrapped, {
    requestPath: handler.requestPath,
    protocolNames: handler.protocolNames,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
    service: handler.service,
    method: handler.method,
  });
}

function patchTrailer(trailer: Headers): void {
  if (trailer.get("grpc-status") !== grpcInternal) return;
  if (parseFailure.test(decodeURIComponent(trailer.get("grpc-message") ?? ""))) trailer.set("grpc-status", grpcInvalidArgument);
}

async function* patchBody(body: AsyncIterable<Uint8Array>, response: UniversalServerResponse): AsyncIterable<Uint8Array> {
  const contentType = response.header?.get("content-type") ?? "";
  const framed = contentType.startsWith("application/grpc-web") || contentType.startsWith("application/connect+");
  for await (const chunk of body) yield framed ? patchEndFrame(chunk) : chunk;
  if (response.trailer) patchTrailer(response.trailer);
}

/** Rewrites a gRPC-web trailer frame or Connect end-stream frame (one envelope per chunk) that reports a parse failure. */
function patchEndFrame(chunk: Uint8Array): Uint8Array {
  const flags = chunk[0] ?? 0;
  if (chunk.byteLength < 5 || flags & compressedFlag || !(flags & (grpcWebTrailerFlag | connectEndStreamFlag))) return chunk;
  const text = new TextDecoder().decode(chunk.subarray(5));
  if (!text.includes("parse binary") && !text.includes("parse%20binary")) return chunk;
  const patched = flags & grpcWebTrailerFlag
    ? text.replace(/grpc-status: ?13/i, `grpc-status: ${grpcInvalidArgument}`)
    : text.replace(`"code":"internal"`, `"code":"invalid_argument"`);
  const data = new TextEncoder().encode(patched);
  const frame = new Uint8Array(5 + data.byteLength);
  frame[0] = flags;
  new DataView(frame.buffer).setUint32(1, data.byteLength);
  frame.set(data, 5);
  return frame;
}

async function patchConnectUnary(response: UniversalServerResponse): Promise<UniversalServerResponse> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body ?? []) chunks.push(chunk);
  const bytes = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let body = bytes;
  let status = response.status;
  try {
    const error = JSON.parse(new TextDecoder().decode(bytes)) as { code?: string; message?: string };
    if (error.code === "internal" && parseFailure.test(error.message ?? "")) {
      body = new TextEncoder().encode(JSON.stringify({ ...error, code: "invalid_argument" }));
      status = 400;
      response.header?.set("content-length", String(body.byteLength));
    }
  } catch {
    // not a JSON error body: leave it
  }
  return { ...response, status, body: (async function* () { yield body; })() };
}
