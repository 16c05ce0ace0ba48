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
import { type DispatchResult, dispatchRequests } from "./dispatch.ts";
import type { Executor } from "./executor.ts";
import { randomId } from "../docarray/mod.ts";
import { createHealthService, createReflectionService, jinaInfo, withInvalidArgumentOnParseError } from "../proto/server/mod.ts";
import { allEnv, runtimeName } from "../runtime/mod.ts";
import { healthOf } from "./serving.ts";
import { executorMetricsOf } from "./metrics.ts";
import { traceContextOf } from "./tracing.ts";
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

/** Jina's trailing metadata for a response that carries an in-band error. */
function flagError(result: DispatchResult, context: HandlerContext): DispatchResult {
  if (result.failed) context.responseTrailer.set("is-error", "true");
  return result;
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
  const session = { sessionId: randomId(), startedAt: new Date() };
  // One RPC's requests: dispatched in the caller's trace context, timed and counted when metrics are on.
  const handle = async (requests: DataRequestProto[], context: HandlerContext): Promise<DataRequestProto> => {
    const observed = executorMetricsOf(executor)?.startRequest();
    let result: DispatchResult;
    try {
      result = await dispatchRequests(executor, requests, context.signal, traceContextOf(context.requestHeader));
    } catch (error) {
      observed?.(true);
      throw error;
    }
    observed?.(result.failed);
    return flagError(result, context).response;
  };
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
