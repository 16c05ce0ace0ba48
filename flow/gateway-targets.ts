/**
 * Tells the gateway where each deployment's shards and replicas are (in-memory transports for executors in this
 * process, `grpc://host:port` for replicas in their own process or elsewhere), and how it sends to them:
 * polling, `usesBefore` / `usesAfter`, `when`, `noReduce`, `timeoutSend`, `retries`.
 *
 * @module
 */
import type { GatewayDeployment } from "../gateway/mod.ts";
import type { ResolvedDeployment, RunningDeployment } from "./deployment.ts";
import type { FlowOptions } from "./options.ts";
import type { RunningReplica } from "./replica.ts";

/**
 * Pairs each resolved deployment with its running shards (and `usesBefore` / `usesAfter` replicas), with the
 * deployment's options and its (or the flow's) `timeoutSend` and `retries`.
 *
 * @example
 * ```ts
 * const deployments = toGatewayDeployments(resolved, running, { timeoutSend: 5_000 });
 * ```
 */
export function toGatewayDeployments(
  deployments: ResolvedDeployment[],
  running: RunningDeployment[],
  flowOptions: FlowOptions,
): GatewayDeployment[] {
  return deployments.map((deployment) => {
    const started = running.find((candidate) => candidate.name === deployment.name);
    const { polling, when, noReduce } = deployment.options;
    const timeoutSend = deployment.options.timeoutSend ?? flowOptions.timeoutSend;
    const retries = deployment.options.retries ?? flowOptions.retries;
    const retryPolicy = deployment.options.retryPolicy ?? flowOptions.retryPolicy;
    const targets = (replicas: readonly RunningReplica[]) => replicas.map((replica) => replica.target);
    return {
      name: deployment.name,
      shards: (started?.shards ?? []).map(targets),
      ...(started?.usesBefore ? { usesBefore: targets(started.usesBefore) } : {}),
      ...(started?.usesAfter ? { usesAfter: targets(started.usesAfter) } : {}),
      ...(polling === undefined ? {} : { polling }),
      ...(when === undefined ? {} : { when }),
      ...(noReduce === undefined ? {} : { noReduce }),
      ...(timeoutSend === undefined ? {} : { timeoutSend }),
      ...(retries === undefined ? {} : { retries }),
      ...(retryPolicy === undefined ? {} : { retryPolicy }),
    };
  });
}
