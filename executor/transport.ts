/**
 * An executor reached in memory, as a Connect transport. The data methods (`process_single_data`, `process_data`)
 * call the executor's dispatch with the request objects themselves: no protobuf, no `Request`/`Response`, no copy
 * of a request its sender owns (see `proto/ownership.ts` for the clone-at-fork rule). Every other method goes through
 * Connect's router transport over the executor's routes.
 *
 * @module
 */
import { clone, create, type DescMessage, type DescMethodUnary, isMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport, type Transport, type UnaryResponse } from "@connectrpc/connect";
import { type DataRequestProto, DataRequestProto_DataContentProtoSchema, JinaDataRequestRPC, JinaSingleDataRequestRPC } from "../proto/gen/jina_pb.ts";
import { materializeData } from "../docarray/lazy-data.ts";
import { isOwned } from "../proto/ownership.ts";
import { type CancelInput, type CancelSource, isCancellation, subscribeCancel } from "../proto/server/mod.ts";
import { cancelContextKey, readsCancelContext } from "../runtime/cancel-context.ts";
import { HeaderView } from "../runtime/header-view.ts";
import type { Executor } from "./executor.ts";
import { createDataHandler, createExecutorRoutes, type DataHandler } from "./services.ts";

const never = new AbortController().signal;

/**
 * A Connect transport that calls `executor` in this process (what the gateway uses for in-process replicas).
 * Deadlines (`timeoutMs`: DEADLINE_EXCEEDED, the handler's signal aborts) and cancellation (`signal`: CANCELED)
 * behave as over gRPC; an in-band error comes with trailer `is-error: true`.
 *
 * @example
 * ```ts
 * import { createClient } from "@connectrpc/connect";
 * import { JinaSingleDataRequestRPC } from "jina-ts/proto";
 * const client = createClient(JinaSingleDataRequestRPC, createExecutorTransport(new Upper()));
 * const response = await client.process_single_data(request);
 * ```
 */
export function createExecutorTransport(executor: Executor): Transport {
  const router = createRouterTransport(createExecutorRoutes(executor));
  const handle = createDataHandler(executor);
  const single = JinaSingleDataRequestRPC.method.process_single_data as DescMethodUnary;
  const list = JinaDataRequestRPC.method.process_data as DescMethodUnary;
  // readsCancelContext: a gateway hands the request's lazy cancellation in the context values instead of a signal.
  return readsCancelContext({
    unary<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeadersInit | undefined,
      input: MessageInitShape<I>,
      contextValues?: Parameters<Transport["unary"]>[5],
    ): Promise<UnaryResponse<I, O>> {
      if ((method as DescMethodUnary) !== single && (method as DescMethodUnary) !== list) {
        return router.unary(method, signal, timeoutMs, header, input, contextValues);
      }
      try {
        const message = isMessage(input, method.input) ? input : create(method.input, input as MessageInitShape<I>);
        const requests = (method as DescMethodUnary) === single
          ? [ownedCopy(message as unknown as DataRequestProto)]
          : (message as unknown as { requests: DataRequestProto[] }).requests.map(ownedCopy);
        const trailer = new HeaderView({});
        const cancel = signal ?? contextValues?.get(cancelContextKey);
        const headers = headersOf(header);
        // No deadline (what a gateway without timeoutSend sends): one async frame, no race, timer or controller.
        const response = timeoutMs === undefined
          ? unbounded(cancel, handle, requests, headers, trailer)
          : bounded(cancel, timeoutMs, (callSignal) => handle(requests, callSignal, headers, trailer));
        return answerOf(response, method, trailer, cancel);
      } catch (error) {
        return Promise.reject(error); // as an async unary would: a throw before the handler runs is a rejection
      }
    },
    stream: (method, signal, timeoutMs, header, input, contextValues) => router.stream(method, signal, timeoutMs, header, input, contextValues),
  });
}

/**
 * The unary answer around the handler's response (the one async frame of a call); a failure becomes a ConnectError,
 * CANCELED when it is the caller's cancellation reason.
 */
async function answerOf<I extends DescMessage, O extends DescMessage>(
  response: Promise<DataRequestProto>,
  method: DescMethodUnary<I, O>,
  trailer: Headers,
  cancel: CancelInput | undefined,
): Promise<UnaryResponse<I, O>> {
  let message: DataRequestProto;
  try {
    message = await response;
  } catch (error) {
    throw cancel?.aborted && error === cancel.reason ? ConnectError.from(error, Code.Canceled) : ConnectError.from(error);
  }
  return { stream: false, service: method.parent, method, header: new HeaderView({}), trailer, message: message as unknown as MessageShape<O> };
}

/** The request itself when its sender owns it, else a copy whose documents can be changed without touching the original. */
function ownedCopy(request: DataRequestProto): DataRequestProto {
  if (isOwned(request)) return request;
  materializeData(request.data);
  return { ...request, ...(request.data ? { data: clone(DataRequestProto_DataContentProtoSchema, request.data) } : {}) };
}

function headersOf(header: HeadersInit | undefined): Headers {
  if (header instanceof Headers) return header;
  if (header === undefined || Array.isArray(header)) return new Headers(header);
  return new HeaderView(header as Record<string, string>);
}

/**
 * Runs the handler with only the caller's cancellation (no deadline): the handler gets it as it is (a lazy one as a
 * subscription: the executor's call tracker makes the handler's signal only if it reads one), and the tracker
 * (settleOnAbort) already rejects with its reason as soon as it aborts, whether or not the handler watches it. No
 * listener, race or timer, and no frame or `then` of its own: {@link answerOf} turns errors into ConnectErrors.
 */
function unbounded(cancel: CancelInput | undefined, handle: DataHandler, requests: DataRequestProto[], header: Headers, trailer: Headers): Promise<DataRequestProto> {
  if (cancel?.aborted) return Promise.reject(ConnectError.from(cancel.reason, Code.Canceled));
  return handle(requests, !cancel ? never : isCancellation(cancel) ? (listener) => cancel.subscribe(listener) : cancel, header, trailer);
}

/**
 * Runs `work` with the call's cancellation (a signal, or a subscription to a lazy {@link Cancellation}) aborted on the
 * caller's abort or the deadline, and settles as soon as either happens (CANCELED, DEADLINE_EXCEEDED) even if the
 * handler ignores it. No timer or controller without a deadline, and no AbortSignal for a lazy cancellation.
 */
async function bounded<T>(cancel: CancelInput | undefined, timeoutMs: number, work: (cancel: AbortSignal | CancelSource) => Promise<T>): Promise<T> {
  if (cancel?.aborted) throw ConnectError.from(cancel.reason, Code.Canceled);
  if (timeoutMs <= 0) throw new ConnectError("the operation timed out", Code.DeadlineExceeded);
  // With a deadline the handler gets a signal of its own.
  const controller = new AbortController();
  let fail!: (error: ConnectError) => void;
  const stopped = new Promise<never>((_, reject) => (fail = reject));
  stopped.catch(() => {});
  const stop = (error: ConnectError) => {
    controller.abort(error);
    fail(error);
  };
  const unsubscribe = cancel ? subscribeCancel(cancel, (reason) => stop(ConnectError.from(reason, Code.Canceled))) : undefined;
  const timer = setTimeout(() => stop(new ConnectError("the operation timed out", Code.DeadlineExceeded)), timeoutMs);
  try {
    return await Promise.race([work(controller.signal).catch(rethrow), stopped]);
  } finally {
    clearTimeout(timer);
    unsubscribe?.();
  }
}

function rethrow(error: unknown): never {
  throw ConnectError.from(error);
}
