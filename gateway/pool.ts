/**
 * The connection pool: per deployment a round-robin list of replicas, calls with Jina's `endpoint` metadata,
 * the `timeoutSend` deadline and retries on the next replica.
 *
 * @module
 */
import { ConnectError } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import type { GatewayDeployment } from "./options.ts";
import { createReplicaList, type ReplicaList } from "./replica-list.ts";
import { attemptsFor, isRetryable } from "./retry-policy.ts";
import type { NodeReply } from "./walk.ts";

/**
 * Options of {@link createConnectionPool}.
 *
 * @example
 * ```ts
 * const options: ConnectionPoolOptions = { deployments: [{ name: "enc", replicas: [transport] }], timeoutSend: 5000 };
 * ```
 */
export interface ConnectionPoolOptions {
  deployments: readonly GatewayDeployment[];
  /** Default deadline of each call, in milliseconds. */
  timeoutSend?: number | undefined;
  /** Default retries (-1: `max(3, replicas)`). */
  retries?: number | undefined;
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
  signal?: AbortSignal | undefined;
}

/**
 * Sends requests to deployments by name.
 *
 * @example
 * ```ts
 * const pool = createConnectionPool({ deployments: [{ name: "encoder", replicas: ["grpc://127.0.0.1:54321"] }] });
 * const { response, isError } = await pool.send("encoder", request, { endpoint: "/index" });
 * await pool.close();
 * ```
 */
export interface ConnectionPool {
  /** The deployment names. */
  readonly deployments: readonly string[];
  /**
   * Calls one replica of the deployment. Retries UNAVAILABLE, NOT_FOUND, UNKNOWN, INTERNAL and connection
   * timeouts on the next replica; then rejects with a JinaError (Unavailable) naming the deployment and the
   * addresses tried. A `timeoutSend` deadline rejects at once with a JinaError (DeadlineExceeded).
   */
  send(deployment: string, request: DataRequestProto, options: PoolSendOptions): Promise<NodeReply>;
  /** Closes every connection; later sends reject. */
  close(): Promise<void>;
}

interface PoolEntry {
  replicas: ReplicaList;
  timeoutMs: number | undefined;
  attempts: number;
}

/**
 * Creates the pool, checking every deployment: a unique name, at least one replica, a valid address for each,
 * a positive `timeoutSend` and an integer `retries` ≥ -1. Throws a JinaError (InvalidArgument) naming the
 * deployment and the option otherwise.
 *
 * @example
 * ```ts
 * const pool = createConnectionPool({ deployments, timeoutSend: 5000, retries: 2 });
 * ```
 */
export function createConnectionPool(options: ConnectionPoolOptions): ConnectionPool {
  checkTimeout("the gateway", options.timeoutSend);
  checkRetries("the gateway", options.retries);
  const entries = new Map<string, PoolEntry>();
  try {
    for (const deployment of options.deployments) {
      const where = `deployment "${deployment.name}"`;
      if (entries.has(deployment.name)) throw invalid(`${where} is given twice: names must be unique`);
      if (!Array.isArray(deployment.replicas) || deployment.replicas.length === 0) {
        throw invalid(`${where} has no replicas: give at least one transport or grpc://host:port address`);
      }
      checkTimeout(where, deployment.timeoutSend);
      checkRetries(where, deployment.retries);
      const replicas = createReplicaList(deployment.name, deployment.replicas);
      entries.set(deployment.name, {
        replicas,
        timeoutMs: deployment.timeoutSend ?? options.timeoutSend,
        attempts: attemptsFor(deployment.retries ?? options.retries, replicas.size),
      });
    }
  } catch (error) {
    for (const entry of entries.values()) entry.replicas.close();
    throw error;
  }
  let closed = false;
  return {
    deployments: [...entries.keys()],
    send(deployment, request, sendOptions) {
      if (closed) return Promise.reject(new JinaError(`Cannot send to "${deployment}": the gateway is closed`, ErrorCode.Unavailable, { executor: deployment }));
      const entry = entries.get(deployment);
      if (!entry) {
        return Promise.reject(new JinaError(`The gateway knows no deployment "${deployment}" (known: ${[...entries.keys()].join(", ")})`, ErrorCode.NotFound));
      }
      return sendWithRetries(deployment, entry, request, sendOptions);
    },
    async close() {
      closed = true;
      for (const entry of entries.values()) entry.replicas.close();
    },
  };
}

async function sendWithRetries(name: string, entry: PoolEntry, request: DataRequestProto, options: PoolSendOptions): Promise<NodeReply> {
  const tried: string[] = [];
  let lastError: ConnectError | undefined;
  for (let attempt = 0; attempt < entry.attempts; attempt++) {
    const connection = entry.replicas.next();
    if (!tried.includes(connection.address)) tried.push(connection.address);
    const started = Date.now();
    try {
      return await connection.send(request, { endpoint: options.endpoint, timeoutMs: entry.timeoutMs, signal: options.signal });
    } catch (caught) {
      const error = ConnectError.from(caught);
      if (options.signal?.aborted) {
        throw new JinaError(`The call to deployment "${name}" was cancelled`, ErrorCode.Canceled, { executor: name, cause: caught });
      }
      if (error.code === ErrorCode.DeadlineExceeded && entry.timeoutMs !== undefined && Date.now() - started >= entry.timeoutMs * 0.9) {
        throw new JinaError(
          `Deployment "${name}" did not answer within timeoutSend=${entry.timeoutMs} ms (${connection.address}); ` +
            `raise timeoutSend if the executor needs more time`,
          ErrorCode.DeadlineExceeded,
          { executor: name, cause: caught },
        );
      }
      if (!isRetryable(error.code)) {
        throw new JinaError(`Deployment "${name}" failed (${connection.address}): ${error.rawMessage}`, error.code, { executor: name, cause: caught });
      }
      lastError = error;
    }
  }
  throw new JinaError(
    `Deployment "${name}" is unavailable: ${entry.attempts} attempt(s) failed, tried ${tried.join(", ")}; ` +
      `last error: [${ErrorCode[lastError?.code ?? ErrorCode.Unknown]}] ${lastError?.rawMessage ?? "unknown"}. ` +
      `Check that its executors are running and reachable`,
    ErrorCode.Unavailable,
    { executor: name, cause: lastError },
  );
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
