/**
 * The connection pool: every deployment of the flow by name, each a {@link DeploymentHead} (its shards and
 * replicas, polling, `usesBefore` / `usesAfter`, retries and `timeoutSend`).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { createDeploymentHead, type DeploymentHead, type DeploymentHealth } from "./head.ts";
import type { Compression, GatewayDeployment, GatewayLogger, ReplicaTarget } from "./options.ts";
import { checkRetryPolicy, type RetryPolicy } from "./retry-policy.ts";
import type { ReplicaJoinOptions, ReplicaLeave } from "./replica-changes.ts";
import type { NodeReply } from "./walk.ts";
import type { CancelInput } from "../proto/server/mod.ts";

/**
 * Options of {@link createConnectionPool}.
 *
 * @example
 * ```ts
 * const options: ConnectionPoolOptions = { deployments: [{ name: "enc", shards: [[transport]] }], timeoutSend: 5000 };
 * ```
 */
export interface ConnectionPoolOptions {
  deployments: readonly GatewayDeployment[];
  /** Default deadline of each call, in milliseconds. */
  timeoutSend?: number | undefined;
  /** Default retries (-1: `max(3, replicas)`). */
  retries?: number | undefined;
  /** Default backoff and in-flight retry policy (see {@link RetryPolicy}); a deployment's own overrides it. */
  retryPolicy?: RetryPolicy | undefined;
  /** Compression of request messages to executors (default none). */
  compression?: Compression | undefined;
  /** Where tolerated shard failures are reported. Default: `console`. */
  logger?: GatewayLogger | undefined;
}

/**
 * Options of one {@link ConnectionPool.send}.
 *
 * @example
 * ```ts
 * await pool.send("encoder", request, { endpoint: "/index", signal: AbortSignal.timeout(60_000) });
 * ```
 */
export interface PoolSendOptions {
  /** The executor endpoint (`header.execEndpoint`). */
  endpoint: string;
  /** Cancels the call: an AbortSignal, or a lazy `Cancellation` (no AbortController made unless one is read). */
  signal?: CancelInput | undefined;
  /** More request metadata for the call (the W3C trace context, see `gateway/tracing.ts`). */
  headers?: Record<string, string> | undefined;
}

/**
 * Sends requests to deployments by name.
 *
 * @example
 * ```ts
 * const pool = createConnectionPool({ deployments: [{ name: "encoder", shards: [["grpc://127.0.0.1:54321"]] }] });
 * const { response, isError } = await pool.send("encoder", request, { endpoint: "/index" });
 * await pool.close();
 * ```
 */
export interface ConnectionPool {
  /** The deployment names. */
  readonly deployments: readonly string[];
  /**
   * Calls the deployment with one request, or with several parts at once (`process_data`). Retries
   * UNAVAILABLE, NOT_FOUND, UNKNOWN, INTERNAL and connection timeouts on the next replica of the shard; then
   * rejects with a JinaError (Unavailable) naming the deployment (and shard) and the addresses tried. A
   * `timeoutSend` deadline rejects at once with a JinaError (DeadlineExceeded). See {@link DeploymentHead.send}.
   */
  send(deployment: string, request: DataRequestProto | readonly DataRequestProto[], options: PoolSendOptions): Promise<NodeReply>;
  /** The endpoints a deployment binds (see {@link DeploymentHead.endpoints}). */
  endpoints(deployment: string, signal?: AbortSignal): Promise<string[] | undefined>;
  /** Every deployment's replicas, each with its address and whether it is down (what `/status` shows). */
  health(): Record<string, DeploymentHealth>;
  /** Adds a replica to a deployment once it is SERVING (see {@link DeploymentHead.addReplica}). */
  addReplica(deployment: string, target: ReplicaTarget, options?: ReplicaJoinOptions): Promise<void>;
  /** Removes a replica from a deployment: out of the rotation, drained, closed (see {@link DeploymentHead.removeReplica}). */
  removeReplica(deployment: string, target: ReplicaTarget, shard: number, graceMs: number): Promise<ReplicaLeave>;
  /** Closes every connection; later sends reject. */
  close(): Promise<void>;
}

/**
 * Creates the pool, checking every deployment: a unique name, at least one shard, at least one replica per
 * shard (and in `usesBefore` / `usesAfter` when given), a valid address for each, a valid polling, a positive
 * `timeoutSend` and an integer `retries` ≥ -1. Throws a JinaError (InvalidArgument) naming the deployment and
 * the option otherwise.
 *
 * @example
 * ```ts
 * const pool = createConnectionPool({ deployments, timeoutSend: 5000, retries: 2 });
 * ```
 */
export function createConnectionPool(options: ConnectionPoolOptions): ConnectionPool {
  checkTimeout("the gateway", options.timeoutSend);
  checkRetries("the gateway", options.retries);
  checkPolicy("the gateway", options.retryPolicy);
  const heads = new Map<string, DeploymentHead>();
  try {
    for (const deployment of options.deployments) {
      check(deployment);
      if (heads.has(deployment.name)) throw invalid(`deployment "${deployment.name}" is given twice: names must be unique`);
      heads.set(deployment.name, createDeploymentHead(deployment, { ...options, logger: options.logger ?? console }));
    }
  } catch (error) {
    for (const head of heads.values()) head.close();
    throw error;
  }
  let closed = false;
  const headOf = (deployment: string): DeploymentHead => {
    if (closed) throw new JinaError(`Cannot send to "${deployment}": the gateway is closed`, ErrorCode.Unavailable, { executor: deployment });
    const head = heads.get(deployment);
    if (!head) throw new JinaError(`The gateway knows no deployment "${deployment}" (known: ${[...heads.keys()].join(", ")})`, ErrorCode.NotFound);
    return head;
  };
  return {
    deployments: [...heads.keys()],
    send(deployment, request, sendOptions) {
      // not async: one promise and its ticks less per call (the head's own promise is handed on)
      try {
        return headOf(deployment).send(Array.isArray(request) ? request : [request as DataRequestProto], sendOptions);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    health: () => Object.fromEntries([...heads].map(([name, head]) => [name, head.health()])),
    async endpoints(deployment, signal) {
      return await headOf(deployment).endpoints(signal);
    },
    addReplica: async (deployment, target, joinOptions) => await headOf(deployment).addReplica(target, joinOptions),
    removeReplica: async (deployment, target, shard, graceMs) => await headOf(deployment).removeReplica(target, shard, graceMs),
    async close() {
      closed = true;
      for (const head of heads.values()) head.close();
    },
  };
}

function check(deployment: GatewayDeployment): void {
  const where = `deployment "${deployment.name}"`;
  if (!Array.isArray(deployment.shards) || deployment.shards.length === 0) {
    throw invalid(`${where} has no shards: give shards: [[replica, ...], ...] with transports or grpc://host:port addresses`);
  }
  for (const [s, shard] of deployment.shards.entries()) checkTargets(`shard ${s} of ${where}`, shard);
  if (deployment.usesBefore !== undefined) checkTargets(`usesBefore of ${where}`, deployment.usesBefore);
  if (deployment.usesAfter !== undefined) checkTargets(`usesAfter of ${where}`, deployment.usesAfter);
  checkTimeout(where, deployment.timeoutSend);
  checkRetries(where, deployment.retries);
  checkPolicy(where, deployment.retryPolicy);
}

function checkPolicy(where: string, policy: RetryPolicy | undefined): void {
  const problem = checkRetryPolicy(policy);
  if (problem) throw invalid(`retryPolicy of ${where}: ${problem}`);
}

function checkTargets(where: string, targets: readonly ReplicaTarget[]): void {
  if (!Array.isArray(targets) || targets.length === 0) {
    throw invalid(`${where} has no replicas: give at least one transport or grpc://host:port address`);
  }
}

function invalid(what: string): JinaError {
  return new JinaError(`Invalid gateway deployments: ${what}`, ErrorCode.InvalidArgument);
}

function checkTimeout(where: string, timeoutSend: number | undefined): void {
  if (timeoutSend !== undefined && !(Number.isFinite(timeoutSend) && timeoutSend > 0)) {
    throw invalid(`timeoutSend of ${where} must be a positive number of milliseconds, got ${JSON.stringify(timeoutSend)}`);
  }
}

function checkRetries(where: string, retries: number | undefined): void {
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= -1)) {
    throw invalid(`retries of ${where} must be an integer ≥ -1 (-1: max(3, replicas)), got ${JSON.stringify(retries)}`);
  }
}
