/**
 * The flags of `jina-ts executor` and of `executor/main.ts`, with their help text; no imports, so that the CLI's
 * `--help` loads nothing else.
 *
 * @module
 */

/**
 * Every flag of `jina-ts executor` (and of `executor/main.ts`, which the flow spawns), with its help text: the one
 * table {@link parseExecutorArgs} reads and `jina-ts executor --help` prints. Add a flag here and both follow.
 *
 * @example
 * ```ts
 * Object.keys(executorFlags); // ["uses", "name", "host", "port", …]
 * ```
 */
export const executorFlags: Readonly<Record<string, { value?: string; help: string; default?: string }>> = {
  uses: { value: "FILE#CLASS", help: "the executor class: a module path (.ts or .js, relative to the working directory) and the exported class name, or an Executor YAML (.yml)" },
  name: { value: "NAME", help: "the executor's name (metas.name; in errors, logs and metrics)" },
  host: { value: "HOST", help: "the address to bind", default: "127.0.0.1" },
  port: { value: "N", help: "the gRPC port (0: a free one, printed in the ready line)", default: "0" },
  "shard-id": { value: "N", help: "this shard's index (runtime_args.shard_id)", default: "0" },
  shards: { value: "N", help: "how many shards the deployment has", default: "1" },
  replicas: { value: "N", help: "how many replicas the deployment has", default: "1" },
  workspace: { value: "DIR", help: "the executor's workspace folder (metas.workspace)" },
  "pod-name": { value: "NAME", help: "the pod's name, e.g. encoder/rep-0 (runtime_args.name)" },
  "uses-with": { value: "JSON", help: "a JSON object of constructor arguments (Jina's uses_with)" },
  "uses-metas": { value: "JSON", help: "a JSON object of metas (name, description, workspace …)" },
  "uses-requests": { value: "JSON", help: 'a JSON object mapping endpoints to method names, e.g. {"/index":"add"}' },
  "uses-dynamic-batching": { value: "JSON", help: 'a JSON object of dynamic batching per endpoint, e.g. {"/encode":{"preferred_batch_size":16}}' },
  monitoring: { help: "serve Prometheus metrics" },
  "port-monitoring": { value: "N", help: "the metrics port, with --monitoring (0: a free one)", default: "0" },
  "max-docs": { value: "N", help: "most documents in one request, counted before the decode (0: no limit)", default: "100000" },
  "grace-period": { value: "MS", help: "on SIGTERM/SIGINT: NOT_SERVING, new calls UNAVAILABLE, calls in flight finish up to this long, then answer UNAVAILABLE", default: "10000" },
};
