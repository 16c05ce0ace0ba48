/**
 * Writes Flow and Executor configurations back as YAML (Jina's v1 format, snake_case keys), with paths relative
 * to the file written, so that loading the saved file gives the same flow.
 *
 * @module
 */
import { stringify } from "yaml";
import { directoryOf, relativeTo, writeText } from "../runtime/mod.ts";
import { isExecutorSpec, type ExecutorSpec } from "./executor-spec.ts";
import type { DeploymentConfig, FlowConfigOptions, ResolvedUses } from "./flow-config.ts";
import { snakeKey } from "./keys.ts";
import { gatewayShape } from "./schema.ts";

const gatewayKeys = new Set(Object.keys(gatewayShape));

function snakeKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined).map(([key, value]) => [snakeKey(key), value]));
}

function relativeSpecifier(dir: string, specifier: string): { module?: string; name: string } {
  const hash = specifier.lastIndexOf("#");
  if (hash < 0) return specifier.includes("/") ? { module: relativeTo(dir, specifier), name: "" } : { name: specifier };
  return { module: relativeTo(dir, specifier.slice(0, hash)), name: specifier.slice(hash + 1) };
}

/**
 * An {@link ExecutorSpec} as Executor YAML fields: `jtype` the class name with its module in `modules`.
 *
 * @example
 * ```ts
 * executorSpecToYaml({ jtype: "/srv/enc.ts#Encoder", with: { dim: 8 } }, "/srv"); // { jtype: "Encoder", modules: ["./enc.ts"], with: { dim: 8 } }
 * ```
 */
export function executorSpecToYaml(spec: ExecutorSpec, dir: string): Record<string, unknown> {
  const { module, name } = relativeSpecifier(dir, spec.jtype);
  const dynamicBatching = spec.dynamicBatching
    ? Object.fromEntries(Object.entries(spec.dynamicBatching).map(([key, value]) => [key, snakeKeys({ ...value })]))
    : undefined;
  return snakeKeys({
    jtype: name || spec.jtype,
    ...(module ? { modules: [module] } : {}),
    with: spec.with,
    metas: spec.metas,
    requests: spec.requests,
    dynamicBatching,
  });
}

function usesToYaml(uses: ResolvedUses, dir: string): unknown {
  if (isExecutorSpec(uses)) return executorSpecToYaml(uses, dir);
  const { module, name } = relativeSpecifier(dir, uses);
  return module ? `${module}${name ? `#${name}` : ""}` : name;
}

function deploymentToYaml(deployment: DeploymentConfig, dir: string): Record<string, unknown> {
  const { method, uses, usesBefore, usesAfter, usesDynamicBatching, ...rest } = deployment;
  const batching = usesDynamicBatching
    ? Object.fromEntries(Object.entries(usesDynamicBatching).map(([key, value]) => [key, snakeKeys({ ...value })]))
    : undefined;
  // name, method and uses first, as a person writes a deployment (Jina's examples), then the other options
  return snakeKeys({
    name: rest.name,
    ...(method !== "add" ? { method } : {}),
    uses: uses === undefined ? undefined : usesToYaml(uses, dir),
    usesBefore: usesBefore === undefined ? undefined : usesToYaml(usesBefore, dir),
    usesAfter: usesAfter === undefined ? undefined : usesToYaml(usesAfter, dir),
    ...rest,
    usesDynamicBatching: batching,
  });
}

/**
 * A Flow YAML text for `options` and `deployments`, paths relative to `dir` (the directory it will be written
 * to): gateway arguments under `gateway:`, the rest under `with:`, the deployments under `executors:`.
 *
 * @example
 * ```ts
 * const text = flowConfigToYaml({ options: { protocol: ["http"] }, deployments: [{ name: "a", method: "add" }] }, ".");
 * ```
 */
export function flowConfigToYaml(config: { options: FlowConfigOptions; deployments: DeploymentConfig[] }, dir: string): string {
  const gateway: Record<string, unknown> = {};
  const withOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config.options)) {
    if (value === undefined) continue;
    if (key === "tls" && value && typeof value === "object") {
      const { cert, key: privateKey } = value as { cert: string; key: string };
      gateway.tls = { cert: relativeTo(dir, cert), key: relativeTo(dir, privateKey) };
    } else if (key === "usesDynamicBatching") {
      withOptions[key] = Object.fromEntries(Object.entries(value as object).map(([name, batch]) => [name, snakeKeys({ ...batch })]));
    } else {
      (gatewayKeys.has(key) ? gateway : withOptions)[key] = value;
    }
  }
  const document = {
    jtype: "Flow",
    version: "1",
    ...(Object.keys(withOptions).length ? { with: snakeKeys(withOptions) } : {}),
    ...(Object.keys(gateway).length ? { gateway: snakeKeys(gateway) } : {}),
    executors: config.deployments.map((deployment) => deploymentToYaml(deployment, dir)),
  };
  return stringify(document, { lineWidth: 0 });
}

/**
 * Writes a Flow YAML file (see {@link flowConfigToYaml}).
 *
 * @example
 * ```ts
 * saveFlowConfig(config, "saved/flow.yml");
 * ```
 */
export function saveFlowConfig(config: { options: FlowConfigOptions; deployments: DeploymentConfig[] }, path: string): void {
  writeText(path, flowConfigToYaml(config, directoryOf(path)));
}

/**
 * Writes an Executor YAML file for `spec`, the module path relative to the file.
 *
 * @example
 * ```ts
 * saveExecutorConfig({ jtype: "/srv/enc.ts#Encoder", with: { dim: 8 } }, "/srv/enc.yml");
 * ```
 */
export function saveExecutorConfig(spec: ExecutorSpec, path: string): void {
  writeText(path, stringify(executorSpecToYaml(spec, directoryOf(path)), { lineWidth: 0 }));
}
