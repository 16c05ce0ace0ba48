/**
 * Starts one replica for any form of `uses`: a class in this process; a module specifier, an Executor YAML path
 * or an executor spec in a process of its own, or in this process with `inProcess`.
 *
 * @module
 */
import type { ExecutorSpec } from "../config/mod.ts";
import { configuredExecutor, Executor, isExecutorYamlPath } from "../executor/mod.ts";
import { type ExecutorClass, startInProcessReplica } from "./in-process-replica.ts";
import type { Uses } from "./options.ts";
import { startProcessReplica } from "./process-replica.ts";
import type { ReplicaSpec, RunningReplica } from "./replica.ts";

/** The replica's settings with the spec's `with`, `metas`, `requests`, `dynamicBatching` underneath its own. */
function withSpecValues(spec: ExecutorSpec, replica: ReplicaSpec): ReplicaSpec {
  const requests = { ...spec.requests, ...replica.usesRequests };
  const batching = { ...spec.dynamicBatching, ...replica.usesDynamicBatching };
  return {
    ...replica,
    usesWith: { ...spec.with, ...replica.usesWith },
    usesMetas: { ...spec.metas, ...replica.usesMetas },
    usesRequests: Object.keys(requests).length ? requests : undefined,
    usesDynamicBatching: Object.keys(batching).length ? batching : undefined,
  };
}

/**
 * Starts one replica of `uses`. A class runs in this process. A string or spec runs `executor/main.ts` in a process
 * of its own (an Executor YAML is read first, its values go under the deployment's `usesWith` & co.), unless
 * `inProcess` is set or the class is the base `Executor`: then the class is imported and runs here.
 *
 * @example
 * ```ts
 * const replica = await startReplica({ jtype: "./enc.ts#Encoder", with: { dim: 8 } }, spec, false);
 * ```
 */
export async function startReplica(uses: Uses, replica: ReplicaSpec, inProcess: boolean): Promise<RunningReplica> {
  if (typeof uses === "function") return await startInProcessReplica(uses, replica);
  if (!inProcess && typeof uses === "string" && !isExecutorYamlPath(uses)) return await startProcessReplica(uses, replica);
  const { cls, spec } = await configuredExecutor(uses, Executor);
  const settings = withSpecValues(spec, replica);
  if (inProcess || cls === (Executor as unknown)) return await startInProcessReplica(cls as ExecutorClass, settings);
  return await startProcessReplica(spec.jtype, settings);
}
