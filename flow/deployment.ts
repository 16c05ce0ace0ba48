/**
 * A deployment of a Flow: its options resolved, and starting or stopping all of its shards and replicas.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { Executor } from "../executor/mod.ts";
import { startInProcessReplica, type ExecutorClass } from "./in-process-replica.ts";
import type { DeploymentOptions } from "./options.ts";
import { startProcessReplica } from "./process-replica.ts";
import { podName, type ReplicaSpec, type RunningReplica } from "./replica.ts";

/** A deployment's options after defaults and validation. */
export interface ResolvedDeployment {
  name: string;
  options: DeploymentOptions;
  needs: string[];
  shards: number;
  replicas: number;
}

/** A started deployment: replicas by shard. */
export interface RunningDeployment {
  readonly name: string;
  /** `shards[s][r]` is replica r of shard s. */
  readonly shards: RunningReplica[][];
  /** Stops every replica. */
  close(): Promise<void>;
}

/** Flow-wide values a deployment falls back to. */
export interface DeploymentDefaults {
  workspace: string;
  env: Record<string, string>;
  timeoutReadyMs: number;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Checks a positive integer option, naming the deployment and the option when it is wrong. */
export function positiveInteger(deployment: string, option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new JinaError(`Deployment "${deployment}": ${option} must be a whole number ≥ 1, got ${value}`, ErrorCode.InvalidArgument);
  }
  return value;
}

/** Validates a deployment's name. */
export function checkName(name: string): string {
  if (!namePattern.test(name) || name === "gateway" || name.endsWith("-gateway")) {
    throw new JinaError(
      `Deployment name "${name}" is not allowed: use letters, digits, "_" and "-", starting with a letter, and not "gateway"`,
      ErrorCode.InvalidArgument,
    );
  }
  return name;
}

function replicaPorts(deployment: ResolvedDeployment): (replica: number, shard: number) => number {
  const port = deployment.options.port;
  if (port === undefined) return () => 0;
  const ports = Array.isArray(port) ? port : [port];
  return (replica, shard) => ports[shard * deployment.replicas + replica] ?? 0;
}

/**
 * Starts every replica of every shard of a deployment, in parallel. If one fails, the others are stopped and the
 * error names the deployment.
 *
 * @example
 * ```ts
 * const running = await startDeployment(resolved, { workspace: ".workspace", env: {}, timeoutReadyMs: 60_000 });
 * ```
 */
export async function startDeployment(deployment: ResolvedDeployment, defaults: DeploymentDefaults): Promise<RunningDeployment> {
  const { options, name } = deployment;
  const uses = options.uses ?? Executor;
  const portOf = replicaPorts(deployment);
  const started: RunningReplica[] = [];
  const closeAll = async () => {
    await Promise.allSettled(started.map((replica) => replica.close()));
  };
  const specFor = (shardId: number, replicaId: number): ReplicaSpec => ({
    deployment: name,
    shardId,
    shards: deployment.shards,
    replicaId,
    replicas: deployment.replicas,
    usesWith: options.usesWith ?? {},
    usesMetas: options.usesMetas ?? {},
    usesRequests: options.usesRequests,
    workspace: options.workspace ?? defaults.workspace,
    env: { ...defaults.env, ...options.env },
    host: options.host ?? "127.0.0.1",
    port: portOf(replicaId, shardId),
    timeoutReadyMs: options.timeoutReady ?? defaults.timeoutReadyMs,
  });
  const startOne = async (shardId: number, replicaId: number): Promise<RunningReplica> => {
    const spec = specFor(shardId, replicaId);
    const replica = options.external
      ? externalReplica(deployment, spec)
      : typeof uses === "string"
      ? await startProcessReplica(uses, spec)
      : await startInProcessReplica(uses as ExecutorClass, spec);
    started.push(replica);
    return replica;
  };
  const shardIds = Array.from({ length: deployment.shards }, (_, s) => s);
  const replicaIds = Array.from({ length: deployment.replicas }, (_, r) => r);
  const results = await Promise.allSettled(
    shardIds.map((s) => Promise.all(replicaIds.map((r) => startOne(s, r)))),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    await closeAll();
    throw JinaError.from(failed.reason);
  }
  return {
    name,
    shards: results.map((result) => (result as PromiseFulfilledResult<RunningReplica[]>).value),
    close: closeAll,
  };
}

function externalReplica(deployment: ResolvedDeployment, spec: ReplicaSpec): RunningReplica {
  const { host, port, tls } = deployment.options;
  const ports = Array.isArray(port) ? port : port === undefined ? [] : [port];
  const chosen = ports[spec.replicaId] ?? ports[0];
  if (!host || chosen === undefined) {
    throw new JinaError(
      `Deployment "${deployment.name}" is external: give host and port (e.g. { external: true, host: "10.0.0.5", port: 8081 })`,
      ErrorCode.InvalidArgument,
    );
  }
  return {
    podName: podName(spec),
    shardId: spec.shardId,
    replicaId: spec.replicaId,
    target: `${tls ? "grpcs" : "grpc"}://${host}:${chosen}`,
    close: async () => {},
  };
}
