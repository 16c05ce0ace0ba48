/**
 * Graceful drain (Kubernetes' SIGTERM contract): the requests a server is running are tracked, so that on
 * shutdown it can refuse new ones, let those in flight finish up to a grace period, and cancel the rest with a
 * clear status.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../errors.ts";
import { onAbort } from "./abort-fanout.ts";
import { DeadlineList } from "./deadlines.ts";
import type { Cancellation } from "./cancellation.ts";
import { LazyAbort } from "./lazy-abort.ts";

/** Default grace period of a drain: 10 s (Kubernetes gives 30 s before SIGKILL). */
export const defaultGracePeriodMs = 10_000;

/**
 * Throws INVALID_ARGUMENT unless `value` is absent or a number of milliseconds ≥ 0; `where` prefixes the message.
 *
 * @example
 * ```ts
 * checkGracePeriod(options.gracePeriod); // "gracePeriod must be a number of milliseconds ≥ 0, got -1"
 * checkGracePeriod(options.gracePeriod, 'Deployment "enc": ');
 * ```
 */
export function checkGracePeriod(value: unknown, where = ""): void {
  if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
    throw new JinaError(`${where}gracePeriod must be a number of milliseconds ≥ 0, got ${JSON.stringify(value)}`, ErrorCode.InvalidArgument);
  }
}

/**
 * What a drain did.
 *
 * @example
 * ```ts
 * const outcome: DrainOutcome = { finished: 4, cancelled: 0, waitedMs: 1520 };
 * ```
 */
export interface DrainOutcome {
  /** Requests that finished on their own during the grace period. */
  finished: number;
  /** Requests still running at its end, cancelled. */
  cancelled: number;
  /** How long the drain waited. */
  waitedMs: number;
}

/**
 * What a caller may give instead of an AbortSignal when it has none of its own yet (a gRPC call on the server fast
 * path): subscribes `listener`, called once with the reason when the call is cancelled (at once when it already
 * was), and returns a function that unsubscribes. Spares making a signal per call just to be listened to.
 *
 * @example
 * ```ts
 * const cancel: CancelSource = (listener) => {
 *   listeners.add(listener);
 *   return () => listeners.delete(listener);
 * };
 * await requests.track((signal) => handle(request, signal), cancel);
 * ```
 */
export type CancelSource = (listener: (reason: unknown) => void) => () => void;

/**
 * Options of {@link RequestTracker.track}.
 *
 * @example
 * ```ts
 * const options: TrackOptions = { settleOnAbort: true };
 * ```
 */
export interface TrackOptions {
  /**
   * Reject with the abort reason as soon as the request's signal aborts, even when `run` goes on (it is then no
   * longer counted in flight): for handlers that may not watch their signal. Default: settle with `run`.
   */
  settleOnAbort?: boolean;
}

/**
 * A request's abort signal, made on first read (aborted already when the request was cancelled before).
 *
 * @example
 * ```ts
 * await requests.trackLazy((lazy) => handle(request, () => lazy.signal));
 * ```
 */
export interface LazySignal extends Cancellation {
  /** The request's signal (made on first read). */
  readonly signal: AbortSignal;
  /** Whether the request was cancelled (without making the signal). */
  readonly aborted: boolean;
}

/**
 * One tracked request: its cancellation (a plain object until something asks for its AbortSignal), what to stop
 * listening to when it ends, and its place in the list of requests in flight.
 */
class TrackedAbort extends LazyAbort implements LazySignal {
  /** Rejects the request's promise at once (`settleOnAbort`). */
  rejectEarly: ((reason: unknown) => void) | undefined;
  /** Stops listening to the caller's cancellation. */
  unsubscribe: (() => void) | undefined;
  /** Stops its deadline. */
  removeDeadline: (() => void) | undefined;
  /** Settles when the request does (a promise answer); undefined while a synchronous `run` runs. */
  settled: Promise<void> | undefined;
  previous: TrackedAbort | undefined;
  next: TrackedAbort | undefined;
  /** Whether it is in the list of requests in flight. */
  listed = false;

  override abort(reason: unknown): boolean {
    if (!super.abort(reason)) return false;
    this.rejectEarly?.(reason);
    return true;
  }
}

/**
 * The requests in flight, linked through the requests themselves: adding and removing one allocates nothing (a Map
 * keyed by request, one entry added and deleted per call, spent ~6 % of an in-process pipeline's CPU reallocating its
 * table as it grew and shrank).
 */
class InFlight {
  #head: TrackedAbort | undefined;
  size = 0;

  add(call: TrackedAbort): void {
    call.listed = true;
    call.next = this.#head;
    if (this.#head) this.#head.previous = call;
    this.#head = call;
    this.size++;
  }

  /** Takes `call` out of the list and stops what it listened to (once; later calls do nothing). */
  end(call: TrackedAbort): void {
    if (!call.listed) return;
    call.listed = false;
    if (call.previous) call.previous.next = call.next;
    else this.#head = call.next;
    if (call.next) call.next.previous = call.previous;
    call.previous = call.next = undefined;
    this.size--;
    call.unsubscribe?.();
    call.removeDeadline?.();
  }

  /** The requests in flight now. */
  list(): TrackedAbort[] {
    const calls: TrackedAbort[] = [];
    for (let call = this.#head; call; call = call.next) calls.push(call);
    return calls;
  }
}

/**
 * The requests in flight, each with its own abort signal.
 *
 * @example
 * ```ts
 * const requests = createRequestTracker();
 * const answer = await requests.track((signal) => handle(request, signal), callerSignal);
 * const outcome = await requests.drain(10_000, () => new Error("shutting down"));
 * ```
 */
export interface RequestTracker {
  /**
   * Runs `run` with a signal that aborts when `signal` (the caller's) does, when a drain gives up on it, or after
   * `timeout.ms` (with `timeout.reason()`; 0: never); the request counts as in flight until `run` settles.
   */
  track<T>(run: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal | CancelSource, timeout?: { ms: number; reason: () => Error }, options?: TrackOptions): Promise<T>;
  /**
   * As {@link RequestTracker.track}, but `run` gets a {@link LazySignal}: the request's AbortSignal is made only
   * when something reads it (an AbortController per call is a measurable part of a no-op hop).
   */
  trackLazy<T>(run: (signal: LazySignal) => Promise<T>, signal?: AbortSignal | CancelSource, timeout?: { ms: number; reason: () => Error }, options?: TrackOptions): Promise<T>;
  /**
   * As {@link RequestTracker.trackLazy}, but `run` may answer at once: a value (not a promise) is returned as it is,
   * with no promise made, and the request is in flight only while `run` runs (a synchronous no-op handler's call
   * costs no promise, no `then` and no microtask). `run` throwing, or a request cancelled before a synchronous
   * answer with `settleOnAbort`, throws. A promise is tracked as `trackLazy` tracks it.
   */
  trackNow<T>(run: (signal: LazySignal) => T | Promise<T>, signal?: AbortSignal | CancelSource, timeout?: { ms: number; reason: () => Error }, options?: TrackOptions): T | Promise<T>;
  /** How many requests are in flight. */
  readonly size: number;
  /**
   * Waits up to `graceMs` for the requests in flight to settle, then aborts the rest with `reason()` and waits
   * for them to settle (they stop at their next await of the signal).
   */
  drain(graceMs: number, reason: () => Error): Promise<DrainOutcome>;
}

/**
 * Creates an empty request tracker.
 *
 * @example
 * ```ts
 * const requests = createRequestTracker();
 * ```
 */
export function createRequestTracker(): RequestTracker {
  const running = new InFlight();
  // One timer per timeout duration for all requests in flight (a gateway gives each request the same timeout).
  const deadlines = new Map<number, DeadlineList>();
  const deadlinesOf = (ms: number): DeadlineList => {
    let list = deadlines.get(ms);
    if (!list) deadlines.set(ms, (list = new DeadlineList(ms)));
    return list;
  };
  const trackNow: RequestTracker["trackNow"] = <T>(
    run: (signal: LazySignal) => T | Promise<T>,
    signal?: AbortSignal | CancelSource,
    timeout?: { ms: number; reason: () => Error },
    options?: TrackOptions,
  ): T | Promise<T> => {
    const call = new TrackedAbort();
    if (typeof signal === "function") call.unsubscribe = signal((reason) => call.abort(reason));
    else if (signal?.aborted) call.abort(signal.reason);
    else if (signal) call.unsubscribe = onAbort(signal, () => call.abort(signal.reason));
    if (timeout && timeout.ms > 0) call.removeDeadline = deadlinesOf(timeout.ms).add(() => call.abort(timeout.reason()));
    running.add(call);
    let answer: T | Promise<T>;
    try {
      answer = run(call);
    } catch (error) {
      running.end(call);
      throw error;
    }
    if (!(answer instanceof Promise)) {
      running.end(call);
      if (options?.settleOnAbort && call.aborted) throw call.reason;
      return answer;
    }
    let task = answer;
    if (options?.settleOnAbort) {
      const inner = task;
      task = new Promise((resolve, reject) => {
        call.rejectEarly = reject;
        inner.then(resolve, reject);
      });
      if (call.aborted) call.rejectEarly!(call.reason);
    }
    // One `then` for both outcomes (a `finally` after a `then` made two more promises and closures per call).
    const ended = () => running.end(call);
    call.settled = task.then(ended, ended);
    return task;
  };
  const trackLazy = trackNow as RequestTracker["trackLazy"];
  return {
    get size() {
      return running.size;
    },
    track: (run, signal, timeout, options) => trackLazy((call) => run(call.signal), signal, timeout, options),
    trackLazy,
    trackNow,
    async drain(graceMs, reason) {
      const started = Date.now();
      const before = running.size;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled(running.list().map((call) => call.settled)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, graceMs)))),
      ]);
      clearTimeout(timer);
      const left = running.list();
      for (const call of left) call.abort(reason());
      await Promise.allSettled(left.map((call) => call.settled));
      return { finished: before - left.length, cancelled: left.length, waitedMs: Date.now() - started };
    },
  };
}
