/**
 * The calls a client transport has in flight, so that `close()` cancels them all; and the in-order stream of one
 * unary call per request that the HTTP and Connect transports share.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { linkedAbort } from "./linked-abort.ts";
import type { StreamOptions } from "./transport.ts";

/**
 * A transport's calls in flight (see {@link createCallSet}).
 *
 * @example
 * ```ts
 * const calls = createCallSet("http://127.0.0.1:8080");
 * const status = await calls.tracked(signal, (callSignal) => fetchStatus(callSignal));
 * calls.close(); // cancels whatever is still running
 * ```
 */
export interface CallSet {
  /**
   * A signal that fires with `signal` or on `close()`; call `release()` when the call is over, `release(false)` when
   * nothing it started still runs (no abort, which without a reason makes a DOMException: ~18 µs on Node).
   */
  open(signal: AbortSignal | undefined): { signal: AbortSignal; release(stillRunning?: boolean): void };
  /** Runs `fn` with a signal that also fires on `close()`. */
  tracked<T>(signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Sends each request with `send`, at most `prefetch` at once, and yields the answers in request order. */
  unaryStream(
    requests: Iterable<DataRequestProto>,
    send: (request: DataRequestProto, signal: AbortSignal) => Promise<DataRequestProto>,
    options: StreamOptions,
  ): AsyncGenerator<DataRequestProto>;
  /** Cancels every call in flight (they fail with Canceled, naming the address). */
  close(): void;
}

/**
 * Creates the call set of the transport talking to `address`.
 *
 * @example
 * ```ts
 * const calls = createCallSet(address);
 * yield* calls.unaryStream(requests, (request, signal) => postOne(request, signal), { signal, prefetch: 4 });
 * ```
 */
export function createCallSet(address: string): CallSet {
  const controllers = new Set<{ abort(reason?: unknown): void }>();
  const open = (signal: AbortSignal | undefined) => {
    const linked = linkedAbort(signal);
    controllers.add(linked);
    return {
      signal: linked.signal,
      release: (stillRunning = true) => {
        linked.unlink();
        if (stillRunning) linked.abort();
        controllers.delete(linked);
      },
    };
  };
  return {
    open,
    async tracked(signal, fn) {
      const call = open(signal);
      let settled = false;
      try {
        const result = await fn(call.signal);
        settled = true;
        return result;
      } finally {
        call.release(!settled);
      }
    },
    async *unaryStream(requests, send, { signal, prefetch }) {
      const call = open(signal);
      const pending: Promise<DataRequestProto>[] = [];
      const iterator = requests[Symbol.iterator]();
      let exhausted = false;
      try {
        for (;;) {
          while (!exhausted && pending.length < prefetch) {
            const next = iterator.next();
            if (next.done) exhausted = true;
            else {
              const answer = send(next.value, call.signal);
              answer.catch(() => {}); // awaited in order below; keeps a later failure from being unhandled meanwhile
              pending.push(answer);
            }
          }
          const first = pending.shift();
          if (!first) return;
          yield await first;
        }
      } finally {
        call.release(pending.length > 0);
      }
    },
    close() {
      for (const controller of controllers) controller.abort(new JinaError(`the client of ${address} was closed`, ErrorCode.Canceled));
      controllers.clear();
    },
  };
}
