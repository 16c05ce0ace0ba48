/**
 * The command-line flags of `executor/main.ts` (Jina's `jina executor` flags, as the flow passes them).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DynamicBatchingOptions } from "./dynamic-batching-config.ts";
import type { ExecutorSettings } from "./executor-settings.ts";
import { executorFlags } from "./flags.ts";

export { executorFlags };

/**
 * The parsed flags of `executor/main.ts`.
 *
 * @example
 * ```ts
 * const args: ExecutorMainArgs = parseExecutorArgs(["--uses", "./enc.ts#Encoder"]);
 * ```
 */
export interface ExecutorMainArgs extends ExecutorSettings {
  /** `./file.ts#ClassName`. */
  uses: string;
  host: string;
  port: number;
  /** `--monitoring`: serve Prometheus metrics (Jina's flag). */
  monitoring?: boolean;
  /** `--port-monitoring N`: the metrics port (0 or absent: a free one). */
  portMonitoring?: number;
  /** `--grace-period MS`: how long a shutdown lets calls in flight finish (absent: 10,000). */
  gracePeriod?: number;
  /** `--max-docs N`: most documents in one request (absent: 100,000; 0: no limit). */
  maxDocs?: number;
}

function integer(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) {
    throw new JinaError(`--${flag} must be an integer >= ${min}, got "${value}"`, ErrorCode.InvalidArgument);
  }
  return number;
}

function jsonObject(flag: string, value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined || value === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new JinaError(`--${flag} must be a JSON object: ${(error as Error).message}`, ErrorCode.InvalidArgument);
  }
  if (parsed === null) return undefined;
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new JinaError(`--${flag} must be a JSON object, got ${JSON.stringify(parsed)}`, ErrorCode.InvalidArgument);
  }
  return parsed as Record<string, unknown>;
}


/**
 * Jina's deployment flags that `jina executor` accepts but that a lone executor does not act on (the gateway does
 * the polling, `when`, reduce, retries and timeouts; `uses_before` / `uses_after` are executors of their own;
 * the environment is the process's): accepted so that the commands Jina's exports write run unchanged.
 */
const deploymentOnlyFlags = {
  ...Object.fromEntries(
    ["polling", "uses-before", "uses-after", "uses-before-address", "uses-after-address", "needs", "when", "timeout-send", "retries", "timeout-ready", "env", "gpus", "volumes", "external", "entrypoint"]
      .map((flag) => [flag, { type: "string" as const, multiple: true as const }]),
  ),
  ...Object.fromEntries(["no-reduce", "floating", "native", "quiet", "tls", "disable-auto-volume"].map((flag) => [flag, { type: "boolean" as const }])),
};
const ignoredFlags = Object.keys(deploymentOnlyFlags);

/**
 * Parses `executor/main.ts`'s flags: `--uses ./file.ts#Class --name --host --port --shard-id --shards --replicas
 * --workspace --pod-name --uses-with JSON --uses-metas JSON --uses-requests JSON --uses-dynamic-batching JSON
 * --monitoring --port-monitoring N --grace-period MS`, and Jina's deployment flags (`--polling`, `--uses-before`, `--when`, `--env`, …),
 * which are accepted and left to the gateway.
 *
 * @example
 * ```ts
 * parseExecutorArgs(["--uses", "./enc.ts#Encoder", "--port", "0"]).uses; // "./enc.ts#Encoder"
 * ```
 */
export function parseExecutorArgs(argv: string[]): ExecutorMainArgs {
  let values: Record<string, string | undefined>;
  let monitoring = false;
  try {
    const parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(
          Object.entries(executorFlags).map(([flag, spec]) => [flag, { type: spec.value ? "string" as const : "boolean" as const }]),
        ),
        ...deploymentOnlyFlags,
      },
    }).values as Record<string, string | boolean | undefined>;
    monitoring = parsed.monitoring === true;
    delete parsed.monitoring;
    for (const flag of ignoredFlags) delete parsed[flag];
    values = parsed as Record<string, string | undefined>;
  } catch (error) {
    throw new JinaError(`${(error as Error).message}; see jina-ts executor --help`, ErrorCode.InvalidArgument);
  }
  if (!values.uses) throw new JinaError("--uses is required, e.g. --uses ./executor.ts#MyExecutor", ErrorCode.InvalidArgument);
  const requests = jsonObject("uses-requests", values["uses-requests"]);
  for (const [endpoint, method] of Object.entries(requests ?? {})) {
    if (typeof method !== "string") {
      throw new JinaError(`--uses-requests: the method for "${endpoint}" must be a string, got ${JSON.stringify(method)}`, ErrorCode.InvalidArgument);
    }
  }
  const dynamicBatching = jsonObject("uses-dynamic-batching", values["uses-dynamic-batching"]);
  return {
    uses: values.uses,
    ...(values.name ? { name: values.name } : {}),
    host: values.host || "127.0.0.1",
    port: integer("port", values.port, 0, 0),
    shardId: integer("shard-id", values["shard-id"], 0, 0),
    shards: integer("shards", values.shards, 1, 1),
    replicas: integer("replicas", values.replicas, 1, 1),
    ...(values.workspace ? { workspace: values.workspace } : {}),
    ...(values["pod-name"] ? { podName: values["pod-name"] } : {}),
    usesWith: jsonObject("uses-with", values["uses-with"]) ?? {},
    usesMetas: jsonObject("uses-metas", values["uses-metas"]) ?? {},
    ...(requests ? { usesRequests: requests as Record<string, string> } : {}),
    ...(dynamicBatching ? { usesDynamicBatching: dynamicBatching as Record<string, DynamicBatchingOptions> } : {}),
    ...(monitoring ? { monitoring } : {}),
    ...(values["port-monitoring"] !== undefined ? { portMonitoring: integer("port-monitoring", values["port-monitoring"], 0, 0) } : {}),
    ...(values["grace-period"] !== undefined ? { gracePeriod: integer("grace-period", values["grace-period"], 0, 0) } : {}),
    ...(values["max-docs"] !== undefined ? { maxDocs: integer("max-docs", values["max-docs"], 0, 0) } : {}),
  };
}
