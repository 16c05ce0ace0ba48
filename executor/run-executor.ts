/**
 * Serves one executor as its own process (Jina's `jina executor`); see {@link runExecutor}.
 *
 * @module
 */
import { exit, onShutdown, watchParent } from "../runtime/process.ts";
import { Executor } from "./executor.ts";
import { configuredExecutor, underSpec } from "./executor-yaml.ts";
import { executorOptionsOf } from "./executor-settings.ts";
import { parseExecutorArgs } from "./main-args.ts";
import { formatReadyLine } from "./ready-line.ts";
import { type ExecutorServer, serveExecutor } from "./serve.ts";

function fail(context: string, error: unknown): never {
  console.error(`jina-ts executor: ${context}${error instanceof Error ? error.message : String(error)}`);
  exit(1);
}

/**
 * Serves one executor as a process, as `jina executor` does: parses Jina's flags (`--uses ./file.ts#Class`
 * or an Executor YAML `--uses executor.yml`, whose `with` / `metas` / `requests` the flags override, `--port`, `--uses-with` …), loads and constructs the class, serves it on gRPC and prints the readiness line
 * (`JINA_EXECUTOR_READY {"port":N}`; with `--monitoring` the metrics port too, `{"port":N,"portMonitoring":M}`),
 * then a line for people: `executor NAME ready: grpc://host:port (…)`. On SIGTERM/SIGINT it drains (NOT_SERVING,
 * new calls UNAVAILABLE, calls in flight finish up to `--grace-period` ms, default 10,000, then answer UNAVAILABLE),
 * stops the server, calls `executor.close()` and exits 0 (a second signal exits at once); it exits as well when the parent process (`JINA_PARENT_PID`) is gone.
 * Bad flags, a missing file or class, or a failing constructor print one clear line and exit 1.
 *
 * @example
 * ```ts
 * import { runExecutor } from "jina-ts/executor";
 * await runExecutor(["--uses", "./indexer.ts#Indexer", "--port", "0"]);
 * ```
 */
export async function runExecutor(argv: string[]): Promise<void> {
  let executor: Executor | undefined;
  let server: ExecutorServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await server?.close();
        await executor?.close();
      } catch (error) {
        fail("closing failed: ", error);
      }
      exit(0);
    })());
  onShutdown(stop);
  watchParent(stop);

  const args = (() => {
    try {
      return parseExecutorArgs(argv);
    } catch (error) {
      return fail("", error);
    }
  })();
  const { cls, spec } = await configuredExecutor(args.uses, Executor).catch((error) => fail("", error));
  try {
    executor = new cls(underSpec(spec, executorOptionsOf(args)));
  } catch (error) {
    fail(`constructing ${cls.name} (${args.uses}) failed: `, error);
  }
  try {
    server = await serveExecutor(executor, {
      port: args.port,
      host: args.host,
      ...(args.gracePeriod !== undefined ? { gracePeriod: args.gracePeriod } : {}),
      ...(args.maxDocs !== undefined ? { maxDocs: args.maxDocs } : {}),
      ...(args.monitoring ? { monitoring: true, portMonitoring: args.portMonitoring ?? 0 } : {}),
    });
  } catch (error) {
    await executor.close();
    fail("", error);
  }
  if (stopping) return;
  console.log(formatReadyLine(server.port, server.portMonitoring));
  console.log(describeReady(executor.metas.name || cls.name, args.host, server.port, server.portMonitoring));
}

/** The human ready line printed beside the machine-readable one. */
function describeReady(name: string, host: string, port: number, portMonitoring: number | undefined): string {
  const where = host.includes(":") ? `[${host}]` : host;
  const metrics = portMonitoring === undefined ? "" : `, metrics http://${where}:${portMonitoring}/metrics`;
  return `executor ${name} ready: grpc://${where}:${port} (gRPC${metrics}; Ctrl-C to stop)`;
}

