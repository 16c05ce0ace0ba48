/**
 * Starts a replica in its own process with the current runtime (`executor/main.ts`), waits for its readiness
 * line and reaches it over gRPC.
 *
 * @module
 */
import { parseReadyLine } from "../executor/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { processId, spawnScript } from "../runtime/mod.ts";
import { podName, type ReplicaSpec, type RunningReplica } from "./replica.ts";

const executorMain = new URL("../executor/main.ts", import.meta.url);

/**
 * Spawns `executor/main.ts` for `uses` (`"./file.ts#Class"`) and resolves when it prints its readiness line.
 * Rejects, with the child's last output, when it exits first or is not ready within `timeoutReadyMs`.
 *
 * @example
 * ```ts
 * const replica = await startProcessReplica("./indexer.ts#Indexer", spec);
 * ```
 */
export async function startProcessReplica(uses: string, spec: ReplicaSpec): Promise<RunningReplica> {
  const name = podName(spec);
  let onReady: (port: number) => void = () => {};
  const ready = new Promise<number>((resolve) => (onReady = resolve));
  const child = spawnScript(executorMain, {
    args: [
      "--uses", uses,
      "--name", spec.deployment,
      "--host", spec.host,
      "--port", String(spec.port),
      "--shard-id", String(spec.shardId),
      "--shards", String(spec.shards),
      "--replicas", String(spec.replicas),
      "--workspace", spec.workspace,
      "--pod-name", name,
      "--uses-with", JSON.stringify(spec.usesWith),
      "--uses-metas", JSON.stringify(spec.usesMetas),
      ...(spec.usesRequests ? ["--uses-requests", JSON.stringify(spec.usesRequests)] : []),
    ],
    env: { ...spec.env, JINA_PARENT_PID: String(processId()) },
    onLine: (line) => {
      const parsed = parseReadyLine(line);
      if (parsed) onReady(parsed.port);
    },
  });
  const failure = (reason: string) =>
    new JinaError(
      `Deployment "${spec.deployment}" (${name}, uses ${uses}) ${reason}. Its last output:\n${child.lastOutput() || "(nothing)"}`,
      ErrorCode.Unavailable,
      { executor: spec.deployment },
    );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    if (spec.timeoutReadyMs >= 0) {
      timer = setTimeout(() => reject(failure(`was not ready within timeoutReady = ${spec.timeoutReadyMs} ms`)), spec.timeoutReadyMs);
    }
  });
  const died = child.exited.then((code) => {
    throw failure(`exited with ${code} before it was ready`);
  });
  try {
    const port = await Promise.race([ready, died, timedOut]);
    return {
      podName: name,
      shardId: spec.shardId,
      replicaId: spec.replicaId,
      target: `grpc://${spec.host}:${port}`,
      pid: child.pid,
      async close() {
        await child.stop();
      },
    };
  } catch (error) {
    await child.stop(500);
    throw error;
  } finally {
    clearTimeout(timer);
    died.catch(() => {});
  }
}
