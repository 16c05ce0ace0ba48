/**
 * Lazy cancellation through a call's context values: the key a caller sets a {@link Cancellation} under instead of
 * an AbortSignal, and the mark of transports that read it (the lean gRPC transport, the in-process executor
 * transport). Apart from `grpc-transport.ts` so that a module that only marks or reads it (executor/transport.ts)
 * does not load the lean client transport (issue 8, fast start).
 *
 * @module
 */
import { type ContextKey, type ContextValues, createContextKey, createContextValues, type Transport } from "@connectrpc/connect";
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
  return createContextValues().set(cancelContextKey, cancel);
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
