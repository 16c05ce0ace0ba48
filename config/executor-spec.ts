/**
 * What an Executor YAML (or an inline `uses: { jtype, with, metas }`) resolves to: the module specifier of the
 * class and the values it is constructed with.
 *
 * @module
 */

/** Dynamic batching of one endpoint or method. */
export interface BatchingSpec {
  preferredBatchSize: number;
  timeout?: number;
}

/**
 * An executor as configured: `jtype` is `"/abs/path/file.ts#Class"` (or `"Executor"` for the no-op base class),
 * `with` its constructor values, `metas`, `requests` (endpoint → method) and `dynamicBatching`.
 *
 * @example
 * ```ts
 * const spec: ExecutorSpec = { jtype: "./encoder.ts#Encoder", with: { dim: 64 }, metas: { name: "enc" } };
 * new Flow().add({ uses: spec });
 * ```
 */
export interface ExecutorSpec {
  jtype: string;
  with?: Record<string, unknown>;
  metas?: Record<string, unknown>;
  requests?: Record<string, string>;
  dynamicBatching?: Record<string, BatchingSpec>;
}

/** The `jtype` of the no-op base Executor (Jina's `BaseExecutor`). */
export const baseExecutorNames: readonly string[] = ["Executor", "BaseExecutor"];

/**
 * Whether a value is an {@link ExecutorSpec} (an object with a string `jtype`).
 *
 * @example
 * ```ts
 * isExecutorSpec({ jtype: "./enc.ts#Encoder" }); // true
 * ```
 */
export function isExecutorSpec(value: unknown): value is ExecutorSpec {
  return typeof value === "object" && value !== null && typeof (value as { jtype?: unknown }).jtype === "string";
}
