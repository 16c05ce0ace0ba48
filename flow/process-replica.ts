/**
 * Starts a replica in its own process with the current runtime (`executor/main.ts`), waits for its readiness
 * line, reaches it over gRPC, and restarts it on the same port when it dies.
 *
 * @module
 */
import { defaultGracePeriodMs, executorFlagsOf, parseReadyLine } from "../executor/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { ChildExitedError, moduleSibling, processId, spawnScript, type ChildHandle } from "../runtime/mod.ts";
import { type ReplicaSpec, type RunningReplica, settingsOf } from "./replica.ts";
import { superviseChild, type SuperviseOptions } from "./supervisor.ts";

/** `executor/main.ts` from the sources, `executor/main.js` from the package build (plain Node, no loader). */
const executorMain = moduleSibling("../executor/main.ts", import.meta.url);

/** How long past its grace period a replica process gets after SIGTERM before SIGKILL. */
const stopMarginMs = 5000;

/** A replica process that printed its readiness line. */
interface Launched {
  child: ChildHandle;
  port: number;
  /** The metrics port, with `spec.monitoring`. */
  portMonitoring: number | undefined;
}

/**
 * Options of {@link startProcessReplica}: the restart backoff and where restarts are logged.
 *
 * @example
 * ```ts
 * const options: ProcessReplicaOptions = { initialDelayMs: 100, maxDelayMs: 5000, log: (line) => logger.warn(line) };
 * ```
 */
export type ProcessReplicaOptions = Pick<SuperviseOptions, "initialDelayMs" | "maxDelayMs" | "log">;

/**
 * Spawns `executor/main.ts` for `uses` (`"./file.ts#Class"`) and resolves when it prints its readiness line.
 * Rejects, with the child's last output, when it exits first or is not ready within `timeoutReadyMs`.
 * Once started, a process that exits without `close()` is started again with the same arguments on the same
 * port (so the gateway's `grpc://host:port` stays valid), after a backoff of 100 ms doubling up to 5 s; `pid`
 * and `restarts` follow it. With `spec.monitoring` the process serves its metrics (`--monitoring
 * --port-monitoring`), on the same port after a restart too.
 *
 * @example
 * ```ts
 * const replica = await startProcessReplica("./indexer.ts#Indexer", spec);
 * console.log(replica.target, replica.pid, replica.restarts); // "grpc://127.0.0.1:40123" 4242 0
 * ```
 */
export async function startProcessReplica(uses: string, spec: ReplicaSpec, options: ProcessReplicaOptions = {}): Promise<RunningReplica> {
  const first = await launch(uses, spec, spec.port, spec.portMonitoring ?? 0);
  const port = first.port;
  const portMonitoring = first.portMonitoring;
  const supervisor = superviseChild(first.child, {
    name: `${spec.podName} (uses ${uses}, port ${port})`,
    relaunch: async (signal) => (await launch(uses, spec, port, portMonitoring ?? 0, signal)).child,
    // SIGTERM drains the process (calls in flight finish up to its grace period); SIGKILL only well after.
    stopGraceMs: (spec.gracePeriod ?? defaultGracePeriodMs) + stopMarginMs,
    ...options,
  });
  return {
    podName: spec.podName,
    shardId: spec.shardId,
    replicaId: spec.replicaId,
    target: `grpc://${spec.host}:${port}`,
    ...(portMonitoring !== undefined ? { portMonitoring } : {}),
    get pid() {
      return supervisor.child.pid;
    },
    get restarts() {
      return supervisor.restarts;
    },
    close: () => supervisor.close(),
  };
}

/** Spawns one process for the replica and waits for its readiness line (or its exit, the timeout, `signal`). */
async function launch(uses: string, spec: ReplicaSpec, port: number, portMonitoring: number, signal?: AbortSignal): Promise<Launched> {
  const monitoring = spec.monitoring ? ["--monitoring", "--port-monitoring", String(portMonitoring)] : [];
  const limits = spec.gracePeriod === undefined ? [] : ["--grace-period", String(Math.round(spec.gracePeriod))];
  if (spec.maxDocs !== undefined) limits.push("--max-docs", String(spec.maxDocs));
  const child = spawnScript(executorMain, {
    args: ["--uses", uses, "--host", spec.host, "--port", String(port), ...monitoring, ...limits, ...executorFlagsOf(settingsOf(spec))],
    env: { ...spec.env, JINA_PARENT_PID: String(processId()) },
  });
  const failure = (reason: string) =>
    new JinaError(
      `Deployment "${spec.deployment}" (${spec.podName}, uses ${uses}) ${reason}. Its last output:\n${child.lastOutput() || "(nothing)"}`,
      ErrorCode.Unavailable,
      { executor: spec.deployment },
    );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => {};
  const stopped = new Promise<never>((_, reject) => {
    if (spec.timeoutReadyMs >= 0) {
      timer = setTimeout(() => reject(failure(`was not ready within timeoutReady = ${spec.timeoutReadyMs} ms`)), spec.timeoutReadyMs);
    }
    onAbort = () => reject(failure("was stopped before it was ready: the flow is closing"));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  const ready = child.waitForLine((line) => parseReadyLine(line)).catch((error: unknown) => {
    throw error instanceof ChildExitedError ? failure(`exited with ${error.exit} before it was ready`) : error;
  });
  try {
    const line = await Promise.race([ready, stopped]);
    return { child, port: line.port, portMonitoring: line.portMonitoring };
  } catch (error) {
    await child.stop(500);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    ready.catch(() => {});
    stopped.catch(() => {});
  }
}
