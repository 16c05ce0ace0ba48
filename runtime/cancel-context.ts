/**
 * Lazy cancellation through a call's context values: the key a caller sets a {@link Cancellation} under instead of
 * an AbortSignal, and the mark of transports that read it (the lean gRPC transport, the in-process executor
 * transport). Apart from `grpc-transport.ts` so that a module that only marks or reads it (executor/transport.ts)
 * does not load the lean client transport (issue 8, fast start).
 *
 * @module
 */
import { type ContextKey, type ContextValues, createContextKey, type Transport } from "@connectrpc/connect";
import type { Cancellation } from "../proto/server/cancellation.ts";

/**
 * The context value a caller sets to cancel a unary call of the lean transport with a {@link Cancellation} instead
 * of an AbortSignal (Connect's `signal` takes only signals, and making one per call is measurable on a hop).
 * Transports that do not know it ignore it.
 *
 * @example
 * ```ts
 * const cancel = new LazyAbort();
 * await client.process_single_data(request, { contextValues: cancelContext(cancel) });
 * ```
 */
export const cancelContextKey: ContextKey<Cancellation | undefined> = createContextKey<Cancellation | undefined>(undefined, { description: "jina-ts lazy cancellation" });

/**
 * Context values carrying `cancel` under {@link cancelContextKey}.
 *
 * @example
 * ```ts
 * await transport.unary(method, undefined, 5000, headers, request, cancelContext(cancel));
 * ```
 */
export function cancelContext(cancel: Cancellation): ContextValues {
  return new CancelContextValues(cancel);
}

/**
 * What Connect's `createContextValues().set(cancelContextKey, cancel)` gives (values kept under each key's symbol),
 * as a class: its methods are shared instead of three functions made per call, and the value is set in the
 * constructor (one shape).
 */
class CancelContextValues implements ContextValues {
  constructor(cancel: Cancellation) {
    (this as unknown as Record<symbol, unknown>)[cancelContextKey.id] = cancel;
  }

  get<T>(key: ContextKey<T>): T {
    return key.id in this ? (this as unknown as Record<symbol, T>)[key.id]! : key.defaultValue;
  }

  set<T>(key: ContextKey<T>, value: T): this {
    (this as unknown as Record<symbol, unknown>)[key.id] = value;
    return this;
  }

  delete(key: ContextKey<unknown>): this {
    delete (this as unknown as Record<symbol, unknown>)[key.id];
    return this;
  }
}

const cancelReaders = new WeakSet<Transport>();

/**
 * Marks `transport` as one whose `unary` takes its cancellation from {@link cancelContextKey} too (the lean transport,
 * the in-process executor transport), so that a caller with a lazy {@link Cancellation} need not make an AbortSignal.
 *
 * @example
 * ```ts
 * const transport = readsCancelContext({ unary, stream });
 * acceptsCancelContext(transport); // true
 * ```
 */
export function readsCancelContext<T extends Transport>(transport: T): T {
  cancelReaders.add(transport);
  return transport;
}

/**
 * Whether `transport` was marked with {@link readsCancelContext} (the lean transport always reads it).
 *
 * @example
 * ```ts
 * const options = acceptsCancelContext(transport) ? { contextValues: cancelContext(cancel) } : { signal: cancel.signal };
 * ```
 */
export function acceptsCancelContext(transport: Transport): boolean {
  return cancelReaders.has(transport);
}
