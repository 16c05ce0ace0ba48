/**
 * Starts a replica of an Executor class inside the flow's process, reached over Connect's in-memory transport.
 *
 * @module
 */
import { createExecutorTransport, drainExecutor, type Executor, executorOptionsOf, serveExecutorMetrics } from "../executor/mod.ts";
import type { Server } from "../runtime/mod.ts";
import { type ReplicaSpec, type RunningReplica, settingsOf } from "./replica.ts";

/** An Executor subclass, constructed with Jina's options object. */
export type ExecutorClass = new (options?: never) => Executor;

/**
 * Instantiates the executor class for one replica and returns it with an in-memory transport. With
 * `spec.monitoring` its metrics are served on their own port (`portMonitoring`), closed with the replica.
 *
 * @example
 * ```ts
 * const replica = await startInProcessReplica(Encoder, spec);
 * ```
 */
export async function startInProcessReplica(cls: ExecutorClass, spec: ReplicaSpec): Promise<RunningReplica> {
  const name = spec.podName;
  const Constructor = cls as unknown as new (options: Record<string, unknown>) => Executor;
  const executor = new Constructor(executorOptionsOf(settingsOf(spec)));
  let monitoring: Server | undefined;
  if (spec.monitoring) {
    try {
      monitoring = await serveExecutorMetrics(executor, { port: spec.portMonitoring, host: spec.host });
    } catch (error) {
      await executor.close();
      throw error;
    }
  }
  let closed = false;
  return {
    podName: name,
    shardId: spec.shardId,
    replicaId: spec.replicaId,
    target: createExecutorTransport(executor),
    ...(monitoring ? { portMonitoring: monitoring.port } : {}),
    async close() {
      if (closed) return;
      closed = true;
      await drainExecutor(executor, spec.gracePeriod);
      await monitoring?.close();
      await executor.close();
    },
  };
}
