/**
 * A deployment of a Flow: its options resolved, and starting or stopping all of its shards and replicas.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { Executor } from "../executor/mod.ts";
import { checkExternal } from "./check-options.ts";
import type { DeploymentOptions, Uses } from "./options.ts";
import { podName, type ReplicaSpec, type RunningReplica } from "./replica.ts";
import { startReplica } from "./start-replica.ts";

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
  /** The `usesBefore` executor (one replica, pod `<name>/uses_before-0`); only with more than one shard. */
  readonly usesBefore?: RunningReplica[];
  /** The `usesAfter` executor (one replica, pod `<name>/uses_after-0`); only with more than one shard. */
  readonly usesAfter?: RunningReplica[];
  /** Stops every replica (and the `usesBefore` / `usesAfter` ones). */
  close(): Promise<void>;
}

/** Flow-wide values a deployment falls back to. */
export interface DeploymentDefaults {
  workspace: string;
  env: Record<string, string>;
  timeoutReadyMs: number;
  /** The flow's `gracePeriod`: the default of each deployment's. */
  gracePeriod?: number;
  /** The flow's `monitoring`: the default of each deployment's. */
  monitoring?: boolean;
  /** The flow's `maxDocs` (the gateway's): replica processes accept as many documents per request. */
  maxDocs?: number;
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

const withGrace = (gracePeriod: number | undefined) => (gracePeriod === undefined ? {} : { gracePeriod });

function replicaPorts(deployment: ResolvedDeployment, port = deployment.options.port): (replica: number, shard: number) => number {
  if (port === undefined) return () => 0;
  const ports = Array.isArray(port) ? port : [port];
  return (replica, shard) => ports[shard * deployment.replicas + replica] ?? 0;
}

/** Where a new replica listens: the deployment's fixed ports at start, free ports (0) when scaling or updating. */
export type ReplicaPorts = "fixed" | "free";

/**
 * The spec of replica `replicaId` of shard `shardId` of a deployment, from its current options (pod name
 * `<name>/rep-<r>` or `<name>/shard-<s>/rep-<r>`).
 *
 * @example
 * ```ts
 * const spec = replicaSpecOf(resolved, defaults, 0, 2, "free"); // encoder/rep-2 on a free port
 * ```
 */
export function replicaSpecOf(deployment: ResolvedDeployment, defaults: DeploymentDefaults, shardId: number, replicaId: number, ports: ReplicaPorts = "fixed"): ReplicaSpec {
  const { options, name } = deployment;
  const ids = { deployment: name, shardId, shards: deployment.shards, replicaId };
  const fixed = ports === "fixed";
  return {
    ...ids,
    podName: podName(ids),
    replicas: deployment.replicas,
    usesWith: options.usesWith ?? {},
    usesMetas: options.usesMetas ?? {},
    usesRequests: options.usesRequests,
    usesDynamicBatching: options.usesDynamicBatching,
    ...commonSpecOf(deployment, defaults),
    port: fixed ? replicaPorts(deployment)(replicaId, shardId) : 0,
    portMonitoring: fixed ? replicaPorts(deployment, options.portMonitoring)(replicaId, shardId) : 0,
  };
}

function commonSpecOf({ options }: ResolvedDeployment, defaults: DeploymentDefaults) {
  return {
    workspace: options.workspace ?? defaults.workspace,
    env: { ...defaults.env, ...options.env },
    host: options.host ?? "127.0.0.1",
    timeoutReadyMs: options.timeoutReady ?? defaults.timeoutReadyMs,
    monitoring: options.monitoring ?? defaults.monitoring ?? false,
    ...withGrace(options.gracePeriod ?? defaults.gracePeriod),
    ...(defaults.maxDocs === undefined ? {} : { maxDocs: defaults.maxDocs }),
  };
}

/**
 * Starts one replica of a deployment's shard (see {@link replicaSpecOf}); an external deployment's is its address.
 *
 * @example
 * ```ts
 * const replica = await startShardReplica(resolved, defaults, 0, 3, "free");
 * ```
 */
export async function startShardReplica(deployment: ResolvedDeployment, defaults: DeploymentDefaults, shardId: number, replicaId: number, ports: ReplicaPorts = "fixed"): Promise<RunningReplica> {
  const spec = replicaSpecOf(deployment, defaults, shardId, replicaId, ports);
  if (deployment.options.external) return externalReplica(deployment, spec);
  return await startReplica(deployment.options.uses ?? Executor, spec, deployment.options.inProcess ?? false);
}

/**
 * Starts every replica of every shard of a deployment, in parallel, and with more than one shard its
 * `usesBefore` / `usesAfter` executors (one replica each, pods `<name>/uses_before-0` / `<name>/uses_after-0`).
 * If one fails, the others are stopped and the error names the deployment. `close()` stops the replicas the
 * deployment has then (`scale()` changes `shards[s]`).
 *
 * @example
 * ```ts
 * const running = await startDeployment(resolved, { workspace: ".workspace", env: {}, timeoutReadyMs: 60_000 });
 * running.shards[1]![0]!.podName; // "indexer/shard-1/rep-0"
 * ```
 */
export async function startDeployment(deployment: ResolvedDeployment, defaults: DeploymentDefaults): Promise<RunningDeployment> {
  const { options, name } = deployment;
  const started: RunningReplica[] = [];
  const closeAll = async (replicas: RunningReplica[]) => {
    await Promise.allSettled(replicas.map((replica) => replica.close()));
  };
  const helperSpec = (role: "uses_before" | "uses_after"): ReplicaSpec => ({
    deployment: `${name}/${role}`,
    podName: `${name}/${role}-0`,
    shardId: 0,
    shards: 1,
    replicaId: 0,
    replicas: 1,
    usesWith: {},
    usesMetas: {},
    usesRequests: undefined,
    usesDynamicBatching: undefined,
    ...commonSpecOf(deployment, defaults),
    port: 0,
    portMonitoring: 0,
  });
  const track = async (starting: Promise<RunningReplica>): Promise<RunningReplica> => {
    const replica = await starting;
    started.push(replica);
    return replica;
  };
  const shardIds = Array.from({ length: deployment.shards }, (_, s) => s);
  const replicaIds = Array.from({ length: deployment.replicas }, (_, r) => r);
  const helper = (role: "uses_before" | "uses_after", helperUses: Uses | undefined) =>
    deployment.shards > 1 && helperUses !== undefined ? track(startReplica(helperUses, helperSpec(role), options.inProcess ?? false)) : undefined;
  const shardStarts = shardIds.map((s) => replicaIds.map((r) => track(startShardReplica(deployment, defaults, s, r))));
  const before = helper("uses_before", options.usesBefore);
  const after = helper("uses_after", options.usesAfter);
  // Wait for every start (not just the first failure), so that nothing starts after closeAll().
  const results = await Promise.allSettled([...shardStarts.flat(), before, after]);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    await closeAll(started.splice(0));
    throw JinaError.from(failed.reason);
  }
  const shards = await Promise.all(shardStarts.map((replicas) => Promise.all(replicas)));
  const usesBefore = await before;
  const usesAfter = await after;
  return {
    name,
    shards,
    ...(usesBefore ? { usesBefore: [usesBefore] } : {}),
    ...(usesAfter ? { usesAfter: [usesAfter] } : {}),
    close: () => closeAll([...shards.flat(), ...(usesBefore ? [usesBefore] : []), ...(usesAfter ? [usesAfter] : [])]),
  };
}

function externalReplica(deployment: ResolvedDeployment, spec: ReplicaSpec): RunningReplica {
  const { host, port, tls } = deployment.options;
  const ports = Array.isArray(port) ? port : port === undefined ? [] : [port];
  checkExternal(deployment.name, deployment.options);
  const chosen = ports[spec.replicaId] ?? ports[0];
  return {
    podName: spec.podName,
    shardId: spec.shardId,
    replicaId: spec.replicaId,
    target: `${tls ? "grpcs" : "grpc"}://${host}:${chosen}`,
    close: async () => {},
  };
}
