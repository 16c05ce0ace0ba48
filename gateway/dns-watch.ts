/**
 * Keeps a replica list in step with DNS: targets whose host is a name (a headless Kubernetes Service, a compose
 * service) become one replica per address the name resolves to, and are resolved again after a failure and every
 * `intervalMs`, so pods that came or went are balanced over without a service mesh.
 *
 * @module
 */
import type { ReplicaTarget } from "./options.ts";
import { isNamedTarget, resolveTargets } from "./resolve-targets.ts";

/**
 * Options of {@link watchDns}.
 *
 * @example
 * ```ts
 * const options: DnsWatchOptions = { intervalMs: 30_000, resolve: async () => ["10.1.0.7"] };
 * ```
 */
export interface DnsWatchOptions {
  /** Resolves a host name to its addresses (default: the system resolver, `runtime/dns.ts`). */
  resolve?: ((host: string) => Promise<string[]>) | undefined;
  /** Re-resolution period (default 30 s). */
  intervalMs?: number | undefined;
  /** Shortest gap between two resolutions triggered by failures (default 1 s). */
  minGapMs?: number | undefined;
}

/**
 * A running watch: `refresh()` asks for a re-resolution (after a failed call), `close()` stops it.
 *
 * @example
 * ```ts
 * const watch = watchDns(["grpc://indexer.search.svc:8080"], (targets) => replicas.replace(targets));
 * watch?.refresh();
 * watch?.close();
 * ```
 */
export interface DnsWatch {
  refresh(): void;
  close(): void;
  /** Settles when the resolution in flight (if any) has been applied (for tests). */
  settled(): Promise<void>;
}

/**
 * Resolves `targets` now, then again on `refresh()` (at most once per `minGapMs`) and every `intervalMs`; calls
 * `apply` with the expanded list whenever it differs from the last one and every name resolved. Undefined when no target is a host name
 * (transports, IP literals and `localhost` need no watch). Timers are unref'd.
 *
 * @example
 * ```ts
 * watchDns(["grpc://encoder:8081"], (targets) => console.log(targets)); // ["grpc://172.18.0.4:8081", "grpc://172.18.0.5:8081"]
 * ```
 */
export function watchDns(targets: readonly ReplicaTarget[], apply: (targets: ReplicaTarget[]) => void, options: DnsWatchOptions = {}): DnsWatch | undefined {
  if (!targets.some(isNamedTarget)) return undefined;
  const minGapMs = options.minGapMs ?? 1_000;
  let closed = false;
  let last = "";
  let lastAt = 0;
  let inFlight: Promise<void> | undefined;
  let queued: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    lastAt = Date.now();
    inFlight = resolveTargets(targets, options.resolve).then((resolved) => {
      const key = resolved.map(String).join(" ");
      // A name that did not resolve this time keeps the replicas it had (a DNS hiccup is not an empty service).
      if (!closed && key !== last && !resolved.some(isNamedTarget)) {
        last = key;
        apply(resolved);
      }
    }).catch(() => {}).finally(() => {
      inFlight = undefined;
    });
  };
  const refresh = () => {
    if (closed || inFlight || queued) return;
    const wait = lastAt + minGapMs - Date.now();
    if (wait <= 0) return run();
    queued = setTimeout(() => {
      queued = undefined;
      if (!closed) run();
    }, wait);
    (queued as { unref?: () => void }).unref?.();
  };
  const timer = setInterval(refresh, options.intervalMs ?? 30_000);
  (timer as { unref?: () => void }).unref?.();
  run();
  return {
    refresh,
    close() {
      closed = true;
      clearInterval(timer);
      if (queued) clearTimeout(queued);
    },
    async settled() {
      await inFlight;
    },
  };
}
