/**
 * Endpoint dispatch at the worker: finds the handler for a request's endpoint, calls it with the docs and
 * parameters, applies its result to the request, and turns an exception into Jina's in-band error.
 *
 * @module
 */
import { DocumentArray } from "../docarray/document-array.ts";
import { decodesAs } from "../docarray/wire/validate.ts";
import { docsOf } from "../docarray/request.ts";
import { docCountOf } from "../docarray/request-measure.ts";
import { keepEncodedData, lazyBytesOf, materializeData } from "../docarray/lazy-data.ts";
import { type DataRequestProto, DataRequestProto_DataContentProtoSchema } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { batchingOf, type ResolvedBatching } from "./dynamic-batching-config.ts";
import { dispatchBatched } from "./dynamic-batching.ts";
import { handlerNameOf } from "./endpoints.ts";
import type { Executor } from "./executor.ts";
import { applyResult, callHandler, type DispatchResult, handlerParameters, invokeHandler, isPlainObject, isThenable, markFailed } from "./handler-result.ts";
import { handlerArgs, type HandlerArgsSource } from "./handler-args.ts";
import { type ExecutorMetrics, executorMetricsOf } from "./metrics.ts";
import { traceHandler, tracingActive } from "./tracing.ts";
import type { Context } from "@opentelemetry/api";
import { type LazySignal, signalOf } from "../proto/server/mod.ts";
import { promiseOf } from "../proto/promise-of.ts";

export { type DispatchResult, resultsKey } from "./handler-result.ts";

const never = new AbortController().signal;

/** `DataContentProto.docs_bytes`: left to the decoder and `docsOf`, which refuse it (a Python pickle in Jina). */
const docsBytesField = [2];

/**
 * Handles several parts at once (`process_data`): the handler sees all docs concatenated, `docsMatrix` (one
 * DocumentArray per part) and `docsMap` (parts by the last executor they went through); the response is the first
 * part with the resulting docs. One part is handled as {@link handleDataRequest} does. Several parts are never
 * batched, even on an endpoint with dynamic batching (Jina does not batch them either).
 *
 * The handler call runs in an OpenTelemetry span named after the endpoint, child of `parent` (the trace context
 * the caller sent; see `executor/tracing.ts`), and is recorded in the executor's metrics when they are on.
 *
 * @example
 * ```ts
 * const { response, failed } = await dispatchRequests(joiner, [partFromA, partFromB]);
 * if (failed) trailer.set("is-error", "true");
 * ```
 */
export function dispatchRequests(
  executor: Executor,
  requests: DataRequestProto[],
  signal: AbortSignal | LazySignal = never,
  parent?: Context,
): Promise<DispatchResult> {
  // One promise per call: errors before the handler (no requests, bad bytes) are rejections.
  return promiseOf(dispatchNow, executor, requests, signal, parent);
}

/**
 * As {@link dispatchRequests}, but answering at once when it can: the handler is called at once and awaited only
 * when it returns a promise, so a synchronous handler's result comes back as it is, with no promise made (the
 * common no-op case costs no `then`); errors before the handler (no requests, bad bytes) throw.
 *
 * @example
 * ```ts
 * const outcome = dispatchNow(executor, [request], signal);
 * const { response } = outcome instanceof Promise ? await outcome : outcome;
 * ```
 */
export function dispatchNow(executor: Executor, requests: DataRequestProto[], signal: AbortSignal | LazySignal, parent: Context | undefined): DispatchResult | Promise<DispatchResult> {
  const first = requests[0];
  if (!first) throw new JinaError("process_data: the request list is empty; send at least one DataRequestProto", ErrorCode.InvalidArgument);
  // Documents that came as bytes (the gRPC fast path decodes lazily) are checked here, so that bad bytes still answer
  // INVALID_ARGUMENT: scanned without building anything when the scan is sure of them (docarray/wire/validate.ts),
  // else decoded, which throws the exact error. When nothing reads or replaces them, the answer writes the same
  // bytes back instead of encoding them.
  const single = requests.length === 1;
  const received = single ? lazyBytesOf(first.data) : undefined;
  if (received && !decodesAs(DataRequestProto_DataContentProtoSchema, received, docsBytesField)) materializeData(first.data);
  const endpoint = first.header?.execEndpoint ?? "";
  const method = handlerNameOf(executor, endpoint);
  if (method === undefined) return unchanged(first, received, single);
  const metrics = executorMetricsOf(executor);
  const batching = single ? batchingOf(executor, endpoint) : undefined;
  // Checked and still bytes, with nothing but the handler to read them (no batching; metrics and tracing measure
  // and count the bytes): the documents are decoded when the handler reads `docs`, not before.
  const deferred = single && !batching && lazyBytesOf(first.data) !== undefined;
  const parts = deferred ? undefined : single ? [docsOf(first)] : requests.map((request) => docsOf(request));
  if (method === null) return unchanged(first, received, single);
  metrics?.received(endpoint, requests);
  if (batching) return dispatchBatchedTraced(executor, batching, method, endpoint, first, parts![0]!, signal, parent);
  const docs = parts === undefined ? undefined : parts.length === 1 ? parts[0]! : DocumentArray.fromProto(parts.flatMap((part) => part.protos));
  const parameters = handlerParameters(first, executor.metas.name);
  // A lazy signal is made only if the handler reads it; reading `docs` marks them as possibly changed.
  const call = new HandlerCall(executor, method, endpoint, first, docs, received, single, metrics, signal);
  const args = handlerArgs(call, parameters);
  if (parts && parts.length > 1 && parts.some((part) => part.length > 0)) {
    args.docsMatrix = parts;
    args.docsMap = Object.fromEntries(requests.map((request, i) => [request.routes.at(-1)?.executor || String(i), parts[i]!]));
  }
  call.timed = metrics?.startProcess(endpoint);
  let result: unknown;
  try {
    result = tracingActive() ? traceHandler(executor, endpoint, call.documentCount(), parent, () => callHandler(executor, method, args)) : invokeHandler(executor, method, args);
  } catch (error) {
    return call.failed(error);
  }
  return isThenable(result) ? Promise.resolve(result).then((value) => call.returned(value), (error: unknown) => call.failed(error)) : call.returned(result);
}

/** One handler call's state between the call and its result (a class: no closures per call on the sync path). */
class HandlerCall implements HandlerArgsSource {
  /** Whether the handler read `args.docs`. */
  read = false;
  /** Ends the metrics' timing of the handler (metrics on). */
  timed: (() => void) | undefined;

  constructor(
    readonly executor: Executor,
    readonly method: string,
    readonly endpoint: string,
    readonly first: DataRequestProto,
    /** The handler's documents; undefined until it reads them when they were deferred (see dispatchNow). */
    private docs: DocumentArray | undefined,
    readonly received: Uint8Array | undefined,
    /** Whether `first` is the only request (its response may then be the request as it came). */
    readonly single: boolean,
    readonly metrics: ExecutorMetrics | undefined,
    readonly signal: AbortSignal | LazySignal,
  ) {}

  /** How many documents the handler gets, counted on their bytes while they are deferred (nothing decoded). */
  documentCount(): number {
    return this.docs?.length ?? docCountOf(this.first);
  }

  /** The handler's documents, decoded now if they were deferred; `read` marks them as possibly changed. */
  documents(read = true): DocumentArray {
    if (read) this.read = true;
    return (this.docs ??= docsOf(this.first));
  }

  /** Applies what the handler returned; a result it cannot take is the handler's failure. */
  returned(result: unknown): DispatchResult {
    this.timed?.();
    const { executor, first, endpoint } = this;
    try {
      applyResult(executor, this.method, endpoint, first, this.docs, result);
    } catch (error) {
      return this.failed(error);
    }
    this.metrics?.processed(endpoint, first, docCountOf(first));
    if (this.read) return { response: first, failed: false };
    // A plain object went to parameters.__results__: the documents are as they came, the request is not.
    if (result === undefined || result === null) return unchanged(first, this.received, this.single);
    if (isPlainObject(result)) return unchanged(first, this.received, false);
    return { response: first, failed: false };
  }

  /** Jina's in-band error for what the handler threw. */
  failed(error: unknown): DispatchResult {
    this.timed?.();
    markFailed(this.executor, this.first, error);
    return { response: this.first, failed: true };
  }
}

/** A dynamic-batching endpoint's call, in a span when tracing is on. */
async function dispatchBatchedTraced(
  executor: Executor,
  batching: ResolvedBatching,
  method: string,
  endpoint: string,
  first: DataRequestProto,
  docs: DocumentArray,
  signal: AbortSignal | LazySignal,
  parent: Context | undefined,
): Promise<DispatchResult> {
  const batched = await traceHandler(executor, endpoint, docs.length, parent, () => dispatchBatched(executor, batching, method, first, docs, signalOf(signal)!));
  const metrics = executorMetricsOf(executor);
  if (metrics && !batched.failed) metrics.processed(endpoint, batched.response, docCountOf(batched.response));
  return batched;
}

/** The answer when the handler neither read nor replaced the documents: the bytes received are written back as they came. */
function unchanged(first: DataRequestProto, received: Uint8Array | undefined, untouched: boolean): DispatchResult {
  if (received && first.data) keepEncodedData(first.data, received);
  return untouched ? { response: first, failed: false, untouched } : { response: first, failed: false };
}

/**
 * Handles one data request: calls the handler bound to `header.execEndpoint` (or `/default`) and returns the
 * response. An unbound endpoint with no `/default` returns the request untouched. A handler that throws gives an
 * in-band error (`header.status.code = ERROR`, name, args, stack, executor) and the request's docs. A request for
 * an endpoint with dynamic batching waits for its batch (see `dynamicBatching`).
 *
 * @example
 * ```ts
 * import { createDataRequest, Document, DocumentArray } from "jina-ts/docarray";
 * const request = createDataRequest({ endpoint: "/index", docs: new DocumentArray([new Document({ text: "a" })]) });
 * const response = await handleDataRequest(new Upper(), request);
 * ```
 */
export async function handleDataRequest(executor: Executor, request: DataRequestProto, signal?: AbortSignal): Promise<DataRequestProto> {
  return (await dispatchRequests(executor, [request], signal)).response;
}
