/**
 * Replicas joining and leaving a running deployment (a Flow's `scale()` and `rollingUpdate()`): a new replica
 * gets traffic only once its gRPC health answers SERVING; a leaving one is first taken out of the rotation, then
 * its calls in flight finish (up to a grace period), then its connection closes.
 *
 * @module
 */
import { ConnectError } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { ReplicaConnection } from "./connection.ts";

/**
 * Options of adding a replica to a running deployment.
 *
 * @example
 * ```ts
 * await gateway.addReplica("encoder", "grpc://127.0.0.1:40123", { readyTimeoutMs: 30_000 } satisfies ReplicaJoinOptions);
 * ```
 */
export interface ReplicaJoinOptions {
  /** The shard the replica serves (default 0). */
  shard?: number | undefined;
  /** How long to wait for its health to answer SERVING (default 30 s). */
  readyTimeoutMs?: number | undefined;
  /** Gives up waiting (the replica does not join). */
  signal?: AbortSignal | undefined;
}

/**
 * Options of removing a replica from a running deployment.
 *
 * @example
 * ```ts
 * await gateway.removeReplica("encoder", "grpc://127.0.0.1:40123", { graceMs: 5_000 } satisfies ReplicaLeaveOptions);
 * ```
 */
export interface ReplicaLeaveOptions {
  /** The shard the replica serves (default 0). */
  shard?: number | undefined;
  /** How long its calls in flight may take to finish before its connection closes (default: the gateway's `gracePeriod`, else 10 s). */
  graceMs?: number | undefined;
}

/**
 * What removing a replica did: how long it waited for the calls in flight, and how many were still running when
 * the grace period ended (they fail, and are retried on another replica where the retry policy allows).
 *
 * @example
 * ```ts
 * const left: ReplicaLeave = { waitedMs: 12, abandoned: 0 };
 * ```
 */
export interface ReplicaLeave {
  waitedMs: number;
  abandoned: number;
}

/**
 * Resolves once the replica's gRPC health `Check` answers SERVING (or UNIMPLEMENTED: a server without the health
 * service that answers at all is taken as ready), asking again every 50 ms doubling to 500 ms; rejects with a
 * JinaError (Unavailable) after `timeoutMs`, or Canceled when `signal` aborts.
 *
 * @example
 * ```ts
 * await waitUntilServing(connection, { timeoutMs: 30_000 });
 * ```
 */
export async function waitUntilServing(connection: ReplicaConnection, options: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  let last = "no answer yet";
  for (;;) {
    if (options.signal?.aborted) throw new JinaError(`Stopped waiting for ${connection.address} to be ready`, ErrorCode.Canceled);
    try {
      if (await connection.serving({ timeoutMs: Math.max(1, Math.min(2000, deadline - Date.now())), signal: options.signal })) return;
      last = "health answered NOT_SERVING";
    } catch (error) {
      const code = ConnectError.from(error).code;
      if (code === ErrorCode.Unimplemented) return;
      last = `[${ErrorCode[code]}] ${ConnectError.from(error).rawMessage}`;
    }
    if (Date.now() + delay > deadline) {
      throw new JinaError(`Replica ${connection.address} was not SERVING within ${timeoutMs} ms (last: ${last}); it was not added`, ErrorCode.Unavailable);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(500, delay * 2);
  }
}

/**
 * Waits for a connection's calls in flight to finish, up to `graceMs`, then closes it.
 *
 * @example
 * ```ts
 * const { abandoned } = await drainConnection(connection, 10_000);
 * ```
 */
export async function drainConnection(connection: ReplicaConnection, graceMs: number): Promise<ReplicaLeave> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([connection.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  const abandoned = connection.inFlight;
  connection.close();
  return { waitedMs: Date.now() - started, abandoned };
}
