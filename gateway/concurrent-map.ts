/**
 * Handles the items of an async stream concurrently, with at most `limit` in flight (Jina's `prefetch`), and
 * yields the results as they complete, or in input order when asked.
 *
 * @module
 */

/**
 * Options of {@link mapConcurrent}.
 *
 * @example
 * ```ts
 * mapConcurrent(requests, handle, { limit: 1000, inOrder: true } satisfies MapConcurrentOptions);
 * ```
 */
export interface MapConcurrentOptions {
  /** Items handled at once; 0 means no limit. The next item is read only when a slot is free. */
  limit: number;
  /** Yield results in input order instead of completion order. */
  inOrder?: boolean;
  /** Aborts the handlers still running. */
  signal?: AbortSignal;
}

/**
 * Maps `inputs` through `handle`, concurrently. The first failure (of the input stream or of a handler) is
 * thrown after the results ready before it, and aborts the handlers still running through their signal.
 *
 * @example
 * ```ts
 * for await (const response of mapConcurrent(requests, (request, signal) => gateway.handle(request, signal), { limit: 1000 })) {
 *   yield response;
 * }
 * ```
 */
export async function* mapConcurrent<I, O>(
  inputs: AsyncIterable<I>,
  handle: (input: I, signal: AbortSignal) => Promise<O>,
  options: MapConcurrentOptions,
): AsyncGenerator<O, void, undefined> {
  const controller = new AbortController();
  const abort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", abort, { once: true });
  const ready = new Map<number, O>();
  let nextIn = 0;
  let nextOut = 0;
  let inFlight = 0;
  let inputDone = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  const notify = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
    wakeReader?.();
    wakeReader = undefined;
  };

  void (async () => {
    try {
      for await (const input of inputs) {
        while (options.limit > 0 && inFlight >= options.limit && !failure) await new Promise<void>((resolve) => (wakeReader = resolve));
        if (failure || controller.signal.aborted) break;
        const index = nextIn++;
        inFlight++;
        handle(input, controller.signal).then(
          (output) => ready.set(index, output),
          (error) => (failure ??= { error }),
        ).finally(() => {
          inFlight--;
          notify();
        });
      }
    } catch (error) {
      failure ??= { error };
    } finally {
      inputDone = true;
      notify();
    }
  })();

  const take = (): { value: O } | undefined => {
    if (ready.size === 0) return undefined;
    const index = options.inOrder ? nextOut : ready.keys().next().value!;
    if (!ready.has(index)) return undefined;
    const value = ready.get(index)!;
    ready.delete(index);
    nextOut++;
    return { value };
  };

  try {
    for (;;) {
      const next = take();
      if (next) {
        yield next.value;
        continue;
      }
      if (failure) throw failure.error;
      if (inputDone && inFlight === 0) return;
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    options.signal?.removeEventListener("abort", abort);
    // Only what still runs or reads is stopped: an abort without a reason makes a DOMException (5 % of a gateway's
    // samples under Call streams of one request each, where nothing is left once the stream ends).
    if (inFlight > 0 || !inputDone) controller.abort();
    notify();
  }
}
