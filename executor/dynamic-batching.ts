/**
 * Dynamic batching at the worker: requests for a batched endpoint join a {@link BatchQueue} (one per endpoint and
 * parameters, as Jina keys them); each batch calls the handler once with all their documents, and the result is
 * split back to the requests by position.
 *
 * @module
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { DocumentArray } from "../docarray/document-array.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { BatchQueue } from "./batch-queue.ts";
import type { ResolvedBatching } from "./dynamic-batching-config.ts";
import type { Executor } from "./executor.ts";
import { applyResult, callHandler, type DispatchResult, handlerParameters, markFailed } from "./handler-result.ts";

/** One queued request and how to answer its caller. */
interface Queued {
  request: DataRequestProto;
  docs: DocumentArray;
  signal: AbortSignal;
  settle(failed: boolean): void;
}

interface ExecutorQueues {
  queues: Map<string, BatchQueue<Queued>>;
  closed: boolean;
}

const states = new WeakMap<object, ExecutorQueues>();

function stateOf(executor: object): ExecutorQueues {
  let state = states.get(executor);
  if (!state) states.set(executor, (state = { queues: new Map(), closed: false }));
  return state;
}

/** JSON with object keys sorted (Python's `json.dumps(params, sort_keys=True)`), the queue key of parameters. */
function sortedJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedJson(value[key]!)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A signal that aborts once every one of `signals` has aborted (the batch is wanted while anyone waits). */
function allAborted(signals: AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const check = () => {
    if (signals.every((signal) => signal.aborted)) controller.abort(signals.at(-1)?.reason);
  };
  for (const signal of signals) signal.addEventListener("abort", check);
  check();
  return { signal: controller.signal, dispose: () => signals.forEach((signal) => signal.removeEventListener("abort", check)) };
}

/** Calls the handler once for `batch` and answers each request with its share of the result. */
async function runBatch(executor: Executor, method: string, endpoint: string, batch: Queued[]): Promise<void> {
  const docs = DocumentArray.fromProto(batch.flatMap((queued) => queued.docs.protos));
  const size = docs.length;
  const abort = allAborted(batch.map((queued) => queued.signal));
  let result: unknown;
  try {
    result = await callHandler(executor, method, { docs, parameters: handlerParameters(batch[0]!.request, executor.metas.name), signal: abort.signal });
    const output = result instanceof DocumentArray ? result : docs;
    if (output.length !== size) {
      throw new JinaError(
        `${executor.metas.name}.${method} (endpoint "${endpoint}", dynamic batching) ${result instanceof DocumentArray ? "returned" : "left"} ` +
          `${output.length} documents for a batch of ${size} from ${batch.length} requests; with dynamic batching a handler must keep ` +
          "one document per input document, in order (mutate them in place, or return a DocumentArray of the same length)",
        ErrorCode.Internal,
      );
    }
    if (result instanceof DocumentArray) result = undefined;
    let offset = 0;
    for (const queued of batch) {
      const own = DocumentArray.fromProto(output.protos.slice(offset, (offset += queued.docs.length)));
      try {
        applyResult(executor, method, endpoint, queued.request, own, result);
        queued.settle(false);
      } catch (error) {
        markFailed(executor, queued.request, error);
        queued.settle(true);
      }
    }
  } catch (error) {
    for (const queued of batch) {
      markFailed(executor, queued.request, error);
      queued.settle(true);
    }
  } finally {
    abort.dispose();
  }
}

/**
 * Queues one request for a batched endpoint and resolves once its batch has run: with its own documents (or the
 * in-band error of the batch). A caller that aborts while still queued leaves the queue and gets a Canceled error.
 *
 * @example
 * ```ts
 * const batching = batchingOf(executor, "/embed");
 * if (batching) return dispatchBatched(executor, batching, "embed", request, docsOf(request), signal);
 * ```
 */
export function dispatchBatched(
  executor: Executor,
  batching: ResolvedBatching,
  method: string,
  request: DataRequestProto,
  docs: DocumentArray,
  signal: AbortSignal,
): Promise<DispatchResult> {
  const state = stateOf(executor);
  const key = `${batching.endpoint}\n${sortedJson(handlerParameters(request, executor.metas.name))}`;
  let queue = state.queues.get(key);
  if (!queue) {
    const created: BatchQueue<Queued> = new BatchQueue<Queued>({
      preferredBatchSize: batching.preferredBatchSize,
      timeout: batching.timeout,
      sizeOf: (queued) => queued.docs.length,
      run: (batch) => runBatch(executor, method, batching.endpoint, batch),
      onIdle: () => {
        if (state.queues.get(key) === created) state.queues.delete(key);
      },
    });
    if (state.closed) void created.close();
    state.queues.set(key, (queue = created));
  }
  return new Promise<DispatchResult>((resolve) => {
    const onAbort = () => {
      if (!queue.remove(queued)) return;
      markFailed(executor, request, new JinaError(`the caller went away while the request waited for its batch on "${batching.endpoint}"`, ErrorCode.Canceled));
      queued.settle(true);
    };
    const queued: Queued = {
      request,
      docs,
      signal,
      settle(failed) {
        signal.removeEventListener("abort", onAbort);
        resolve({ response: request, failed });
      },
    };
    signal.addEventListener("abort", onAbort);
    queue.push(queued);
    if (signal.aborted) onAbort();
  });
}

/**
 * How many requests wait in the dynamic batching queues of `executor` (not counting batches that run).
 *
 * @example
 * ```ts
 * if (queuedRequests(executor) > 0) console.log("requests are waiting for their batch");
 * ```
 */
export function queuedRequests(executor: object): number {
  let count = 0;
  for (const queue of states.get(executor)?.queues.values() ?? []) count += queue.length;
  return count;
}

/**
 * Runs every request queued for `executor` now, without waiting for batch size or timeout, and resolves once they
 * are answered. What a server does before it stops.
 *
 * @example
 * ```ts
 * await flushBatches(executor);
 * await server.close();
 * ```
 */
export async function flushBatches(executor: object): Promise<void> {
  const state = states.get(executor);
  if (state) await Promise.all([...state.queues.values()].map((queue) => queue.flush()));
}

/**
 * {@link flushBatches}, and from now on requests for batched endpoints run at once, with no timers (Jina's
 * `request_handler.close()` draining the batch queues).
 *
 * @example
 * ```ts
 * await closeBatches(executor);
 * ```
 */
export async function closeBatches(executor: object): Promise<void> {
  const state = stateOf(executor);
  state.closed = true;
  await Promise.all([...state.queues.values()].map((queue) => queue.close()));
}

/**
 * Makes `executor.close()` drain the batch queues before the executor's own `close()` runs, also when a subclass
 * overrides `close()` without calling `super.close()`. Called by the Executor constructor for executors that batch.
 *
 * @example
 * ```ts
 * if (setInstanceBatching(this, options.dynamicBatching)) drainOnClose(this);
 * ```
 */
export function drainOnClose(executor: Executor): void {
  const close = executor.close;
  Object.defineProperty(executor, "close", {
    configurable: true,
    writable: true,
    enumerable: false,
    value: async function closeAfterDrain(): Promise<void> {
      await closeBatches(executor);
      await close.call(executor);
    },
  });
}
