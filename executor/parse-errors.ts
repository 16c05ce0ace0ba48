/**
 * Makes request bytes that are not a valid message answer INVALID_ARGUMENT. Connect reports a binary parse failure
 * as INTERNAL ("parse binary: ..."); for an executor that is a bad request, not a server fault, and the server
 * keeps serving either way.
 *
 * @module
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";

const grpcInternal = "13";
const grpcInvalidArgument = "3";

function isParseError(message: string | null | undefined): boolean {
  if (!message) return false;
  try {
    return decodeURIComponent(message).startsWith("parse binary:");
  } catch {
    return message.startsWith("parse binary:");
  }
}

/** gRPC: the status travels in the trailers, filled once the body ends. */
async function* rewriteTrailers(body: AsyncIterable<Uint8Array>, trailer: Headers): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } finally {
    if (trailer.get("grpc-status") === grpcInternal && isParseError(trailer.get("grpc-message"))) {
      trailer.set("grpc-status", grpcInvalidArgument);
    }
  }
}

/** Connect unary: the error is a (small) JSON body with HTTP 500 and a content-length. */
async function rewriteConnectError(response: UniversalServerResponse): Promise<UniversalServerResponse> {
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
  const wrapped = async (request: Parameters<UniversalHandler>[0]) => {
    const response = await handler(request);
    if (response.trailer && response.body) {
      return { ...response, body: rewriteTrailers(response.body, response.trailer) };
    }
    if (response.status === 500 && response.header?.get("content-type")?.startsWith("application/json")) {
      return rewriteConnectError(response);
    }
    return response;
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
 * Wraps the routes registered by `routes` so that undecodable request messages answer INVALID_ARGUMENT (gRPC and
 * Connect protocols) instead of INTERNAL.
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
