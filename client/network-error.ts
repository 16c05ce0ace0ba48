/**
 * Turning what a transport throws (a Connect error, a failed fetch, an abort) into a JinaError that names the
 * gateway's address, and HTTP error statuses back into error codes.
 *
 * @module
 */
import { ConnectError } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * The JinaError for a call that was aborted through its signal: `Canceled`, or `DeadlineExceeded` when the reason
 * is a `TimeoutError` (as `AbortSignal.timeout(ms)` gives).
 *
 * @example
 * ```ts
 * if (signal.aborted) throw abortError(signal, "grpc://127.0.0.1:54321");
 * ```
 */
export function abortError(signal: AbortSignal, address: string): JinaError {
  const reason: unknown = signal.reason;
  if (reason instanceof JinaError) return reason;
  const timeout = reason instanceof Error && reason.name === "TimeoutError";
  const why = reason instanceof Error ? reason.message : reason === undefined ? "aborted" : String(reason);
  return new JinaError(
    `${timeout ? "deadline exceeded" : "aborted"}: the call to the gateway at ${address} was stopped by its signal (${why})`,
    timeout ? ErrorCode.DeadlineExceeded : ErrorCode.Canceled,
    { cause: reason },
  );
}

/**
 * The JinaError for an error a transport threw while talking to the gateway at `address`. Errors that mean the
 * gateway cannot be reached become `Unavailable` with "cannot reach the gateway at <address>: ...".
 *
 * @example
 * ```ts
 * try { await fetch(url); } catch (error) { throw networkError(error, "http://127.0.0.1:8080"); }
 * ```
 */
export function networkError(error: unknown, address: string): JinaError {
  if (error instanceof JinaError) return error;
  if (error instanceof ConnectError) {
    // REFUSED_STREAM, or no stream after a GOAWAY: the gateway (closing) never took the call — safe to retry elsewhere.
    // A connection reset while connecting (Connect says ABORTED): the gateway went away.
    if (error.code === ErrorCode.Unavailable || /REFUSED_STREAM|after receiving a GOAWAY|connect ECONNRESET/.test(error.rawMessage)) {
      return new JinaError(`cannot reach the gateway at ${address}: ${error.rawMessage}`, ErrorCode.Unavailable, { cause: error, metadata: error.metadata });
    }
    return new JinaError(`the gateway at ${address} failed: ${error.rawMessage}`, error.code, { cause: error, metadata: error.metadata });
  }
  if (error instanceof Error && error.name === "AbortError") {
    return new JinaError(`the call to the gateway at ${address} was aborted: ${error.message}`, ErrorCode.Canceled, { cause: error });
  }
  if (error instanceof Error && error.name === "TimeoutError") {
    return new JinaError(`the call to the gateway at ${address} timed out: ${error.message}`, ErrorCode.DeadlineExceeded, { cause: error });
  }
  // fetch rejects with a TypeError ("fetch failed", "error sending request ...") when the connection fails.
  return new JinaError(`cannot reach the gateway at ${address}: ${messageChain(error)}`, ErrorCode.Unavailable, { cause: error });
}

/** "message (cause message (cause's cause ...))", so "fetch failed" shows the ECONNREFUSED behind it. */
function messageChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const text = current instanceof Error ? current.message || current.name : String(current);
    const code = (current as { code?: unknown }).code;
    const withCode = typeof code === "string" && !text.includes(code) ? `${text} [${code}]` : text;
    if (!parts.includes(withCode)) parts.push(withCode);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ");
}
