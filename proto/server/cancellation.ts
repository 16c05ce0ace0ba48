/**
 * A request's cancellation as it travels through the gateway (walk → pool → transport): either a plain
 * `AbortSignal` or a {@link Cancellation} that makes one only when something reads `signal`. The hot path of a
 * request only checks `aborted` and subscribes, so most requests end without an AbortController (or the
 * DOMException an abort builds) being made at all.
 *
 * @module
 */
import { onAbort } from "./abort-fanout.ts";

/**
 * A cancellation that is not (yet) an AbortSignal: {@link LazyAbort} and the request tracker's lazy signal are one.
 *
 * @example
 * ```ts
 * const cancel: Cancellation = new LazyAbort();
 * const stop = cancel.subscribe((reason) => console.log("cancelled", reason));
 * ```
 */
export interface Cancellation {
  /** Whether it was cancelled (without making the signal). */
  readonly aborted: boolean;
  /** Why (undefined before it was cancelled). */
  readonly reason: unknown;
  /** An AbortSignal that follows it (made on first read). */
  readonly signal: AbortSignal;
  /** Calls `listener` once with the reason when cancelled (at once when it was already); returns the unsubscribe. */
  subscribe(listener: (reason: unknown) => void): () => void;
}

/**
 * What a caller may give as a request's cancellation.
 *
 * @example
 * ```ts
 * const cancel: CancelInput = AbortSignal.timeout(5000);
 * ```
 */
export type CancelInput = AbortSignal | Cancellation;

/**
 * Whether `cancel` is a {@link Cancellation} (not an AbortSignal).
 *
 * @example
 * ```ts
 * if (isCancellation(options.signal)) options.signal.subscribe(stop);
 * ```
 */
export function isCancellation(cancel: CancelInput | undefined): cancel is Cancellation {
  return cancel !== undefined && typeof (cancel as Partial<Cancellation>).subscribe === "function";
}

/**
 * The AbortSignal of `cancel` (made now when it is a {@link Cancellation}), for an API that takes only signals.
 *
 * @example
 * ```ts
 * await fetch(url, { signal: signalOf(options.signal) });
 * ```
 */
export function signalOf(cancel: CancelInput | undefined): AbortSignal | undefined {
  return isCancellation(cancel) ? cancel.signal : cancel;
}

/**
 * Calls `listener` once with the reason when `cancel` aborts; returns the unsubscribe. On an AbortSignal it listens
 * through {@link onAbort} (one listener per signal); on a {@link Cancellation} it subscribes without a signal.
 *
 * @example
 * ```ts
 * const stop = subscribeCancel(options.signal, (reason) => call.cancel(reason));
 * try { await work(); } finally { stop(); }
 * ```
 */
export function subscribeCancel(cancel: CancelInput, listener: (reason: unknown) => void): () => void {
  if (isCancellation(cancel)) return cancel.subscribe(listener);
  return onAbort(cancel, () => listener(cancel.reason));
}
