/**
 * Which failed calls the gateway retries on the next replica, and how many attempts it makes (Jina's
 * `networking/__init__.py`).
 *
 * @module
 */
import { ErrorCode } from "../proto/errors.ts";

const retryable = new Set<ErrorCode>([
  ErrorCode.Unavailable,
  ErrorCode.DeadlineExceeded,
  ErrorCode.NotFound,
  ErrorCode.Unknown,
  ErrorCode.Internal,
  // A connection reset by a replica that died comes back as ABORTED (Node, Deno) or CANCELLED (Bun); the caller's
  // own cancellation is checked before this set is consulted.
  ErrorCode.Aborted,
  ErrorCode.Canceled,
]);

/**
 * Whether a call that failed with this code is tried again on the next replica: UNAVAILABLE, NOT_FOUND,
 * UNKNOWN, INTERNAL, ABORTED, CANCELLED (a dead connection, as Jina retries it) and a DEADLINE_EXCEEDED that is not the `timeoutSend` deadline (the caller checks that).
 *
 * @example
 * ```ts
 * isRetryable(ErrorCode.Unavailable); // true
 * isRetryable(ErrorCode.InvalidArgument); // false
 * ```
 */
export function isRetryable(code: ErrorCode): boolean {
  return retryable.has(code);
}

/**
 * How many attempts a call gets: `1 + retries`, or with `retries` -1 (the default) `max(3, replicas) + 1`.
 *
 * @example
 * ```ts
 * attemptsFor(undefined, 2); // 4
 * attemptsFor(-1, 5); // 6
 * attemptsFor(0, 5); // 1
 * ```
 */
export function attemptsFor(retries: number | undefined, replicas: number): number {
  if (retries === undefined || retries < 0) return Math.max(3, replicas) + 1;
  return 1 + Math.floor(retries);
}

/**
 * Whether a failed call failed because the request cannot be written or read as protobuf (a float32 field out of
 * range, nesting deeper than the 100 levels protobuf allows): no replica will ever take it, so it is the client's
 * bad input (InvalidArgument), not a reason to retry.
 *
 * @example
 * ```ts
 * isEncodingFailure("serialize binary: cannot encode field docarray.DocumentProto.offset to binary: invalid float32: 1e+308"); // true
 * ```
 */
export function isEncodingFailure(message: string): boolean {
  return /^(serialize|parse) binary: |maximum recursion depth|invalid float32/.test(message);
}
