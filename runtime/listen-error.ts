/**
 * Turns a listen failure into an error that names the port and says what to do.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

/** Converts an error from `listen()` / `Deno.serve` / `Bun.serve` into a JinaError naming host and port. */
export function listenError(error: unknown, host: string, port: number): JinaError {
  const text = String((error as { code?: string })?.code ?? "") + " " + String((error as Error)?.message ?? error);
  if (/EADDRINUSE|AddrInUse|address already in use|in use/i.test(text)) {
    return new JinaError(
      `Port ${port} on ${host} is already in use: choose another port, or stop the process that holds it`,
      ErrorCode.FailedPrecondition,
      { cause: error },
    );
  }
  if (/EACCES|PermissionDenied|permission/i.test(text)) {
    return new JinaError(`Not allowed to listen on ${host}:${port}: use a port above 1023`, ErrorCode.PermissionDenied, {
      cause: error,
    });
  }
  return new JinaError(`Cannot listen on ${host}:${port}: ${text.trim()}`, ErrorCode.Unavailable, { cause: error });
}
