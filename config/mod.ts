/**
 * Flow YAML and Executor YAML (Jina's v1 format): read with a size limit, variables substituted, validated with
 * zod (errors at `file:line:col` with the key path and the nearest key), `uses` resolved against the file, saved
 * back, and exported as JSON Schema. Used by `flow/`, `executor/` and `cli/`.
 *
 * @example
 * ```ts
 * import { loadFlowConfig } from "jina-ts/config";
 * const config = await loadFlowConfig("flow.yml", { context: { dim: 64 } });
 * console.log(config.deployments.map((d) => d.name));
 * ```
 *
 * @module
 */
export { loadFlowConfig } from "./flow-config.ts";
export { loadExecutorConfig, resolveUses } from "./executor-config.ts";
export { baseExecutorNames, isExecutorSpec } from "./executor-spec.ts";
export { hubUsesMessage, isHubUses } from "./hub-uses.ts";
export { executorSpecToYaml, flowConfigToYaml, saveExecutorConfig, saveFlowConfig } from "./save.ts";
export { configJsonSchema } from "./json-schema.ts";
export { deploymentSchema, executorSchema, flowSchema, gatewayShape, inheritedShape } from "./schema.ts";
export { defaultMaxYamlBytes, isYamlText, maxAliasCount } from "./source.ts";
export { camelKey, nearestKey, snakeKey } from "./keys.ts";

export type { DeploymentConfig, FlowConfig, FlowConfigOptions, ResolvedUses } from "./flow-config.ts";
export type { LoadConfigOptions } from "./executor-config.ts";
export type { BatchingSpec, ExecutorSpec } from "./executor-spec.ts";
export type { SubstituteOptions } from "./variables.ts";
export type { ReadYamlOptions } from "./source.ts";
