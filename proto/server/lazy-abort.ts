/**
 * A request's cancellation that stays a plain object until something asks for an `AbortSignal`: most calls on the
 * hot path end without anyone reading one, and an `AbortController` (with its `AbortSignal` and event target) is
 * among the costliest objects of a call.
 *
 * @module
 */

/**
 * Cancellation made lazily: `signal` creates the AbortController on first read (aborted already when the request was
 * cancelled before), `subscribe` registers a listener without any controller, `abort` cancels once.
 *
 * @example
 * ```ts
 * const cancel = new LazyAbort<Error>();
 * const stop = cancel.subscribe((reason) => console.log("cancelled:", reason.message));
 * cancel.abort(new Error("client went away")); // logs once; later aborts do nothing
 * cancel.signal.aborted; // true
 * stop();
 * ```
 */
export class LazyAbort<R = unknown> {
  #controller: AbortController | undefined;
  #listeners: ((reason: R) => void)[] | undefined;
  /** Whether {@link abort} ran. */
  aborted = false;
  /** What {@link abort} was given (undefined before). */
  reason: R | undefined;

  /** The AbortSignal, made on first read. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  /** Calls `listener` once on abort (at once when aborted already); returns the unsubscribe. */
  subscribe(listener: (reason: R) => void): () => void {
    if (this.aborted) {
      listener(this.reason as R);
      return noop;
    }
    const listeners = (this.#listeners ??= []);
    listeners.push(listener);
    return () => {
      const at = listeners.indexOf(listener);
      if (at >= 0) listeners.splice(at, 1);
    };
  }

  /** Cancels with `reason`; returns false (and does nothing) when cancelled already. */
  abort(reason: R): boolean {
    if (this.aborted) return false;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
    if (this.#listeners) for (const listener of this.#listeners.splice(0)) listener(reason);
    return true;
  }
}

function noop(): void {}
