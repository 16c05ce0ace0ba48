/**
 * The Connect services of an executor: Jina's data RPCs, endpoint discovery and info, gRPC health and reflection.
 *
 * @module
 */
import { create, type DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { Health } from "../proto/gen/grpc/health_pb.ts";
import { ServerReflection } from "../proto/gen/grpc/reflection_pb.ts";
import {
  EndpointsProtoSchema,
  JinaDataRequestRPC,
  JinaDiscoverEndpointsRPC,
  JinaInfoProtoSchema,
  JinaInfoRPC,
  JinaRPC,
  JinaSingleDataRequestRPC,
} from "../proto/gen/jina_pb.ts";
import { endpointsOf } from "./endpoints.ts";
import { type DispatchResult, dispatchNow } from "./dispatch.ts";
import type { Executor } from "./executor.ts";
import { lazyDataRequestCodec } from "../docarray/request-codec.ts";
import { randomId } from "../docarray/id.ts";
import { type CancelSource, createHealthService, createReflectionService, jinaInfo, serverSession, withInvalidArgumentOnParseError } from "../proto/server/mod.ts";
import { allEnv } from "../runtime/process.ts";
import { fastUnaryRoute, type FastUnaryRoute, sameAsRequest } from "../runtime/grpc-fast-unary.ts";
import { runtimeName } from "../runtime/detect.ts";
import { healthOf } from "./serving.ts";
import { promiseOf } from "../proto/promise-of.ts";
import { trackLazyCall } from "./drain.ts";
import { executorMetricsOf } from "./metrics.ts";
import { traceContextOf, tracingActive } from "./tracing.ts";
import type { Context } from "@opentelemetry/api";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";

/**
 * Every service an executor serves, in the order `list_services` reports them.
 *
 * @example
 * ```ts
 * executorServices.map((service) => service.typeName); // ["jina.JinaRPC", ..., "grpc.reflection.v1alpha.ServerReflection"]
 * ```
 */
export const executorServices: DescService[] = [
  JinaRPC,
  JinaSingleDataRequestRPC,
  JinaDataRequestRPC,
  JinaDiscoverEndpointsRPC,
  JinaInfoRPC,
  Health,
  ServerReflection,
];

/**
 * One RPC's requests as the executor's services see them: dispatched and answered, errors flagged in `trailer`.
 *
 * @example
 * ```ts
 * const handle: DataHandler = createDataHandler(executor);
 * const response = await handle([request], signal, new Headers({ endpoint: "/index" }), new Headers());
 * ```
 */
export type DataHandler = (requests: DataRequestProto[], signal: AbortSignal | CancelSource, header: Headers, trailer: Headers) => Promise<DataRequestProto>;

/**
 * Handles data RPCs: dispatched in the caller's trace context, timed and counted when metrics are on, tracked for a
 * graceful drain (refused with UNAVAILABLE once the executor drains; see `executor/drain.ts`).
 *
 * @example
 * ```ts
 * const handle = createDataHandler(executor);
 * ```
 */
export function createDataHandler(executor: Executor): DataHandler {
  return (requests, signal, header, trailer) => promiseOf(handleData<never>, executor, requests, signal, { requestHeader: header, responseTrailer: trailer });
}

/** Where a data call's metadata is: read only when needed (a fast-path call makes its header views on first use). */
interface CallMetadata {
  readonly requestHeader: Headers;
  readonly responseTrailer: Headers;
}

/**
 * {@link createDataHandler}'s work with the metadata read lazily: the request header only when tracing is on, the
 * trailer only for an in-band error. A synchronous handler is answered at once, with no promise made (the call is
 * tracked while it runs, `RequestTracker.trackNow`); otherwise one `then` per call (no async frames). Errors before
 * the handler (a draining executor, bad bytes) throw, or reject. `untouched` is what to answer when the response is
 * the request exactly as it came (`DispatchResult.untouched`): the fast path's `sameAsRequest`; undefined answers
 * the response object.
 */
function handleData<U = never>(
  executor: Executor,
  requests: DataRequestProto[],
  signal: AbortSignal | CancelSource,
  call: CallMetadata,
  untouched?: U,
): DataRequestProto | U | Promise<DataRequestProto | U> {
  const observed = executorMetricsOf(executor)?.startRequest();
  let dispatched: DispatchResult | Promise<DispatchResult>;
  try {
    const parent = tracingActive() ? traceContextOf(call.requestHeader) : undefined; // a promise only while @opentelemetry/api loads
    // (no named closure per call: a keepNames build gives each one a name with a defineProperty)
    dispatched = parent instanceof Promise
      ? parent.then((context) => trackedDispatch(executor, requests, signal, context))
      : trackedDispatch(executor, requests, signal, parent);
  } catch (error) {
    observed?.(true);
    throw error;
  }
  if (!(dispatched instanceof Promise)) return answerOf(dispatched, call, observed, untouched);
  return dispatched.then(
    (result) => answerOf(result, call, observed, untouched),
    observed && ((error: unknown) => {
      observed(true);
      throw error;
    }),
  );
}

/** The answer of a dispatched call: its response (or `untouched`), with `is-error` in the trailer for an in-band error. */
function answerOf<U>(result: DispatchResult, call: CallMetadata, observed: ((failed: boolean) => void) | undefined, untouched: U | undefined): DataRequestProto | U {
  observed?.(result.failed);
  // Jina's trailing metadata for a response that carries an in-band error.
  if (result.failed) call.responseTrailer.set("is-error", "true");
  return result.untouched && untouched !== undefined ? untouched : result.response;
}

/** Dispatches `requests` as a tracked call (see `executor/drain.ts`): at once when the handler is synchronous. */
function trackedDispatch(executor: Executor, requests: DataRequestProto[], signal: AbortSignal | CancelSource, parent: Context | undefined): DispatchResult | Promise<DispatchResult> {
  return trackLazyCall(executor, signal, (tracked) => dispatchNow(executor, requests, tracked, parent));
}

/**
 * The executor's unary data methods (`process_single_data`, `process_data`) for the gRPC fast path of
 * `serveGrpc` (see `runtime/grpc-fast-unary.ts`): the same handling as {@link createExecutorRoutes}, without
 * Connect's handler pipeline.
 *
 * @example
 * ```ts
 * await serveGrpc({ routes: createExecutorRoutes(executor), fastUnary: createExecutorFastRoutes(executor) });
 * ```
 */
export function createExecutorFastRoutes(executor: Executor): FastUnaryRoute[] {
  return [
    // call.onCancel, not call.signal: the tracker makes the one signal the handler gets.
    // The lazy codec keeps the documents as bytes until dispatch decodes them (and writes them back when unread).
    // A request the handler left as it came is answered with the bytes received (sameAsRequest), not encoded again.
    fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, (request, call) => handleData(executor, [request], call.onCancel, call, sameAsRequest), [lazyDataRequestCodec]),
    fastUnaryRoute(JinaDataRequestRPC.method.process_data, (list, call) => handleData(executor, list.requests, call.onCancel, call)),
  ];
}

/**
 * Registers the executor's services on a Connect router: `jina.JinaSingleDataRequestRPC/process_single_data`,
 * `jina.JinaRPC/Call` (bidi), `jina.JinaDataRequestRPC/process_data`, `jina.JinaDiscoverEndpointsRPC/endpoint_discovery`,
 * `jina.JinaInfoRPC/_status`, `grpc.health.v1.Health` and `grpc.reflection.v1alpha.ServerReflection`. Handler
 * errors come back in-band with the trailer `is-error: true`; undecodable requests answer INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * import { createRouterTransport } from "@connectrpc/connect";
 * const transport = createRouterTransport(createExecutorRoutes(new Upper()));
 * ```
 */
export function createExecutorRoutes(executor: Executor): (router: ConnectRouter) => void {
  const names = executorServices.map((service) => service.typeName);
  const session = serverSession(randomId);
  const handle = (requests: DataRequestProto[], context: HandlerContext) => handleData(executor, requests, context.signal, context);
  return withInvalidArgumentOnParseError((router) => {
    router.service(JinaSingleDataRequestRPC, {
      process_single_data: (request, context) => handle([request], context),
    });
    router.service(JinaRPC, {
      async *call(requests, context) {
        for await (const request of requests) yield await handle([request], context);
      },
    });
    router.service(JinaDataRequestRPC, {
      process_data: (list, context) => handle(list.requests, context),
    });
    router.service(JinaDiscoverEndpointsRPC, {
      endpoint_discovery: () => create(EndpointsProtoSchema, { endpoints: endpointsOf(executor) }),
    });
    router.service(JinaInfoRPC, {
      _status: () => create(JinaInfoProtoSchema, jinaInfo({ env: allEnv(), runtime: runtimeName(), ...session })),
    });
    router.service(Health, createHealthService(healthOf(executor), names));
    router.service(ServerReflection, createReflectionService(executorServices));
  });
}
