/**
 * Changing a running deployment's replicas without losing a request (Jina 3.0–3.2's `scale` and
 * `rolling_update`): new replicas join the gateway's rotation only once they are SERVING; leaving ones are first
 * taken out of it, then drained, then stopped.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { ResolvedDeployment, RunningDeployment } from "./deployment.ts";
import type { DeploymentOptions } from "./options.ts";
import type { RunningReplica } from "./replica.ts";

/**
 * What scaling needs from the flow: how to start a replica, and the gateway's rotation of one shard.
 *
 * @example
 * ```ts
 * const replicas: ReplicaChanges = {
 *   start: (shard, id) => startShardReplica(resolved, defaults, shard, id, "free"),
 *   join: (shard, replica) => gateway.addReplica("encoder", replica.target, { shard }),
 *   leave: (shard, replica) => gateway.removeReplica("encoder", replica.target, { shard }).then(() => {}),
 * };
 * ```
 */
export interface ReplicaChanges {
  /** Starts replica `replicaId` of shard `shard` from the deployment's current options; resolves once it is ready. */
  start(shard: number, replicaId: number): Promise<RunningReplica>;
  /** Puts a started replica in the gateway's rotation once it is SERVING. */
  join(shard: number, replica: RunningReplica): Promise<void>;
  /** Takes a replica out of the rotation and waits for its calls in flight. */
  leave(shard: number, replica: RunningReplica): Promise<void>;
}

/**
 * The options {@link rollingUpdate} can change, each replacing the deployment's own (Jina's `rolling_update`
 * replaces `uses_with`).
 *
 * @example
 * ```ts
 * const update: RollingUpdateOptions = { usesWith: { model: "v2" }, env: { LOG_LEVEL: "debug" } };
 * ```
 */
export type RollingUpdateOptions = Pick<DeploymentOptions, "usesWith" | "usesMetas" | "env">;

const updatable = ["usesWith", "usesMetas", "env"] as const;

/**
 * Checks a rolling update's options: only {@link RollingUpdateOptions} keys, each an object.
 *
 * @example
 * ```ts
 * checkRollingUpdate("encoder", { usesWith: { model: "v2" } });
 * ```
 */
export function checkRollingUpdate(name: string, update: RollingUpdateOptions): RollingUpdateOptions {
  if (typeof update !== "object" || update === null || Array.isArray(update)) {
    throw new JinaError(`rollingUpdate("${name}", options): options must be an object such as { usesWith: {...} }`, ErrorCode.InvalidArgument);
  }
  for (const [key, value] of Object.entries(update)) {
    if (!(updatable as readonly string[]).includes(key)) {
      throw new JinaError(
        `rollingUpdate("${name}"): "${key}" cannot be changed on running replicas (it can: ${updatable.join(", ")}); for other options start a new flow`,
        ErrorCode.InvalidArgument,
      );
    }
    if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))) {
      throw new JinaError(`rollingUpdate("${name}"): ${key} must be an object, got ${JSON.stringify(value)}`, ErrorCode.InvalidArgument);
    }
  }
  return update;
}

/**
 * The options of `update` that the deployment runs with after {@link rollingUpdate}: all of them, or none when the
 * update failed before it replaced a replica (its options were rolled back).
 *
 * @example
 * ```ts
 * await rollingUpdate(resolved, running, update, changes).finally(() => saved = appliedUpdate(resolved, update));
 * ```
 */
export function appliedUpdate(resolved: ResolvedDeployment, update: RollingUpdateOptions): RollingUpdateOptions {
  return Object.fromEntries(updatable.filter((key) => update[key] !== undefined && resolved.options[key] === update[key]).map((key) => [key, update[key]]));
}

/**
 * Grows or shrinks every shard of a running deployment to `replicas`. Growing starts the new replicas in
 * parallel and lets each join once SERVING; if one fails, those started are taken out again and stopped, and the
 * deployment keeps its size. Shrinking takes the last replicas out of the rotation, drains and stops them.
 *
 * @example
 * ```ts
 * await scaleReplicas(resolved, running, 3, changes); // encoder/rep-1 and encoder/rep-2 join
 * ```
 */
export async function scaleReplicas(resolved: ResolvedDeployment, running: RunningDeployment, replicas: number, changes: ReplicaChanges): Promise<void> {
  const before = resolved.replicas;
  if (replicas > before) {
    resolved.replicas = replicas; // new replicas see the new count in runtimeArgs.replicas
    const joined: [number, RunningReplica][] = [];
    const starts = running.shards.flatMap((current, shard) =>
      Array.from({ length: replicas - current.length }, async (_, index) => {
        const replica = await changes.start(shard, current.length + index);
        try {
          await changes.join(shard, replica);
        } catch (error) {
          await replica.close();
          throw error;
        }
        joined.push([shard, replica]);
      })
    );
    const failed = (await Promise.allSettled(starts)).find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) {
      resolved.replicas = before;
      await Promise.allSettled(joined.map(async ([shard, replica]) => (await changes.leave(shard, replica), await replica.close())));
      throw new JinaError(
        `Deployment "${resolved.name}" could not scale to ${replicas} replicas, it keeps ${before}: ${JinaError.from(failed.reason).message}`,
        JinaError.from(failed.reason).code,
        { executor: resolved.name, cause: failed.reason },
      );
    }
    for (const [shard, replica] of joined.sort(([, a], [, b]) => a.replicaId - b.replicaId)) running.shards[shard]!.push(replica);
    return;
  }
  resolved.replicas = replicas;
  await Promise.all(running.shards.map(async (current, shard) => {
    const leaving = current.splice(replicas);
    await Promise.all(leaving.map(async (replica) => {
      try {
        await changes.leave(shard, replica);
      } finally {
        await replica.close();
      }
    }));
  }));
}

/**
 * Replaces every replica of a running deployment, one at a time, by one started with `update` applied: the new
 * one joins once SERVING, then the old one leaves (out of the rotation, drained, stopped), so a shard never has
 * fewer replicas serving than before. When a new replica fails to start, the update stops there and the error
 * says how many replicas were replaced.
 *
 * @example
 * ```ts
 * await rollingUpdate(resolved, running, { usesWith: { model: "v2" } }, changes);
 * ```
 */
export async function rollingUpdate(resolved: ResolvedDeployment, running: RunningDeployment, update: RollingUpdateOptions, changes: ReplicaChanges): Promise<void> {
  const previous = resolved.options;
  resolved.options = { ...previous, ...Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined)) };
  let replaced = 0;
  const total = running.shards.reduce((sum, replicas) => sum + replicas.length, 0);
  for (const [shard, replicas] of running.shards.entries()) {
    for (let index = 0; index < replicas.length; index++) {
      const old = replicas[index]!;
      let fresh: RunningReplica | undefined;
      try {
        fresh = await changes.start(shard, old.replicaId);
        await changes.join(shard, fresh);
      } catch (error) {
        await fresh?.close();
        if (replaced === 0) resolved.options = previous;
        const cause = JinaError.from(error);
        throw new JinaError(
          `Rolling update of deployment "${resolved.name}" stopped after ${replaced} of ${total} replicas: ${old.podName} could not be replaced (${cause.message})`,
          cause.code,
          { executor: resolved.name, cause: error },
        );
      }
      replicas[index] = fresh;
      await changes.leave(shard, old);
      await old.close();
      replaced++;
    }
  }
}
