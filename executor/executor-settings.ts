/**
 * What the one who starts an executor decides about it (a Flow for each replica, or `jina-ts executor`'s flags),
 * and the two forms it takes: the constructor's options object, and the flags of `executor/main.ts`.
 *
 * @module
 */
import type { DynamicBatchingOptions } from "./dynamic-batching-config.ts";
import type { ExecutorOptions } from "./options.ts";

/**
 * An executor's settings: Jina's `uses_with`, `uses_metas`, `uses_requests`, `uses_dynamic_batching` and the
 * runtime arguments of one replica.
 *
 * @example
 * ```ts
 * const settings: ExecutorSettings = { name: "encoder", shardId: 0, shards: 1, replicas: 2, usesWith: { dim: 64 }, usesMetas: {} };
 * ```
 */
export interface ExecutorSettings {
  /** The executor name (`metas.name`); the class name when absent. */
  name?: string;
  /** The workspace root; the executor's own folder is `<workspace>/<name>/<shardId>`. */
  workspace?: string;
  /** The pod name (`runtimeArgs.name`), e.g. `encoder/rep-0`. */
  podName?: string;
  shardId: number;
  shards: number;
  replicas: number;
  usesWith: Record<string, unknown>;
  usesMetas: Record<string, unknown>;
  usesRequests?: Record<string, string>;
  /** Endpoint or method → `{ preferredBatchSize, timeout }` (checked by the constructor). */
  usesDynamicBatching?: Record<string, DynamicBatchingOptions>;
}

/**
 * The options object an Executor's constructor receives for these settings.
 *
 * @example
 * ```ts
 * const executor = new Encoder(executorOptionsOf({ name: "encoder", shardId: 0, shards: 1, replicas: 1, usesWith: { dim: 64 }, usesMetas: {} }));
 * ```
 */
export function executorOptionsOf(settings: ExecutorSettings): ExecutorOptions {
  return {
    ...settings.usesWith,
    metas: {
      ...(settings.name ? { name: settings.name } : {}),
      ...(settings.workspace ? { workspace: settings.workspace } : {}),
      ...settings.usesMetas,
    },
    runtimeArgs: {
      ...(settings.podName ? { name: settings.podName } : {}),
      shardId: settings.shardId,
      shards: settings.shards,
      replicas: settings.replicas,
      ...(settings.workspace ? { workspace: settings.workspace } : {}),
    },
    ...(settings.usesRequests ? { requests: settings.usesRequests } : {}),
    ...(settings.usesDynamicBatching ? { dynamicBatching: settings.usesDynamicBatching } : {}),
  };
}

/**
 * The flags of `executor/main.ts` (and `jina-ts executor`) for these settings: what
 * {@link parseExecutorArgs} reads back.
 *
 * @example
 * ```ts
 * executorFlagsOf({ name: "encoder", shardId: 0, shards: 1, replicas: 1, usesWith: {}, usesMetas: {} });
 * // ["--shard-id", "0", "--shards", "1", "--replicas", "1", "--uses-with", "{}", "--uses-metas", "{}", "--name", "encoder"]
 * ```
 */
export function executorFlagsOf(settings: ExecutorSettings): string[] {
  const optional = (flag: string, value: string | undefined) => (value ? [flag, value] : []);
  const json = (flag: string, value: object | undefined) => (value ? [flag, JSON.stringify(value)] : []);
  return [
    "--shard-id", String(settings.shardId),
    "--shards", String(settings.shards),
    "--replicas", String(settings.replicas),
    ...json("--uses-with", settings.usesWith),
    ...json("--uses-metas", settings.usesMetas),
    ...optional("--name", settings.name),
    ...optional("--workspace", settings.workspace),
    ...optional("--pod-name", settings.podName),
    ...json("--uses-requests", settings.usesRequests),
    ...json("--uses-dynamic-batching", settings.usesDynamicBatching),
  ];
}
