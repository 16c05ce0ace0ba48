/**
 * The gRPC status of a call as the peer or the connection gave it: `grpc-message` decoding, and the ConnectError of
 * an HTTP/2 failure or stream reset, with the codes Connect gives them. Servers' transports and the Client share it.
 *
 * @module
 */
import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Decodes a `grpc-message` (kept as it is when it is not valid percent-encoding).
 *
 * @example
 * ```ts
 * decodeGrpcMessage("50%25 done"); // "50% done"
 * ```
 */
export function decodeGrpcMessage(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The ConnectError of a Node HTTP/2 failure, with the codes Connect gives them: a reset connection ABORTED, a
 * refused or unresolvable one UNAVAILABLE, a header value HTTP/2 refuses INVALID_ARGUMENT, else UNAVAILABLE (the
 * connection failed, the call may be retried elsewhere).
 *
 * @example
 * ```ts
 * stream.on("error", (error) => reject(grpcErrorOf(error)));
 * ```
 */
export function grpcErrorOf(reason: unknown): ConnectError {
  if (reason instanceof ConnectError) return reason;
  const codes: string[] = [];
  for (let error: unknown = reason; error instanceof Error && codes.length < 8; error = error.cause) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
  }
  const has = (...names: string[]) => codes.some((code) => names.includes(code));
  const code = has("ERR_HTTP2_INVALID_HEADER_VALUE", "ERR_INVALID_CHAR", "ERR_HTTP2_INVALID_CONNECTION_HEADERS")
    ? Code.InvalidArgument
    : has("ERR_STREAM_DESTROYED", "ERR_HTTP2_INVALID_STREAM", "ECONNRESET", "ERR_STREAM_WRITE_AFTER_END")
    ? Code.Aborted
    : Code.Unavailable;
  const error = ConnectError.from(reason, code);
  if (error !== reason) error.cause = reason;
  return error;
}

/**
 * The ConnectError of an HTTP/2 stream reset by the peer (Connect's mapping), or undefined for a plain close.
 *
 * @example
 * ```ts
 * stream.on("close", () => reject(resetErrorOf(stream.rstCode) ?? new ConnectError("closed", Code.Internal)));
 * ```
 */
export function resetErrorOf(rstCode: number | undefined): ConnectError | undefined {
  const name = rstNames[rstCode ?? 0];
  if (!name) return undefined;
  const code = rstCode === 7 ? Code.Unavailable : rstCode === 8 ? Code.Canceled : rstCode === 11 ? Code.ResourceExhausted : rstCode! >= 12 ? Code.PermissionDenied : Code.Internal;
  return new ConnectError(`http/2 stream closed with error code ${name} (0x${rstCode!.toString(16)})`, code);
}

const rstNames: Record<number, string> = {
  1: "PROTOCOL_ERROR",
  2: "INTERNAL_ERROR",
  3: "FLOW_CONTROL_ERROR",
  4: "SETTINGS_TIMEOUT",
  6: "FRAME_SIZE_ERROR",
  7: "REFUSED_STREAM",
  8: "CANCEL",
  9: "COMPRESSION_ERROR",
  10: "CONNECT_ERROR",
  11: "ENHANCE_YOUR_CALM",
  12: "INADEQUATE_SECURITY",
  13: "HTTP_1_1_REQUIRED",
};
