/**
 * Executors from configuration: a `uses` that is an Executor YAML path, `./file.ts#Class` or an executor spec
 * (`{ jtype, with, metas }`) becomes a class and the values it is constructed with; an instance remembers how it
 * was configured so that it can be saved back as Executor YAML.
 *
 * @module
 */
// config/ (zod, yaml) is imported only when a YAML is read or written: an executor process started from
// `./file.ts#Class` does not load it (issue 8, fast start).
import { baseExecutorNames, type ExecutorSpec, isExecutorSpec } from "../config/executor-spec.ts";
import type { LoadConfigOptions } from "../config/mod.ts";
import type { DynamicBatchingOptions } from "./dynamic-batching-config.ts";
import type { Executor } from "./executor.ts";
import { type ExecutorClass, loadExecutorClass } from "./load-executor.ts";
import type { ExecutorOptions } from "./options.ts";

/** How an instance was configured: its class specifier and the options it got. */
const configured = new WeakMap<Executor, { jtype?: string; options: ExecutorOptions }>();

/**
 * Remembers the options an executor was constructed with (the base constructor calls it).
 *
 * @example
 * ```ts
 * rememberOptions(this, options);
 * ```
 */
export function rememberOptions(executor: Executor, options: ExecutorOptions): void {
  configured.set(executor, { ...configured.get(executor), options });
}

const yamlPattern = /\.(ya?ml|jaml)$/i;

/**
 * Whether a `uses` string names an Executor YAML file.
 *
 * @example
 * ```ts
 * isExecutorYamlPath("executor1/config.yml"); // true
 * ```
 */
export function isExecutorYamlPath(uses: string): boolean {
  return yamlPattern.test(uses);
}

/**
 * The class and the spec of a `uses`: an Executor YAML path is loaded (see `config/`), `./file.ts#Class` is
 * imported, a spec's `jtype` is imported (`Executor` / `BaseExecutor`: the base class).
 *
 * @example
 * ```ts
 * const { cls, spec } = await configuredExecutor("executor1/config.yml");
 * new cls(optionsOfSpec(spec));
 * ```
 */
export async function configuredExecutor(
  uses: string | ExecutorSpec,
  base: ExecutorClass,
  options: LoadConfigOptions = {},
): Promise<{ cls: ExecutorClass; spec: ExecutorSpec }> {
  const spec = isExecutorSpec(uses)
    ? uses
    : isExecutorYamlPath(uses)
    ? await (await import("../config/executor-config.ts")).loadExecutorConfig(uses, options)
    : { jtype: uses };
  const cls = baseExecutorNames.includes(spec.jtype) ? base : await loadExecutorClass(spec.jtype);
  return { cls, spec };
}

/**
 * Constructor options from a spec, with overrides merged over it key by key (Jina's `uses_with` over `with`, …).
 *
 * @example
 * ```ts
 * optionsOfSpec({ jtype: "E", with: { dim: 8, k: 1 } }, { with: { dim: 16 } }); // { dim: 16, k: 1 }
 * ```
 */
export function optionsOfSpec(spec: ExecutorSpec, overrides: Omit<ExecutorSpec, "jtype"> = {}): ExecutorOptions {
  const requests = { ...spec.requests, ...overrides.requests };
  const batching = { ...spec.dynamicBatching, ...overrides.dynamicBatching } as Record<string, DynamicBatchingOptions>;
  return {
    ...spec.with,
    ...overrides.with,
    metas: { ...spec.metas, ...overrides.metas },
    ...(Object.keys(requests).length ? { requests } : {}),
    ...(Object.keys(batching).length ? { dynamicBatching: batching } : {}),
  };
}

/**
 * Constructor options with a spec's values underneath: `options` (a Flow's or the command line's) win key by
 * key in the top level, `metas`, `requests` and `dynamicBatching`.
 *
 * @example
 * ```ts
 * underSpec({ jtype: "E", with: { dim: 8 }, metas: { description: "d" } }, { metas: { name: "enc" } });
 * // { dim: 8, metas: { description: "d", name: "enc" } }
 * ```
 */
export function underSpec(spec: ExecutorSpec, options: ExecutorOptions): ExecutorOptions {
  const base = optionsOfSpec(spec);
  const requests = { ...base.requests, ...options.requests };
  const batching = { ...base.dynamicBatching, ...options.dynamicBatching };
  return {
    ...base,
    ...options,
    metas: { ...base.metas, ...options.metas },
    ...(Object.keys(requests).length ? { requests } : {}),
    ...(Object.keys(batching).length ? { dynamicBatching: batching } : {}),
  };
}

/**
 * Loads an Executor YAML (or `./file.ts#Class`) and constructs the executor.
 *
 * @example
 * ```ts
 * const executor = await loadExecutor("executor1/config.yml", { context: { dim: 64 } });
 * ```
 */
export async function loadExecutor(path: string, base: ExecutorClass, options: LoadConfigOptions = {}): Promise<Executor> {
  const { cls, spec } = await configuredExecutor(path, base, options);
  const executor = new cls(optionsOfSpec(spec));
  configured.set(executor, { ...configured.get(executor)!, jtype: spec.jtype });
  return executor;
}

/**
 * Writes an executor as Executor YAML: `jtype` (with its module when it was loaded from one), `with` (its
 * constructor values), `metas` and `requests` as given.
 *
 * @example
 * ```ts
 * await saveExecutor(executor, "saved.yml");
 * ```
 */
export async function saveExecutor(executor: Executor, path: string): Promise<void> {
  const record = configured.get(executor);
  const { metas, runtimeArgs: _runtimeArgs, requests, dynamicBatching, ...values } = record?.options ?? {};
  const { saveExecutorConfig } = await import("../config/save.ts");
  saveExecutorConfig(
    {
      jtype: record?.jtype ?? executor.constructor.name,
      ...(Object.keys(values).length ? { with: values } : {}),
      ...(metas && Object.keys(metas).length ? { metas } : {}),
      ...(requests ? { requests } : {}),
      ...(dynamicBatching ? { dynamicBatching: dynamicBatching as ExecutorSpec["dynamicBatching"] & object } : {}),
    },
    path,
  );
}
