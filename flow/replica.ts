/**
 * One running replica of a deployment, wherever it runs: in this process, in a child process, or elsewhere.
 *
 * @module
 */
import type { DynamicBatchingOptions, ExecutorSettings } from "../executor/mod.ts";
import type { Transport } from "@connectrpc/connect";

/** Where the gateway reaches a replica: an in-memory Connect transport, or an address `grpc://host:port`. */
export type ReplicaTarget = Transport | string;

/** A replica the flow started (or was pointed at). */
export interface RunningReplica {
  /** `<deployment>/rep-<i>` or `<deployment>/shard-<s>/rep-<i>`, as Jina names pods. */
  readonly podName: string;
  readonly shardId: number;
  readonly replicaId: number;
  /** How the gateway reaches it. */
  readonly target: ReplicaTarget;
  /** The child's pid, for replicas in their own process: the current one, it changes when the flow restarts it. */
  readonly pid?: number;
  /** How many times the flow restarted this replica's process after it died (replicas in their own process). */
  readonly restarts?: number;
  /** The port serving this replica's Prometheus metrics (`/metrics`) when its deployment has `monitoring`. */
  readonly portMonitoring?: number;
  /** Stops the replica (closes the executor, ends the process). */
  close(): Promise<void>;
}

/** What every deployment needs to know to start one replica. */
export interface ReplicaSpec {
  /** The executor's name (`metas.name`): the deployment's name, or `<deployment>/uses_before|uses_after`. */
  deployment: string;
  /** Jina's pod name, see {@link podName}. */
  podName: string;
  shardId: number;
  shards: number;
  replicaId: number;
  replicas: number;
  /** Constructor values (`usesWith`). */
  usesWith: Record<string, unknown>;
  usesMetas: Record<string, unknown>;
  usesRequests: Record<string, string> | undefined;
  /** Dynamic batching per endpoint or method (Jina's `uses_dynamic_batching`). */
  usesDynamicBatching: Record<string, DynamicBatchingOptions> | undefined;
  workspace: string;
  env: Record<string, string>;
  host: string;
  /** A fixed port for this replica, or 0. */
  port: number;
  timeoutReadyMs: number;
  /** How long the replica's shutdown lets data calls in flight finish, in ms (absent: the executor's default, 10 s). */
  gracePeriod?: number;
  /** Most documents in one request the replica's port accepts (absent: the executor's default, 100,000). */
  maxDocs?: number;
  /** Serve this replica's Prometheus metrics (Jina's `monitoring`). */
  monitoring?: boolean;
  /** The metrics port when `monitoring` (0 or absent: a free one). */
  portMonitoring?: number;
}

/** Jina's pod name for a replica. */
export function podName(spec: Pick<ReplicaSpec, "deployment" | "shardId" | "shards" | "replicaId">): string {
  return spec.shards > 1
    ? `${spec.deployment}/shard-${spec.shardId}/rep-${spec.replicaId}`
    : `${spec.deployment}/rep-${spec.replicaId}`;
}

/**
 * The executor settings of a replica: what its constructor receives in this process, or its flags in its own.
 *
 * @example
 * ```ts
 * new Encoder(executorOptionsOf(settingsOf(spec)));
 * ```
 */
export function settingsOf(spec: ReplicaSpec): ExecutorSettings {
  return {
    name: spec.deployment,
    workspace: spec.workspace,
    podName: spec.podName,
    shardId: spec.shardId,
    shards: spec.shards,
    replicas: spec.replicas,
    usesWith: spec.usesWith,
    usesMetas: spec.usesMetas,
    ...(spec.usesRequests ? { usesRequests: spec.usesRequests } : {}),
    ...(spec.usesDynamicBatching ? { usesDynamicBatching: spec.usesDynamicBatching } : {}),
  };
}
