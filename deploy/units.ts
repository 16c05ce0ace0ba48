/**
 * What an export runs for a flow: one unit per shard of each deployment (plus its `usesBefore` / `usesAfter`),
 * each with its image, its `jina-ts executor` flags, env, volumes and GPUs. Kubernetes makes a Deployment (or
 * StatefulSet) per unit with `replicas` pods; docker-compose a service per replica.
 *
 * @module
 */
import { baseExecutorNames, type ExecutorSpec } from "../config/mod.ts";
import { type DynamicBatchingOptions, executorFlagsOf } from "../executor/mod.ts";
import type { FlowDescription, ResolvedDeployment, Uses } from "../flow/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { jinaTsVersion } from "../proto/server/mod.ts";
import { currentDir, getEnv } from "../runtime/mod.ts";

/**
 * The workspace folder inside containers (the image's `VOLUME`).
 *
 * @example
 * ```ts
 * `${containerWorkspace}/encoder/0`; // an executor's own folder in its container
 * ```
 */
export const containerWorkspace = "/workspace";

/**
 * One exported unit: a shard of a deployment, or its `usesBefore` / `usesAfter` executor.
 *
 * @example
 * ```ts
 * const unit: ExportUnit = exportUnits(flow.describe())[0]!; // { name: "encoder", replicas: 2, args: ["executor", …], … }
 * ```
 */
export interface ExportUnit {
  /** The deployment it belongs to. */
  deployment: string;
  role: "shard" | "uses_before" | "uses_after";
  shardId: number;
  /** Its Kubernetes / compose name: `encoder`, `indexer-1`, `indexer-uses-before` (Jina's `to_compatible_name`). */
  name: string;
  replicas: number;
  /** Jina's pod name of each replica: `encoder/rep-0`, `indexer/shard-1/rep-0`, `indexer/uses_before-0`. */
  pods: string[];
  image: string;
  /** `jina-ts executor` and its flags, without `--host`, `--port` and `--pod-name` (each export adds its own). */
  args: string[];
  env: Record<string, string>;
  volumes: string[];
  gpus: number | undefined;
  monitoring: boolean;
}

/**
 * Options every export takes.
 *
 * @example
 * ```ts
 * const options: ExportOptions = { image: "registry.example/search:1.2" };
 * ```
 */
export interface ExportOptions {
  /** The default image of every pod and of the gateway (default: `JINA_TS_IMAGE`, else `jina-ts:<version>`). */
  image?: string;
}

/**
 * Jina's `to_compatible_name`: lowercase, `/` and `_` become `-` (Kubernetes and DNS names).
 *
 * @example
 * ```ts
 * toCompatibleName("My_Indexer/shard-0"); // "my-indexer-shard-0"
 * ```
 */
export function toCompatibleName(name: string): string {
  return name.replace(/[/_]/g, "-").toLowerCase();
}

/**
 * The image of the gateway and of deployments without `image`: `options.image`, `JINA_TS_IMAGE`, or
 * `jina-ts:<version>`.
 *
 * @example
 * ```ts
 * defaultImage({}); // "jina-ts:0.1.0" unless JINA_TS_IMAGE is set
 * ```
 */
export function defaultImage(options: ExportOptions): string {
  return options.image ?? getEnv("JINA_TS_IMAGE") ?? `jina-ts:${jinaTsVersion}`;
}

/**
 * The units of a flow, deployment by deployment; external deployments have none (the gateway gets their address).
 * A deployment whose `uses` is a class cannot run in a container and is refused, naming it.
 *
 * @example
 * ```ts
 * exportUnits(new Flow().add({ name: "indexer", uses: "./indexer.ts#Indexer", shards: 2 }).describe()).map((unit) => unit.name);
 * // ["indexer-0", "indexer-1"]
 * ```
 */
export function exportUnits(description: FlowDescription, options: ExportOptions = {}): ExportUnit[] {
  const units: ExportUnit[] = [];
  for (const deployment of description.deployments) {
    if (deployment.options.external) continue;
    const { name, shards, replicas, options: o } = deployment;
    const common = {
      deployment: name,
      image: o.image ?? defaultImage(options),
      env: { JINA_LOG_LEVEL: "INFO", ...description.options.env, ...o.env },
      volumes: o.volumes ?? [],
      gpus: o.gpus,
      monitoring: o.monitoring ?? description.options.monitoring ?? false,
    };
    const main = containerUses(deployment, "uses", o.uses);
    const gracePeriod = o.gracePeriod ?? description.options.gracePeriod;
    // the bounds a replica process of the flow gets too (flow/process-replica.ts)
    const bounds = [
      ...(gracePeriod === undefined ? [] : ["--grace-period", String(gracePeriod)]),
      ...(description.options.maxDocs === undefined ? [] : ["--max-docs", String(description.options.maxDocs)]),
    ];
    const requests = { ...main.spec?.requests, ...o.usesRequests };
    const batching = { ...main.spec?.dynamicBatching, ...o.usesDynamicBatching } as Record<string, DynamicBatchingOptions>;
    for (let shardId = 0; shardId < shards; shardId++) {
      units.push({
        ...common,
        role: "shard",
        shardId,
        name: toCompatibleName(shards > 1 ? `${name}-${shardId}` : name),
        replicas,
        pods: Array.from({ length: replicas }, (_, r) => (shards > 1 ? `${name}/shard-${shardId}/rep-${r}` : `${name}/rep-${r}`)),
        args: [
          "executor",
          "--uses", main.uses,
          ...executorFlagsOf({
            name,
            workspace: containerWorkspace,
            shardId,
            shards,
            replicas,
            usesWith: { ...main.spec?.with, ...o.usesWith },
            usesMetas: { ...main.spec?.metas, ...o.usesMetas },
            ...(Object.keys(requests).length ? { usesRequests: requests } : {}),
            ...(Object.keys(batching).length ? { usesDynamicBatching: batching } : {}),
          }),
          ...(o.polling === undefined ? [] : ["--polling", typeof o.polling === "string" ? o.polling : JSON.stringify(o.polling)]),
          ...bounds,
        ],
      });
    }
    for (const role of ["uses_before", "uses_after"] as const) {
      const uses = role === "uses_before" ? o.usesBefore : o.usesAfter;
      if (shards === 1 || uses === undefined) continue;
      units.push({
        ...common,
        volumes: [],
        gpus: undefined,
        role,
        shardId: 0,
        name: toCompatibleName(`${name}-${role}`),
        replicas: 1,
        pods: [`${name}/${role}-0`],
        args: [
          "executor",
          ...((helper) => [
            "--uses", helper.uses,
            ...executorFlagsOf({
              name: `${name}/${role}`,
              workspace: containerWorkspace,
              shardId: 0,
              shards: 1,
              replicas: 1,
              usesWith: helper.spec?.with ?? {},
              usesMetas: helper.spec?.metas ?? {},
              ...(helper.spec?.requests ? { usesRequests: helper.spec.requests } : {}),
            }),
          ])(containerUses(deployment, role === "uses_before" ? "usesBefore" : "usesAfter", uses)),
          ...bounds,
        ],
      });
    }
  }
  return units;
}

/** What a container runs for `uses`: `--uses` (relative to the image's working directory) and an inline spec's values. */
interface ContainerUses {
  uses: string;
  spec: Omit<ExecutorSpec, "jtype"> | undefined;
}

/** `uses` as a container runs it: a module specifier or YAML path, or an inline spec's `jtype` and values. */
function containerUses(deployment: ResolvedDeployment, option: string, uses: Uses | undefined): ContainerUses {
  if (uses === undefined) return { uses: "BaseExecutor", spec: undefined };
  if (typeof uses === "function") {
    throw new JinaError(
      `Deployment "${deployment.name}" runs the class ${uses.name || "(anonymous)"} in this process (${option}: a class); ` +
        `a container needs a module: give ${option}: "./file.ts#${uses.name || "Class"}"`,
      ErrorCode.FailedPrecondition,
    );
  }
  const relative = (path: string) => {
    const cwd = currentDir().replace(/\/+$/, "");
    return path.startsWith(`${cwd}/`) ? `./${path.slice(cwd.length + 1)}` : path;
  };
  if (typeof uses === "string") return { uses: relative(uses), spec: undefined };
  const { jtype, ...spec } = uses;
  return { uses: baseExecutorNames.includes(jtype) ? "BaseExecutor" : relative(jtype), spec };
}
