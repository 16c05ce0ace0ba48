/**
 * Turns address targets whose host is a name into one target per address the name resolves to, so that replicas
 * behind one DNS name (a headless Kubernetes Service, a compose service scaled up) are balanced by the gateway
 * itself and a dead one is retried on the others, without a service mesh.
 *
 * @module
 */
import { resolveHost } from "../runtime/mod.ts";
import type { ReplicaTarget } from "./options.ts";

/**
 * Whether a target is an address whose host is a name to resolve (not a transport, an IP literal or `localhost`).
 *
 * @example
 * ```ts
 * isNamedTarget("grpc://indexer:8080"); // true
 * isNamedTarget("grpc://127.0.0.1:8080"); // false
 * ```
 */
export function isNamedTarget(target: ReplicaTarget): boolean {
  if (typeof target !== "string") return false;
  try {
    const host = new URL(target).hostname;
    return host !== "" && host !== "localhost" && !/^[\d.]+$|^\[.*\]$/.test(host);
  } catch {
    return false;
  }
}

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
export async function resolveTargets(targets: readonly ReplicaTarget[], resolve: (host: string) => Promise<string[]> = resolveHost): Promise<ReplicaTarget[]> {
  const lists = await Promise.all(
    targets.map(async (target) => {
      if (typeof target !== "string" || !isNamedTarget(target)) return [target];
      const url = new URL(target);
      const addresses = await resolve(url.hostname).catch(() => [] as string[]);
      if (addresses.length === 0) return [target];
      return addresses.map((address) => `${url.protocol}//${address.includes(":") ? `[${address}]` : address}:${url.port}`);
    }),
  );
  return [...new Set(lists.flat())];
}
