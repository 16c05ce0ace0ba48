/**
 * Keeps a child process alive: when it exits without being asked to, start it again after a backoff.
 *
 * @module
 */
import type { ChildHandle } from "../runtime/mod.ts";

/**
 * Options of {@link superviseChild}.
 *
 * @example
 * ```ts
 * const options: SuperviseOptions = { name: "enc/rep-0", relaunch: (signal) => spawnAgain(signal), maxDelayMs: 2000 };
 * ```
 */
export interface SuperviseOptions {
  /** Who the child is, for log lines (e.g. `"indexer/rep-0 (uses ./indexer.ts#Indexer, port 40123)"`). */
  name: string;
  /** Starts a new child with the same arguments; rejects when it cannot (or when `signal` aborts). */
  relaunch(signal: AbortSignal): Promise<ChildHandle>;
  /** First wait before a restart, in ms (default 100); doubled after every restart that did not last. */
  initialDelayMs?: number;
  /** Longest wait between restarts, in ms (default 5000). */
  maxDelayMs?: number;
  /** A child that ran this long (ms) before it died resets the wait to `initialDelayMs` (default 10000). */
  stableAfterMs?: number;
  /** Where restarts are reported (default `console.warn`). */
  log?: (message: string) => void;
  /** How long `close()` waits after SIGTERM before SIGKILL, in ms (default 3000). */
  stopGraceMs?: number;
}

/**
 * A supervised child: the current process, how often it was restarted, and how to stop for good.
 *
 * @example
 * ```ts
 * console.log(supervisor.child.pid, supervisor.restarts);
 * ```
 */
export interface Supervisor {
  /** The child running now (a new one after each restart). */
  readonly child: ChildHandle;
  /** How many times the child was restarted. */
  readonly restarts: number;
  /** Stops restarting, stops the current child (or the one being started) and resolves once it exited. */
  close(): Promise<void>;
}

/**
 * Watches `first`; whenever the current child exits before `close()`, logs it and calls `relaunch` after a
 * backoff (100 ms, doubling to 5 s while restarts keep failing or dying quickly). Nothing is restarted once
 * `close()` was called.
 *
 * @example
 * ```ts
 * const supervisor = superviseChild(child, { name: "enc/rep-0", relaunch: (signal) => spawnAgain(signal) });
 * await supervisor.close();
 * ```
 */
export function superviseChild(first: ChildHandle, options: SuperviseOptions): Supervisor {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5000;
  const stableAfter = options.stableAfterMs ?? 10_000;
  const log = options.log ?? ((message: string) => console.warn(message));
  const closing = new AbortController();
  let current = first;
  let startedAt = Date.now();
  let restarts = 0;
  let delay = initial;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt: Promise<void> | undefined;

  const schedule = (why: string) => {
    if (closing.signal.aborted) return;
    log(`jina-ts flow: ${options.name} ${why}; restarting it in ${delay} ms`);
    timer = setTimeout(() => (attempt = restart()), delay);
    delay = Math.min(delay * 2, max);
  };
  const watch = (child: ChildHandle) => {
    void child.exited.then((code) => {
      if (closing.signal.aborted || child !== current) return;
      if (Date.now() - startedAt >= stableAfter) delay = initial;
      schedule(`(pid ${child.pid}) exited with ${code}`);
    });
  };
  const restart = async () => {
    timer = undefined;
    if (closing.signal.aborted) return;
    try {
      const child = await options.relaunch(closing.signal);
      if (closing.signal.aborted) {
        await child.stop();
        return;
      }
      current = child;
      startedAt = Date.now();
      restarts++;
      log(`jina-ts flow: ${options.name} restarted (pid ${child.pid}, restart ${restarts})`);
      watch(child);
    } catch (error) {
      schedule(`could not be restarted: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
  };
  watch(first);

  let closed: Promise<void> | undefined;
  return {
    get child() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    close() {
      return (closed ??= (async () => {
        closing.abort();
        clearTimeout(timer);
        await attempt;
        await current.stop(options.stopGraceMs);
      })());
    },
  };
}
