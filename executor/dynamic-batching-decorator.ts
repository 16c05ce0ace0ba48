/**
 * `@dynamicBatching`: the standard (TC39) method decorator that batches the requests of a handler (Jina's
 * `@dynamic_batching`).
 *
 * @module
 */
import "./symbol-metadata.ts";
import { type AnyMethod, decoratedMethodName } from "./class-records.ts";
import { checkBatchingOptions, type DynamicBatchingOptions, recordBatching } from "./dynamic-batching-config.ts";

/**
 * The decorator `@dynamicBatching(...)` returns.
 *
 * @example
 * ```ts
 * const batched: DynamicBatchingDecorator = dynamicBatching({ preferredBatchSize: 16 });
 * ```
 */
export type DynamicBatchingDecorator = (method: AnyMethod, context: ClassMethodDecoratorContext<never, AnyMethod>) => void;

/**
 * Batches the requests of the decorated handler, on every endpoint it is bound to (stack it with `@requests`, in
 * either order). Concurrent requests wait in one queue per endpoint and parameters; the handler runs once the
 * queued requests hold `preferredBatchSize` documents, or `timeout` ms (default 10000) after the first was queued,
 * with all their documents in one DocumentArray (in arrival order). Each request then gets its own documents back,
 * by position: mutate them in place or return a DocumentArray of the same length. A request is never split: one
 * larger than `preferredBatchSize` runs in one call, alone. The `dynamicBatching` option of the constructor
 * overrides this per key; `close()` handles whatever is still queued first.
 *
 * @example
 * ```ts
 * import { dynamicBatching, Executor, type HandlerArgs, requests } from "jina-ts/executor";
 *
 * class Encoder extends Executor {
 *   @requests("/embed")
 *   @dynamicBatching({ preferredBatchSize: 32, timeout: 20 })
 *   embed({ docs }: HandlerArgs) {
 *     for (const doc of docs) doc.embedding = [doc.text?.length ?? 0];
 *   }
 * }
 * ```
 */
export function dynamicBatching(options: DynamicBatchingOptions): DynamicBatchingDecorator {
  const checked = checkBatchingOptions(options, "@dynamicBatching");
  return (method, context) => {
    recordBatching(context.metadata as object | undefined, method, decoratedMethodName(context, "@dynamicBatching"), checked);
  };
}
