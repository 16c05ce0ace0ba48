/**
 * An executor's graceful shutdown (Kubernetes' SIGTERM contract, as the gateway's): every data call is tracked;
 * once the executor drains, health says NOT_SERVING and new calls are refused with UNAVAILABLE, the calls in flight
 * finish up to the grace period, and the rest are answered UNAVAILABLE naming the grace period (their handler's
 * `signal` aborts; a handler that ignores it is no longer waited for).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type CancelSource, createRequestTracker, defaultGracePeriodMs, type DrainOutcome, type LazySignal, type RequestTracker } from "../proto/server/mod.ts";
import { promiseOf } from "../proto/promise-of.ts";
import { flushBatches } from "./dynamic-batching.ts";
import type { Executor } from "./executor.ts";
import { isServing, setServing } from "./serving.ts";

export { defaultGracePeriodMs, type DrainOutcome };

const trackers = new WeakMap<object, RequestTracker>();

function trackerOf(executor: object): RequestTracker {
  let tracker = trackers.get(executor);
  if (!tracker) trackers.set(executor, (tracker = createRequestTracker()));
  return tracker;
}

const nameOf = (executor: Executor) => executor.metas?.name || executor.constructor.name;

/**
 * Runs one data call of `executor` as a tracked call: refused with UNAVAILABLE once the executor drains, its
 * signal aborted when `signal` (the caller's) aborts or when the drain's grace period is over.
 *
 * @example
 * ```ts
 * const response = await trackCall(executor, context.signal, (signal) => dispatchRequests(executor, requests, signal));
 * ```
 */
export function trackCall<T>(executor: Executor, signal: AbortSignal | CancelSource, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return promiseOf(trackLazyCall<T>, executor, signal, (lazy: LazySignal) => run(lazy.signal));
}

// The call settles as soon as it is cancelled, whether or not the handler watches its signal.
const settleOnAbort = { settleOnAbort: true };

/**
 * {@link trackCall} whose `run` gets the call's signal as a {@link LazySignal} (made only when the handler reads it)
 * and may answer at once: a value is returned as it is, with no promise made (`RequestTracker.trackNow`). A call
 * refused because the executor drains throws.
 *
 * @example
 * ```ts
 * const result = await trackLazyCall(executor, call.onCancel, (lazy) => dispatchRequests(executor, requests, lazy));
 * ```
 */
export function trackLazyCall<T>(executor: Executor, signal: AbortSignal | CancelSource, run: (signal: LazySignal) => T | Promise<T>): T | Promise<T> {
  if (!isServing(executor)) throw new JinaError(`The executor "${nameOf(executor)}" is shutting down and takes no new requests`, ErrorCode.Unavailable);
  return trackerOf(executor).trackNow(run, signal, undefined, settleOnAbort);
}

/**
 * How many data calls `executor` is running.
 *
 * @example
 * ```ts
 * if (callsInFlight(executor) > 0) console.log("busy");
 * ```
 */
export function callsInFlight(executor: Executor): number {
  return trackers.get(executor)?.size ?? 0;
}

/**
 * Drains `executor`: NOT_SERVING on health (new calls UNAVAILABLE), dynamic batching queues run at once, calls in
 * flight get up to `graceMs` (default 10 s) to finish, then the rest are answered UNAVAILABLE ("… after the grace
 * period of N ms"). Resolves with how many finished and how many were cancelled. Safe to call twice.
 *
 * @example
 * ```ts
 * const { finished, cancelled } = await drainExecutor(executor, 5_000);
 * await executor.close();
 * ```
 */
export async function drainExecutor(executor: Executor, graceMs: number = defaultGracePeriodMs): Promise<DrainOutcome> {
  setServing(executor, false);
  void flushBatches(executor).catch(() => {}); // queued calls run now, tracked as the others
  // Made only when a call is still running after the grace period: a JinaError's metadata is a fetch `Headers`, and
  // the first one makes Node load its fetch implementation (~35 ms of CPU in every executor process that stops).
  let reason: JinaError | undefined;
  const reasonOnce = () =>
    (reason ??= new JinaError(
      `The executor "${nameOf(executor)}" shut down before this request finished: it was still running after the grace period of ${graceMs} ms`,
      ErrorCode.Unavailable,
    ));
  return await trackerOf(executor).drain(graceMs, reasonOnce);
}
