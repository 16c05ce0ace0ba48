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

/**
 * How a deployment retries (beside `retries`, the number of retries): the backoff between attempts and which
 * endpoints may be retried after the request may already have reached a replica.
 *
 * A call that never reached a replica (connection refused, host unknown, stream refused or not opened after a
 * GOAWAY) is always safe to retry. A call cut
 * mid-flight (the replica died or reset the stream after taking the request) may have run its handler already:
 * it is retried only when its endpoint is in `inFlight`. Jina retries every call, so the default is `"all"`:
 * executors behind replicas are expected to be idempotent (indexers upsert by id). Set `inFlight: ["/search"]`
 * (or `"none"`) when a handler has side effects that must not run twice.
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = { backoffMs: 50, maxBackoffMs: 1000, inFlight: ["/search", "/status"] };
 * ```
 */
export interface RetryPolicy {
  /** First backoff before retrying a replica that already failed the call (or is down); doubles per retry. Default 50 ms. */
  backoffMs?: number;
  /** Longest backoff. Default 1,000 ms. */
  maxBackoffMs?: number;
  /** Endpoints retried after a mid-flight failure: `"all"` (default, as Jina), `"none"`, or a list of endpoints. */
  inFlight?: "all" | "none" | readonly string[];
}

/**
 * The wait before retry number `retry` (1, 2, …): exponential from `backoffMs` up to `maxBackoffMs`, with
 * "equal jitter" (a random half of it added to the other half) so callers that failed together do not retry
 * in lockstep.
 *
 * @example
 * ```ts
 * backoffDelayMs(1, {}); // between 25 and 50
 * backoffDelayMs(3, { backoffMs: 100 }); // between 200 and 400
 * ```
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy): number {
  const full = Math.min(policy.maxBackoffMs ?? 1000, (policy.backoffMs ?? 50) * 2 ** Math.max(0, retry - 1));
  return full / 2 + Math.random() * (full / 2);
}

/**
 * Whether a failed call may be retried: always when the request never reached a replica (`message` names a
 * refused or unresolvable connection), else when the policy's `inFlight` allows the endpoint.
 *
 * @example
 * ```ts
 * mayRetry("connect ECONNREFUSED 127.0.0.1:1", "/index", { inFlight: "none" }); // true: never sent
 * mayRetry("stream reset", "/index", { inFlight: ["/search"] }); // false
 * ```
 */
export function mayRetry(message: string, endpoint: string, policy: RetryPolicy): boolean {
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|REFUSED_STREAM|after receiving a GOAWAY/.test(message)) return true;
  const inFlight = policy.inFlight ?? "all";
  if (inFlight === "all") return true;
  if (inFlight === "none") return false;
  return inFlight.includes(endpoint);
}

/**
 * Checks a retry policy; returns a message naming the bad field, or undefined when it is valid.
 *
 * @example
 * ```ts
 * checkRetryPolicy({ backoffMs: -1 }); // "backoffMs must be a number ≥ 0, got -1"
 * ```
 */
export function checkRetryPolicy(policy: RetryPolicy | undefined): string | undefined {
  if (policy === undefined) return undefined;
  if (typeof policy !== "object" || policy === null) return `must be an object, got ${JSON.stringify(policy)}`;
  for (const field of ["backoffMs", "maxBackoffMs"] as const) {
    const value = policy[field];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) return `${field} must be a number ≥ 0, got ${JSON.stringify(value)}`;
  }
  const inFlight = policy.inFlight;
  if (inFlight !== undefined && inFlight !== "all" && inFlight !== "none" && !(Array.isArray(inFlight) && inFlight.every((e) => typeof e === "string"))) {
    return `inFlight must be "all", "none" or a list of endpoints, got ${JSON.stringify(inFlight)}`;
  }
  return undefined;
}
