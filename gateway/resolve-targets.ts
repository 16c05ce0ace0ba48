/**
 * Turns address targets whose host is a name into one target per address the name resolves to, so that replicas
 * behind one DNS name (a headless Kubernetes Service, a compose service scaled up) are balanced by the gateway
 * itself and a dead one is retried on the others, without a service mesh.
 *
 * @module
 */
import { resolveHost } from "../runtime/mod.ts";
import type { GatewayDeployment, ReplicaTarget } from "./options.ts";

/**
 * Expands one list of replica targets: `grpc://indexer:8080` → `grpc://10.1.0.7:8080`, `grpc://10.1.0.9:8080`.
 * Transports, IP literals and `localhost` stay as they are; a name that does not resolve (yet) stays too, so the
 * connection's own errors and retries apply.
 *
 * @example
 * ```ts
 * await resolveTargets(["grpc://indexer.search.svc:8080"]); // ["grpc://10.1.0.7:8080", "grpc://10.1.0.9:8080"]
 * ```
 */
export async function resolveTargets(targets: readonly ReplicaTarget[], resolve = resolveHost): Promise<ReplicaTarget[]> {
  const lists = await Promise.all(
    targets.map(async (target) => {
      if (typeof target !== "string") return [target];
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return [target];
      }
      if (url.hostname === "localhost" || /^[\d.]+$|^\[.*\]$/.test(url.hostname)) return [target];
      const addresses = await resolve(url.hostname).catch(() => [] as string[]);
      if (addresses.length === 0) return [target];
      return addresses.map((address) => `${url.protocol}//${address.includes(":") ? `[${address}]` : address}:${url.port}`);
    }),
  );
  return [...new Set(lists.flat())];
}

/**
 * {@link resolveTargets} for every shard and `usesBefore` / `usesAfter` of every deployment.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ ...options, deployments: await resolveDeploymentTargets(options.deployments) });
 * ```
 */
export async function resolveDeploymentTargets(deployments: readonly GatewayDeployment[], resolve = resolveHost): Promise<GatewayDeployment[]> {
  return await Promise.all(
    deployments.map(async (deployment) => ({
      ...deployment,
      shards: await Promise.all(deployment.shards.map((shard) => resolveTargets(shard, resolve))),
      ...(deployment.usesBefore ? { usesBefore: await resolveTargets(deployment.usesBefore, resolve) } : {}),
      ...(deployment.usesAfter ? { usesAfter: await resolveTargets(deployment.usesAfter, resolve) } : {}),
    })),
  );
}
