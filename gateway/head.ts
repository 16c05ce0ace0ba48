/**
 * A deployment as the gateway calls it. With one shard: its replicas, round-robin. With several shards the
 * gateway plays Jina's head itself, without the extra process hop: `usesBefore` once, then the fan-out by
 * polling (ANY: one shard, round-robin across calls; ALL: every shard), then `usesAfter` with every shard's
 * answer (`process_data`, so it sees `docsMatrix`), or the reduce by document id (concatenation with `noReduce`).
 *
 * @module
 */
import { ConnectError } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import type { Compression, GatewayDeployment, GatewayLogger, ReplicaTarget } from "./options.ts";
import { createPollingResolver } from "./polling.ts";
import { createReplicaGroup, type GroupSendOptions, type ReplicaGroup, type ReplicaHealth } from "./replica-group.ts";
import type { RetryPolicy } from "./retry-policy.ts";
import type { ReplicaJoinOptions, ReplicaLeave } from "./replica-changes.ts";
import { combineShards, labelShard, survivingShards } from "./shard-results.ts";
import type { NodeReply } from "./walk.ts";

/**
 * Options of {@link createDeploymentHead}: the gateway-wide defaults and where shard failures are reported.
 *
 * @example
 * ```ts
 * const options: DeploymentHeadOptions = { timeoutSend: 5000, retries: -1, logger: console };
 * ```
 */
export interface DeploymentHeadOptions {
  /** Deadline of each call when the deployment has none, in milliseconds. */
  timeoutSend?: number | undefined;
  /** Retries when the deployment gives none. */
  retries?: number | undefined;
  /** Default backoff and in-flight retry policy (see {@link RetryPolicy}). */
  retryPolicy?: RetryPolicy | undefined;
  /** Compression of request messages to the replicas (default none). */
  compression?: Compression | undefined;
  /** Where tolerated shard failures are reported. */
  logger: GatewayLogger;
}

/**
 * One deployment the gateway sends to.
 *
 * @example
 * ```ts
 * const head = createDeploymentHead({ name: "indexer", shards: [[a], [b]] }, { logger: console });
 * const { response } = await head.send([request], { endpoint: "/search" }); // both shards, reduced
 * head.close();
 * ```
 */
export interface DeploymentHead {
  readonly name: string;
  /** Its replicas by shard (and `usesBefore` / `usesAfter`), each with its address and whether it is down. */
  health(): DeploymentHealth;
  /**
   * Sends the parts (one request, or several with `noReduce`) and resolves with the deployment's answer. An
   * in-band error of any call comes back as the reply (`isError`). Rejects with the JinaError of a network
   * failure: of `usesBefore` / `usesAfter`, of the one ANY shard, or of every ALL shard (a failed shard is
   * tolerated, with a warning, when another answered).
   */
  send(parts: readonly DataRequestProto[], options: GroupSendOptions): Promise<NodeReply>;
  /**
   * The endpoints the deployment binds: the union over its shards (one replica each). Resolves undefined when
   * its executors do not implement discovery (UNIMPLEMENTED); rejects when no shard answered.
   */
  endpoints(signal?: AbortSignal): Promise<string[] | undefined>;
  /** Adds a replica to shard `options.shard` (default 0) once it is SERVING (see {@link ReplicaGroup.add}). */
  addReplica(target: ReplicaTarget, options?: ReplicaJoinOptions): Promise<void>;
  /** Removes a replica of shard `shard`: out of the rotation, drained up to `graceMs`, closed (see {@link ReplicaGroup.remove}). */
  removeReplica(target: ReplicaTarget, shard: number, graceMs: number): Promise<ReplicaLeave>;
  /** Closes every connection. */
  close(): void;
}

/**
 * A deployment's replicas as `/status` reports them.
 *
 * @example
 * ```ts
 * const health: DeploymentHealth = { shards: [[{ address: "grpc://10.1.0.7:8080", down: false }]] };
 * ```
 */
export interface DeploymentHealth {
  shards: ReplicaHealth[][];
  usesBefore?: ReplicaHealth[];
  usesAfter?: ReplicaHealth[];
}

/**
 * Connects to every replica of a deployment. Throws a JinaError (InvalidArgument) naming the deployment and
 * the option when a target or the polling is invalid.
 *
 * @example
 * ```ts
 * const head = createDeploymentHead(
 *   { name: "indexer", shards: [[shard0], [shard1]], usesAfter: [merger], polling: { "*": "ALL" } },
 *   { timeoutSend: 10_000, logger: console },
 * );
 * ```
 */
export function createDeploymentHead(deployment: GatewayDeployment, options: DeploymentHeadOptions): DeploymentHead {
  const { name } = deployment;
  const sharded = deployment.shards.length > 1;
  const pollingOf = createPollingResolver(deployment.polling, `deployment "${name}"`);
  const groupOptions = {
    deployment: name,
    timeoutMs: deployment.timeoutSend ?? options.timeoutSend,
    retries: deployment.retries ?? options.retries,
    retryPolicy: deployment.retryPolicy ?? options.retryPolicy,
    compression: options.compression,
  };
  const groups: ReplicaGroup[] = [];
  const group = (targets: readonly ReplicaTarget[], label: string, pods: string): ReplicaGroup => {
    const created = createReplicaGroup(targets, { ...groupOptions, label, pods });
    groups.push(created);
    return created;
  };
  let shards: ReplicaGroup[];
  let before: ReplicaGroup | undefined;
  let after: ReplicaGroup | undefined;
  try {
    shards = sharded
      ? deployment.shards.map((targets, s) => group(targets, `shard ${s} of deployment "${name}"`, `${name}/shard-${s}/rep`))
      : [group(deployment.shards[0]!, `deployment "${name}"`, `${name}/rep`)];
    if (sharded && deployment.usesBefore) before = group(deployment.usesBefore, `usesBefore of deployment "${name}"`, `${name}/uses_before`);
    if (sharded && deployment.usesAfter) after = group(deployment.usesAfter, `usesAfter of deployment "${name}"`, `${name}/uses_after`);
  } catch (error) {
    for (const created of groups) created.close();
    throw error;
  }
  let nextShard = 0;
  const shardGroup = (shard = 0): ReplicaGroup => {
    const found = Number.isInteger(shard) ? shards[shard] : undefined;
    if (!found) {
      throw new JinaError(`Deployment "${name}" has no shard ${shard} (it has ${shards.length}: 0 to ${shards.length - 1})`, ErrorCode.InvalidArgument, { executor: name });
    }
    return found;
  };

  const fanOut = async (parts: readonly DataRequestProto[], sendOptions: GroupSendOptions): Promise<NodeReply[]> => {
    if (pollingOf(sendOptions.endpoint) === "ANY") {
      const shard = nextShard;
      nextShard = (nextShard + 1) % shards.length;
      return [labelShard(await shards[shard]!.send(parts, sendOptions), name, shard)];
    }
    // Clone-at-fork (proto/ownership.ts): an owned request may be changed in place by the first shard only; the others
    // get an unmarked view of it, which an in-process shard copies before working on it.
    const shared = (shard: number) => (shard === 0 ? parts : parts.map((part) => ({ ...part })));
    const settled = await Promise.allSettled(shards.map((shard, s) => shard.send(shared(s), sendOptions)));
    const canceled = settled.find((result) => result.status === "rejected" && ConnectError.from(result.reason).code === ErrorCode.Canceled);
    if (canceled) throw (canceled as PromiseRejectedResult).reason;
    return survivingShards(name, settled, options.logger);
  };

  // several shards, with their usesBefore / usesAfter
  const sendSharded = async (parts: readonly DataRequestProto[], sendOptions: GroupSendOptions): Promise<NodeReply> => {
    let input = parts;
    if (before) {
      const reply = await before.send(parts, sendOptions);
      if (reply.isError) return reply;
      input = [reply.response];
    }
    const replies = await fanOut(input, sendOptions);
    const failed = replies.find((reply) => reply.isError);
    if (failed) return failed;
    if (after) return await after.send(replies.map((reply) => reply.response), sendOptions);
    return { response: combineShards(replies.map((reply) => reply.response), { noReduce: deployment.noReduce === true }), isError: false };
  };

  return {
    name,
    health: () => ({
      shards: shards.map((shard) => shard.replicas()),
      ...(before ? { usesBefore: before.replicas() } : {}),
      ...(after ? { usesAfter: after.replicas() } : {}),
    }),
    send(parts, callOptions) {
      const sendOptions = deployment.metadata ? { ...callOptions, headers: { ...deployment.metadata, ...callOptions.headers } } : callOptions;
      // one replica group: its promise is handed on (no async frame of our own per call)
      return sharded ? sendSharded(parts, sendOptions) : shards[0]!.send(parts, sendOptions);
    },
    async endpoints(signal) {
      const settled = await Promise.allSettled(shards.map((shard) => shard.endpoints(signal)));
      const found = settled.filter((result): result is PromiseFulfilledResult<string[]> => result.status === "fulfilled");
      if (found.length > 0) return [...new Set(found.flatMap((result) => result.value))];
      const reasons = settled.map((result) => (result as PromiseRejectedResult).reason);
      if (reasons.every((reason) => ConnectError.from(reason).code === ErrorCode.Unimplemented)) return undefined;
      throw reasons.find((reason) => ConnectError.from(reason).code !== ErrorCode.Unimplemented);
    },
    addReplica: (target, joinOptions = {}) => shardGroup(joinOptions.shard).add(target, joinOptions),
    removeReplica: (target, shard, graceMs) => shardGroup(shard).remove(target, graceMs),
    close() {
      for (const created of groups) created.close();
    },
  };
}
