/**
 * The options an Executor is constructed with (Jina's `uses_with`, `metas`, `runtime_args`, `uses_requests`) and
 * the arguments every handler receives.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { DocumentArray } from "../docarray/mod.ts";
import type { DynamicBatchingOptions } from "./dynamic-batching-config.ts";

/**
 * Jina's `metas`: who the executor is. `name` defaults to the class name.
 *
 * @example
 * ```ts
 * const metas: ExecutorMetas = { name: "encoder", workspace: "./ws" };
 * ```
 */
export interface ExecutorMetas {
  /** The executor's name (the deployment name in a Flow); the class name by default. */
  name: string;
  /** Root of the workspace, when `runtimeArgs.workspace` is not set. */
  workspace?: string;
  /** A free-text description. */
  description?: string;
  /** Any other `uses_metas` value (`url`, `keywords`, ...). */
  [key: string]: unknown;
}

/**
 * Jina's `runtime_args`: where this instance runs. Injected by the Flow; defaults for an executor used alone.
 *
 * @example
 * ```ts
 * const args: RuntimeArgs = { name: "encoder/rep-0", shardId: 0, shards: 1, replicas: 1 };
 * ```
 */
export interface RuntimeArgs {
  /** The pod name, e.g. `"encoder/rep-0"` or `"indexer/shard-1/rep-0"`; `metas.name` by default. */
  name: string;
  /** This shard's index (0-based). */
  shardId: number;
  /** How many shards the deployment has. */
  shards: number;
  /** How many replicas each shard has. */
  replicas: number;
  /** The Flow's workspace root (takes precedence over `metas.workspace`). */
  workspace?: string;
}

/**
 * What an Executor's constructor receives: the `usesWith` values spread at the top level, plus `metas`,
 * `runtimeArgs`, `requests` (endpoint → method name overrides, Jina's `uses_requests`) and `dynamicBatching`
 * (Jina's `uses_dynamic_batching`).
 *
 * @example
 * ```ts
 * class Encoder extends Executor {
 *   readonly dim: number;
 *   constructor(options: ExecutorOptions & { dim?: number } = {}) {
 *     super(options);
 *     this.dim = options.dim ?? 128;
 *   }
 * }
 * new Encoder({ dim: 64, metas: { name: "enc" }, requests: { "/embed": "encode" }, dynamicBatching: { "/embed": { preferredBatchSize: 32 } } });
 * ```
 */
export interface ExecutorOptions {
  /** Overrides of {@link ExecutorMetas}. */
  metas?: Partial<ExecutorMetas>;
  /** Overrides of {@link RuntimeArgs} (set by the Flow). */
  runtimeArgs?: Partial<RuntimeArgs>;
  /** Endpoint → method name. Re-binds the endpoint and removes the method's previous endpoints. */
  requests?: Record<string, string>;
  /**
   * Dynamic batching by endpoint (`"/embed"`) or method name (`"embed"`), Jina's `uses_dynamic_batching`: overrides
   * `@dynamicBatching` / `bindDynamicBatching` key by key; an endpoint key wins over its method's key.
   */
  dynamicBatching?: Record<string, DynamicBatchingOptions>;
  /** The `usesWith` values. */
  [usesWith: string]: unknown;
}

/**
 * The single argument of every request handler.
 *
 * @example
 * ```ts
 * class Ranker extends Executor {
 *   @requests("/search")
 *   rank({ docs, parameters, signal }: HandlerArgs) {
 *     const limit = Number(parameters.limit ?? 10);
 *     for (const doc of docs) if (!signal.aborted) doc.matches = [...doc.matches].slice(0, limit);
 *   }
 * }
 * ```
 */
export interface HandlerArgs {
  /** The request's documents (for `process_data`, all parts concatenated). Mutate them or return new ones. */
  docs: DocumentArray;
  /** The request parameters, with `parameters[metas.name]` merged in when it is an object. A copy. */
  parameters: JsonObject;
  /** One DocumentArray per part, when several parts arrive at once (`noReduce`); otherwise undefined. */
  docsMatrix?: DocumentArray[];
  /** The parts by the last executor each went through, when several parts arrive at once. */
  docsMap?: Record<string, DocumentArray>;
  /** Aborted when the caller cancels or its deadline passes. */
  signal: AbortSignal;
}

/**
 * What a handler may return: nothing (the docs as mutated), a DocumentArray (replaces the docs) or a plain object
 * (stored in `parameters.__results__[metas.name]`).
 *
 * @example
 * ```ts
 * const handler = ({ docs }: HandlerArgs): HandlerResult => ({ count: docs.length });
 * ```
 */
export type HandlerResult = void | undefined | null | DocumentArray | JsonObject;

/**
 * A request handler: a method of an Executor bound to one or more endpoints.
 *
 * @example
 * ```ts
 * const noop: Handler = () => {};
 * ```
 */
export type Handler = (args: HandlerArgs) => HandlerResult | Promise<HandlerResult>;
