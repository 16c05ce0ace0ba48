/**
 * One `abort` listener per signal, whatever the number of callers waiting on it: a gRPC `Call` stream hands the
 * same signal to every request in flight on it, and one listener each tripped Node's MaxListenersExceededWarning
 * ("Possible EventTarget memory leak") past 10 requests.
 *
 * @module
 */

const fanouts = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` once when `signal` aborts; returns the function that unsubscribes it. The signal carries a single
 * listener of its own however many subscribers come and go.
 *
 * @example
 * ```ts
 * const unsubscribe = onAbort(streamSignal, () => controller.abort(streamSignal.reason));
 * try { await work(); } finally { unsubscribe(); }
 * ```
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = fanouts.get(signal);
  if (!listeners) {
    const subscribed = (listeners = new Set());
    fanouts.set(signal, subscribed);
    signal.addEventListener("abort", () => {
      for (const subscriber of [...subscribed]) subscriber();
      subscribed.clear();
    }, { once: true });
  }
  return subscribe(listeners, () => listener());
}

/** Adds a fresh entry for the listener (the same listener may be subscribed twice) and returns its removal. */
function subscribe(listeners: Set<() => void>, entry: () => void): () => void {
  listeners.add(entry);
  return () => void listeners.delete(entry);
}
