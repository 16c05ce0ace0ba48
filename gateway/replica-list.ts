/**
 * The replicas of one deployment, picked round-robin (Jina's `replica_list.py`).
 *
 * @module
 */
import { createReplicaConnection, type ReplicaConnection, type ReplicaConnectionOptions } from "./connection.ts";
import type { ReplicaTarget } from "./options.ts";

/**
 * A round-robin list of connections.
 *
 * @example
 * ```ts
 * const replicas = createReplicaList("encoder/rep", ["grpc://127.0.0.1:54321", "grpc://127.0.0.1:54322"]);
 * replicas.next().address; // "grpc://127.0.0.1:54321", then ...:54322, then ...:54321 again
 * ```
 */
export interface ReplicaList {
  readonly size: number;
  /** Every connection, in target order (endpoint discovery tries them in turn without moving the round-robin). */
  readonly connections: readonly ReplicaConnection[];
  /** The next replica in turn. */
  next(): ReplicaConnection;
  /** Closes every connection. */
  close(): void;
}

/**
 * Connects to every target of a deployment (lazily for gRPC: the HTTP/2 session opens on the first call); the
 * replicas are named `<prefix>-<index>` (`encoder/rep-0`, `indexer/shard-1/rep-0`). A bad target throws the
 * JinaError of {@link createReplicaConnection}, after closing the connections already made.
 *
 * @example
 * ```ts
 * const replicas = createReplicaList("encoder/rep", [createRouterTransport(routes)]);
 * ```
 */
export function createReplicaList(prefix: string, targets: readonly ReplicaTarget[], options: ReplicaConnectionOptions = {}): ReplicaList {
  const connections: ReplicaConnection[] = [];
  try {
    for (const [index, target] of targets.entries()) connections.push(createReplicaConnection(target, `${prefix}-${index}`, options));
  } catch (error) {
    for (const connection of connections) connection.close();
    throw error;
  }
  let cursor = 0;
  return {
    size: connections.length,
    connections,
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
