/**
 * Tells the gateway where each deployment's replicas are: in-memory transports for executors in this process,
 * `grpc://host:port` for replicas in their own process or elsewhere.
 *
 * @module
 */
import type { GatewayDeployment } from "../gateway/mod.ts";
import type { ResolvedDeployment, RunningDeployment } from "./deployment.ts";
import type { FlowOptions } from "./options.ts";

/**
 * Pairs each resolved deployment with its running replicas, with the deployment's (or the flow's) `timeoutSend`
 * and `retries`.
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
    const timeoutSend = deployment.options.timeoutSend ?? flowOptions.timeoutSend;
    const retries = deployment.options.retries ?? flowOptions.retries;
    return {
      name: deployment.name,
      replicas: (started?.shards ?? []).flat().map((replica) => replica.target),
      ...(timeoutSend === undefined ? {} : { timeoutSend }),
      ...(retries === undefined ? {} : { retries }),
    };
  });
}
