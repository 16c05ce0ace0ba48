/**
 * The replicas of one deployment, picked round-robin (Jina's `replica_list.py`).
 *
 * @module
 */
import { createReplicaConnection, type ReplicaConnection } from "./connection.ts";
import type { ReplicaTarget } from "./options.ts";

/**
 * A round-robin list of connections.
 *
 * @example
 * ```ts
 * const replicas = createReplicaList("encoder", ["grpc://127.0.0.1:54321", "grpc://127.0.0.1:54322"]);
 * replicas.next().address; // "grpc://127.0.0.1:54321", then ...:54322, then ...:54321 again
 * ```
 */
export interface ReplicaList {
  readonly size: number;
  /** The next replica in turn. */
  next(): ReplicaConnection;
  /** Closes every connection. */
  close(): void;
}

/**
 * Connects to every target of a deployment (lazily for gRPC: the HTTP/2 session opens on the first call).
 *
 * @example
 * ```ts
 * const replicas = createReplicaList("encoder", [createRouterTransport(routes)]);
 * ```
 */
export function createReplicaList(deployment: string, targets: readonly ReplicaTarget[]): ReplicaList {
  const connections = targets.map((target, index) => createReplicaConnection(target, `${deployment}/rep-${index}`));
  let cursor = 0;
  return {
    size: connections.length,
    next() {
      const connection = connections[cursor % connections.length]!;
      cursor = (cursor + 1) % connections.length;
      return connection;
    },
    close() {
      for (const connection of connections) connection.close();
    },
  };
}
