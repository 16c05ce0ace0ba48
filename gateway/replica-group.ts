/**
 * One set of interchangeable replicas (a shard, or a deployment's `usesBefore` / `usesAfter`): round-robin,
 * Jina's `endpoint` metadata, the `timeoutSend` deadline, and retries on the next replica.
 *
 * @module
 */
import { ConnectError } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import type { Compression, ReplicaTarget } from "./options.ts";
import { createReplicaList } from "./replica-list.ts";
import { drainConnection, type ReplicaJoinOptions, type ReplicaLeave, waitUntilServing } from "./replica-changes.ts";
import type { ReplicaConnection } from "./connection.ts";
import { attemptsFor, backoffDelayMs, isEncodingFailure, isRetryable, mayRetry, type RetryPolicy } from "./retry-policy.ts";
import type { NodeReply } from "./walk.ts";
import { type CancelInput, subscribeCancel } from "../proto/server/mod.ts";

/**
 * Options of {@link createReplicaGroup}.
 *
 * @example
 * ```ts
 * const options: ReplicaGroupOptions = { deployment: "indexer", label: 'shard 1 of deployment "indexer"', pods: "indexer/shard-1/rep", timeoutMs: 5000, retries: -1 };
 * ```
 */
export interface ReplicaGroupOptions {
  /** The deployment it belongs to (the `executor` of its errors). */
  deployment: string;
  /** How errors name it: `deployment "enc"`, `shard 1 of deployment "enc"`, `usesAfter of deployment "enc"`. */
  label: string;
  /** Prefix of the replica names: `<pods>-<index>`. */
  pods: string;
  /** Deadline of each call, in milliseconds; none when undefined. */
  timeoutMs: number | undefined;
  /** Retries after a failed call; -1 or undefined: `max(3, replicas)`. */
  retries: number | undefined;
  /** Compression of request messages to the replicas (default none). */
  compression?: Compression | undefined;
  /** Backoff and which endpoints are retried after a mid-flight failure (see {@link RetryPolicy}). */
  retryPolicy?: RetryPolicy | undefined;
}

/**
 * Options of one call through a {@link ReplicaGroup}.
 *
 * @example
 * ```ts
 * await group.send([request], { endpoint: "/index", signal } satisfies GroupSendOptions);
 * ```
 */
export interface GroupSendOptions {
  /** The executor endpoint (`header.execEndpoint`), sent as metadata. */
  endpoint: string;
  /** Cancels the call: an AbortSignal, or a lazy `Cancellation`. */
  signal?: CancelInput | undefined;
  /** More request metadata for every attempt (the W3C trace context of the call). */
  headers?: Record<string, string> | undefined;
}

/**
 * One replica as `/status` reports it: where it is, and whether the gateway holds it down after a failure.
 *
 * @example
 * ```ts
 * const health: ReplicaHealth = { address: "grpc://10.1.0.7:8080", down: true };
 * ```
 */
export interface ReplicaHealth {
  address: string;
  down: boolean;
}

/**
 * Replicas called in turn, with retries.
 *
 * @example
 * ```ts
 * const group = createReplicaGroup(["grpc://127.0.0.1:54321"], { deployment: "enc", label: 'deployment "enc"', pods: "enc/rep", timeoutMs: undefined, retries: -1 });
 * const { response, isError } = await group.send([request], { endpoint: "/index" });
 * ```
 */
export interface ReplicaGroup {
  /** How errors name it. */
  readonly label: string;
  /** Every replica's address and whether it is down (ejected after a failure until its probe answers). */
  replicas(): ReplicaHealth[];
  /** Deadline of each call, in milliseconds. */
  readonly timeoutMs: number | undefined;
  /**
   * Calls the next replica that is up (one part: `process_single_data`; several: `process_data`). Retries
   * UNAVAILABLE, NOT_FOUND, UNKNOWN, INTERNAL, ABORTED, CANCELLED and connection timeouts on a replica that has
   * not failed this call yet, and marks the failed replica down until its health probe answers (outlier
   * ejection); when no such replica is left it waits a backoff with jitter before trying again. A mid-flight
   * failure is retried only when `retryPolicy.inFlight` allows the endpoint. Then rejects with a JinaError
   * (Unavailable) naming the group and the addresses tried. The `timeoutSend` deadline rejects at once with a
   * JinaError (DeadlineExceeded); an abort through `signal` with Canceled.
   */
  send(parts: readonly DataRequestProto[], options: GroupSendOptions): Promise<NodeReply>;
  /**
   * The endpoints the replicas bind, asking them in order until one answers (the round-robin does not move);
   * rejects with the last replica's Connect error.
   */
  endpoints(signal?: AbortSignal): Promise<string[]>;
  /**
   * Puts one more replica in the rotation once its health answers SERVING (see `waitUntilServing`); rejects (and
   * the replica gets no traffic) when it does not within `readyTimeoutMs`.
   */
  add(target: ReplicaTarget, options?: Omit<ReplicaJoinOptions, "shard">): Promise<void>;
  /**
   * Takes a replica out of the rotation at once, waits for its calls in flight (up to `graceMs`), then closes its
   * connection. Rejects with NotFound for a target the group does not have, FailedPrecondition for its last replica.
   */
  remove(target: ReplicaTarget, graceMs: number): Promise<ReplicaLeave>;
  /** Closes every connection. */
  close(): void;
}

/**
 * Connects to the replicas of one group. Throws a JinaError (InvalidArgument) naming the replica when a target
 * is not a transport or a `grpc://host:port` address.
 *
 * @example
 * ```ts
 * const shard = createReplicaGroup(targets, { deployment: "idx", label: 'shard 0 of deployment "idx"', pods: "idx/shard-0/rep", timeoutMs: 5000, retries: 0 });
 * ```
 */
export function createReplicaGroup(targets: readonly ReplicaTarget[], options: ReplicaGroupOptions): ReplicaGroup {
  const replicas = createReplicaList(options.pods, targets, { compression: options.compression });
  const { deployment, label, timeoutMs } = options;
  const Label = label.charAt(0).toUpperCase() + label.slice(1);
  return {
    label,
    timeoutMs,
    close: () => replicas.close(),
    replicas: () => replicas.connections.map((connection) => ({ address: connection.address, down: replicas.isDown(connection) })),
    async add(target, joinOptions = {}) {
      await replicas.add(target, (connection) => waitUntilServing(connection, { timeoutMs: joinOptions.readyTimeoutMs, signal: joinOptions.signal }));
    },
    async remove(target, graceMs) {
      const matched = replicas.find(target).length;
      if (matched === 0) {
        throw new JinaError(`${Label} has no replica ${typeof target === "string" ? target : "(that in-memory transport)"}`, ErrorCode.NotFound, { executor: deployment });
      }
      if (matched >= replicas.size) {
        throw new JinaError(`Cannot remove the last replica of ${label}: a deployment keeps at least one`, ErrorCode.FailedPrecondition, { executor: deployment });
      }
      const removed = replicas.remove(target);
      const left = await Promise.all(removed.map((connection) => drainConnection(connection, graceMs)));
      return { waitedMs: Math.max(...left.map((leave) => leave.waitedMs)), abandoned: left.reduce((sum, leave) => sum + leave.abandoned, 0) };
    },
    async send(parts, sendOptions) {
      const attempts = attemptsFor(options.retries, replicas.size);
      // made at the first failure: a call that succeeds at once allocates neither
      let failed: Set<ReplicaConnection> | undefined;
      let tried: string[] | undefined;
      let lastError: ConnectError | undefined;
      const policy = options.retryPolicy ?? noPolicy;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const { connection, fresh } = replicas.pick(failed);
        if (attempt > 0 && !fresh) await backoff(backoffDelayMs(attempt, policy), sendOptions.signal);
        const started = Date.now();
        try {
          const reply = await connection.send(parts, { endpoint: sendOptions.endpoint, timeoutMs, signal: sendOptions.signal, headers: sendOptions.headers });
          replicas.restore(connection);
          return reply;
        } catch (caught) {
          const error = ConnectError.from(caught);
          if (sendOptions.signal?.aborted) {
            throw new JinaError(`The call to ${label} was cancelled`, ErrorCode.Canceled, { executor: deployment, cause: caught });
          }
          if (error.code === ErrorCode.DeadlineExceeded && timeoutMs !== undefined && Date.now() - started >= timeoutMs * 0.9) {
            throw new JinaError(
              `${Label} did not answer within timeoutSend=${timeoutMs} ms (${connection.address}); ` +
                `raise timeoutSend if the executor needs more time`,
              ErrorCode.DeadlineExceeded,
              { executor: deployment, cause: caught },
            );
          }
          if (isEncodingFailure(error.rawMessage)) {
            throw new JinaError(
              `The request cannot be sent to ${label} as protobuf: ${error.rawMessage}. Keep float32 fields (offset, weight, scores) in range and nesting shallow`,
              ErrorCode.InvalidArgument,
              { executor: deployment, cause: caught },
            );
          }
          if (!isRetryable(error.code)) {
            throw new JinaError(`${Label} failed (${connection.address}): ${error.rawMessage}`, error.code, { executor: deployment, cause: caught });
          }
          (failed ??= new Set()).add(connection);
          if (!(tried ??= []).includes(connection.address)) tried.push(connection.address);
          if (replicas.size > 1) replicas.eject(connection);
          lastError = error;
          if (!mayRetry(error.rawMessage, sendOptions.endpoint, policy)) {
            throw new JinaError(
              `${Label} failed mid-call (${connection.address}): ${error.rawMessage}; not retried: endpoint ` +
                `${JSON.stringify(sendOptions.endpoint)} is not in its retryPolicy.inFlight`,
              ErrorCode.Unavailable,
              { executor: deployment, cause: caught },
            );
          }
        }
      }
      throw new JinaError(
        `${Label} is unavailable: ${attempts} attempt(s) failed, tried ${tried?.join(", ")}; ` +
          `last error: [${ErrorCode[lastError?.code ?? ErrorCode.Unknown]}] ${lastError?.rawMessage ?? "unknown"}. ` +
          `Check that its executors are running and reachable`,
        ErrorCode.Unavailable,
        { executor: deployment, cause: lastError },
      );
    },
    async endpoints(signal) {
      let lastError: unknown;
      for (const connection of replicas.connections) {
        try {
          return await connection.endpoints({ timeoutMs: timeoutMs ?? discoveryTimeoutMs, signal });
        } catch (error) {
          lastError = error;
          if (signal?.aborted || ConnectError.from(error).code === ErrorCode.Unimplemented) break;
        }
      }
      throw lastError;
    },
  };
}

const noPolicy: RetryPolicy = {};

/** Waits before a retry; an abort ends the wait early (the attempt that follows then fails as cancelled). */
function backoff(ms: number, signal: CancelInput | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop?.();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = signal ? subscribeCancel(signal, done) : undefined;
  });
}

/** Deadline of an endpoint discovery call when the deployment has no `timeoutSend`. */
const discoveryTimeoutMs = 10_000;
