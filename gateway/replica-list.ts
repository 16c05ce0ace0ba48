/**
 * The replicas of one deployment, picked round-robin (Jina's `replica_list.py`), skipping replicas that are down
 * (see `outlier.ts`) and those that already failed the call being retried.
 *
 * @module
 */
import { ConnectError } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { createReplicaConnection, type ReplicaConnection, type ReplicaConnectionOptions } from "./connection.ts";
import type { ReplicaTarget } from "./options.ts";
import { createOutlierDetector, type OutlierDetector } from "./outlier.ts";
import { type DnsWatchOptions, watchDns } from "./dns-watch.ts";

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
  /** The next replica in turn (down ones included). */
  next(): ReplicaConnection;
  /**
   * The next replica in turn that is up and not in `exclude` (the replicas that already failed this call). When
   * none is, the next one not in `exclude` even if down; when every replica is excluded, the next in turn.
   * `fresh` says whether the pick is up and not excluded (a retry on a fresh replica needs no backoff).
   */
  pick(exclude?: ReadonlySet<ReplicaConnection>): { connection: ReplicaConnection; fresh: boolean };
  /** Marks a replica down after a failed call: it gets no traffic until its health probe answers. */
  eject(connection: ReplicaConnection): void;
  /** Marks a replica up (a call to it succeeded). */
  restore(connection: ReplicaConnection): void;
  /** Whether a replica is down. */
  isDown(connection: ReplicaConnection): boolean;
  /**
   * Connects to one more replica and puts it in the rotation once `ready` resolves (it gets no call before); when
   * `ready` rejects, the connection is closed and the rejection passed on.
   */
  add(target: ReplicaTarget, ready?: (connection: ReplicaConnection) => Promise<void>): Promise<ReplicaConnection>;
  /**
   * Takes the replica(s) of `target` out of the rotation at once (no new call goes to them) and returns them, still
   * open: the caller waits for their calls in flight (`connection.idle()`), then closes them. None when unknown.
   */
  remove(target: ReplicaTarget): ReplicaConnection[];
  /** The connection(s) of `target` in the rotation (several when a host name resolved to several addresses). */
  find(target: ReplicaTarget): ReplicaConnection[];
  /** Closes every connection and stops the probes. */
  close(): void;
}

/**
 * Connects to every target of a deployment (lazily for gRPC: the HTTP/2 session opens on the first call); the
 * replicas are named `<prefix>-<index>` (`encoder/rep-0`, `indexer/shard-1/rep-0`). A bad target throws the
 * JinaError of {@link createReplicaConnection}, after closing the connections already made. A target whose host
 * is a name (`grpc://indexer.search.svc:8080`) becomes one replica per address it resolves to, resolved again after
 * an ejection and every 30 s (`options.dns`; see `gateway/dns-watch.ts`): pods behind a headless Service are
 * balanced over without a mesh.
 *
 * @example
 * ```ts
 * const replicas = createReplicaList("encoder/rep", [createRouterTransport(routes)]);
 * ```
 */
export function createReplicaList(prefix: string, targets: readonly ReplicaTarget[], options: ReplicaConnectionOptions & { dns?: DnsWatchOptions } = {}): ReplicaList {
  const connections: ReplicaConnection[] = [];
  const targetOf = new Map<ReplicaConnection, ReplicaTarget>();
  let named = 0;
  const open = (target: ReplicaTarget) => {
    const connection = createReplicaConnection(target, `${prefix}-${named++}`, options);
    targetOf.set(connection, target);
    return connection;
  };
  try {
    for (const target of targets) connections.push(open(target));
  } catch (error) {
    for (const connection of connections) connection.close();
    throw error;
  }
  const current = [...targets]; // the targets now, as `add` and `remove` change them (what DNS resolves again)
  const outliers: OutlierDetector<ReplicaConnection> = createOutlierDetector({ probe: probeReplica });
  // Host names become one replica per address, resolved again after a failure (gateway/dns-watch.ts).
  const dns = watchDns(current, (resolved) => {
    const wanted = new Set(resolved.map(String));
    for (const target of resolved) if (!connections.some((connection) => connection.address === target)) connections.push(open(target));
    for (let index = connections.length - 1; index >= 0 && connections.length > 1; index--) {
      const connection = connections[index]!;
      if (wanted.has(connection.address)) continue;
      connections.splice(index, 1);
      outliers.restore(connection);
      targetOf.delete(connection);
      connection.close();
    }
  }, options.dns);
  let cursor = 0;
  let closed = false;
  const find = (target: ReplicaTarget) => connections.filter((connection) => targetOf.get(connection) === target || connection.address === target);
  const next = (): ReplicaConnection => {
    const connection = connections[cursor % connections.length]!;
    cursor = (cursor + 1) % connections.length;
    return connection;
  };
  const isUp = (connection: ReplicaConnection): boolean => !outliers.isDown(connection);
  /** The first replica from the cursor on that passes `ok`, moving the cursor past it. */
  const scan = (ok: (connection: ReplicaConnection) => boolean): ReplicaConnection | undefined => {
    for (let step = 0; step < connections.length; step++) {
      const index = (cursor + step) % connections.length;
      const connection = connections[index]!;
      if (ok(connection)) {
        cursor = (index + 1) % connections.length;
        return connection;
      }
    }
    return undefined;
  };
  return {
    get size() {
      return connections.length;
    },
    connections,
    next,
    pick(exclude) {
      // without exclusions (a first attempt) the shared `isUp`: no function made per call
      const fresh = scan(exclude ? (connection) => isUp(connection) && !exclude.has(connection) : isUp);
      if (fresh) return { connection: fresh, fresh: true };
      return { connection: scan((connection) => !exclude?.has(connection)) ?? next(), fresh: false };
    },
    eject(connection) {
      outliers.eject(connection);
      dns?.refresh();
    },
    restore: (connection) => outliers.restore(connection),
    isDown: (connection) => outliers.isDown(connection),
    async add(target, ready) {
      const connection = open(target);
      try {
        await ready?.(connection);
        if (closed) throw new JinaError(`${connection.address} cannot join ${prefix}: the replica list is closed`, ErrorCode.Unavailable);
      } catch (error) {
        targetOf.delete(connection);
        connection.close();
        throw error;
      }
      connections.push(connection);
      current.push(target);
      return connection;
    },
    find,
    remove(target) {
      const removed = find(target);
      for (const connection of removed) {
        connections.splice(connections.indexOf(connection), 1);
        outliers.restore(connection);
        targetOf.delete(connection);
      }
      if (current.includes(target)) current.splice(current.indexOf(target), 1);
      if (connections.length) cursor %= connections.length;
      return removed;
    },
    close() {
      closed = true;
      dns?.close();
      outliers.close();
      for (const connection of connections) connection.close();
    },
  };
}

/**
 * A replica is up when it answers endpoint discovery, or refuses it (UNIMPLEMENTED: an executor without
 * discovery): anything but a transport failure.
 */
async function probeReplica(connection: ReplicaConnection, signal: AbortSignal): Promise<void> {
  try {
    await connection.endpoints({ signal, timeoutMs: 2000 });
  } catch (error) {
    const code = ConnectError.from(error).code;
    if (down.has(code) || signal.aborted) throw error;
  }
}

const down = new Set<ErrorCode>([ErrorCode.Unavailable, ErrorCode.DeadlineExceeded, ErrorCode.Aborted, ErrorCode.Canceled, ErrorCode.Unknown, ErrorCode.Internal]);
