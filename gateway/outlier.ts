/**
 * Outlier ejection for a set of interchangeable replicas: a replica whose call failed at the transport is marked
 * down and gets no traffic until a health probe finds it answering again (Envoy's outlier detection, simplified).
 * Transport-agnostic: it only knows replicas as keys and a `probe` that resolves when a replica answers.
 *
 * @module
 */

/**
 * Options of {@link createOutlierDetector}.
 *
 * @example
 * ```ts
 * const options: OutlierOptions<Replica> = { probe: (replica, signal) => replica.ping(signal), probeDelayMs: 250 };
 * ```
 */
export interface OutlierOptions<K> {
  /** Resolves when the replica answers (any answer: it is reachable), rejects when it is still down. */
  probe: (replica: K, signal: AbortSignal) => Promise<void>;
  /** First probe this long after an ejection; doubles after each failed probe, up to `maxProbeDelayMs`. Default 250 ms. */
  probeDelayMs?: number | undefined;
  /** Longest wait between probes of a replica that stays down. Default 5,000 ms. */
  maxProbeDelayMs?: number | undefined;
  /** Deadline of one probe. Default 2,000 ms. */
  probeTimeoutMs?: number | undefined;
}

/**
 * Which replicas are down. Probing runs on unref'd timers; `close()` stops it.
 *
 * @example
 * ```ts
 * const outliers = createOutlierDetector<string>({ probe: async (address) => await ping(address) });
 * outliers.eject("grpc://127.0.0.1:1");
 * outliers.isDown("grpc://127.0.0.1:1"); // true until a probe succeeds
 * outliers.close();
 * ```
 */
export interface OutlierDetector<K> {
  /** Marks a replica down (no-op when it already is) and schedules its probe. */
  eject(replica: K): void;
  /** Marks a replica up at once (a call to it just succeeded). */
  restore(replica: K): void;
  /** Whether the replica is down. */
  isDown(replica: K): boolean;
  /** How many replicas are down. */
  readonly down: number;
  /** Stops every probe; later ejections are recorded but never probed. */
  close(): void;
}

interface Ejection {
  delayMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  probing: AbortController | undefined;
}

/**
 * Creates an outlier detector. The probe delay carries ±25 % jitter so replicas ejected together are not probed
 * in lockstep.
 *
 * @example
 * ```ts
 * const outliers = createOutlierDetector({ probe: (connection, signal) => connection.endpoints({ signal }).then(() => {}) });
 * ```
 */
export function createOutlierDetector<K>(options: OutlierOptions<K>): OutlierDetector<K> {
  const firstDelayMs = options.probeDelayMs ?? 250;
  const maxDelayMs = options.maxProbeDelayMs ?? 5000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 2000;
  const ejected = new Map<K, Ejection>();
  let closed = false;

  const schedule = (replica: K, ejection: Ejection): void => {
    if (closed) return;
    const delay = ejection.delayMs * (0.75 + Math.random() * 0.5);
    ejection.timer = setTimeout(() => void probe(replica, ejection), delay);
    (ejection.timer as { unref?: () => void }).unref?.();
  };
  const probe = async (replica: K, ejection: Ejection): Promise<void> => {
    ejection.timer = undefined;
    const controller = new AbortController();
    ejection.probing = controller;
    const timer = setTimeout(() => controller.abort(), probeTimeoutMs);
    (timer as { unref?: () => void }).unref?.();
    let up = false;
    try {
      await options.probe(replica, controller.signal);
      up = !controller.signal.aborted;
    } catch {
      up = false;
    } finally {
      clearTimeout(timer);
      ejection.probing = undefined;
    }
    if (ejected.get(replica) !== ejection) return; // restored (or closed) meanwhile
    if (up) {
      ejected.delete(replica);
      return;
    }
    ejection.delayMs = Math.min(maxDelayMs, ejection.delayMs * 2);
    schedule(replica, ejection);
  };
  const stop = (ejection: Ejection): void => {
    clearTimeout(ejection.timer);
    ejection.probing?.abort();
  };

  return {
    eject(replica) {
      if (ejected.has(replica)) return;
      const ejection: Ejection = { delayMs: firstDelayMs, timer: undefined, probing: undefined };
      ejected.set(replica, ejection);
      schedule(replica, ejection);
    },
    restore(replica) {
      const ejection = ejected.get(replica);
      if (!ejection) return;
      ejected.delete(replica);
      stop(ejection);
    },
    isDown: (replica) => ejected.has(replica),
    get down() {
      return ejected.size;
    },
    close() {
      closed = true;
      for (const ejection of ejected.values()) stop(ejection);
    },
  };
}
