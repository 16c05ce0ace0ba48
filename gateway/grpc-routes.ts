/**
 * The gRPC side of the gateway: `jina.JinaRPC/Call` (bidi), `jina.JinaSingleDataRequestRPC/process_single_data`,
 * `jina.JinaGatewayDryRunRPC/dry_run`, `jina.JinaInfoRPC/_status`, gRPC health and reflection (v1alpha).
 *
 * In-band executor errors answer normally with trailer `is-error: true`; a network failure ends the call with
 * its gRPC status (UNAVAILABLE, DEADLINE_EXCEEDED); bytes that are not a DataRequestProto give INVALID_ARGUMENT.
 *
 * @module
 */
import { markOwned } from "../proto/ownership.ts";
import { create, type DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { Health } from "../proto/gen/grpc/health_pb.ts";
import { ServerReflection } from "../proto/gen/grpc/reflection_pb.ts";
import {
  type DataRequestProto,
  JinaGatewayDryRunRPC,
  JinaInfoProtoSchema,
  JinaInfoRPC,
  JinaRPC,
  JinaSingleDataRequestRPC,
  type StatusProto,
} from "../proto/gen/jina_pb.ts";
import { lazyDataRequestCodec, materializeData } from "../docarray/mod.ts";
import { mapConcurrent } from "./concurrent-map.ts";
import type { InFlightLimit } from "./in-flight-limit.ts";
import {
  type CancelSource,
  createHealthService,
  createReflectionService,
  type HealthState,
  type JinaInfo,
  withInvalidArgumentOnParseError,
} from "../proto/server/mod.ts";
import { type FastStreamRoute, fastStreamRoute, type FastUnaryCall, fastUnaryRoute, type FastUnaryRoute } from "../runtime/mod.ts";
import { isErrorResponse } from "./walk.ts";

/**
 * Options of {@link createGatewayRoutes}.
 *
 * @example
 * ```ts
 * const options: GatewayRoutesOptions = { handle, info, dryRun, prefetch: 1000, health: createHealthState() };
 * ```
 */
export interface GatewayRoutesOptions {
  /** Runs one request through the flow. */
  handle(request: DataRequestProto, signal?: AbortSignal): Promise<DataRequestProto>;
  /**
   * As `handle`, but the response may keep documents that came in as bytes as bytes (see `docarray/lazy-data.ts`):
   * for the gRPC fast path, whose encoder writes them back. Default: `handle`.
   */
  forward?(request: DataRequestProto, signal?: AbortSignal | CancelSource): Promise<DataRequestProto>;
  /** Jina's status document. */
  info(): JinaInfo;
  /** One document through the flow, as a status. */
  dryRun(signal?: AbortSignal): Promise<StatusProto>;
  /** Requests of one `Call` stream handled at once (0: no limit); a client may ask for fewer with `__prefetch__`. */
  prefetch: number;
  /** Bounds the unary `process_single_data` calls in flight: beyond it they fail at once with RESOURCE_EXHAUSTED. */
  inFlight?: InFlightLimit | undefined;
  /** Whether health checks answer SERVING (`Watch` streams its changes). */
  health: HealthState;
}

/** The descriptors of the gateway's services (reflection answers with their files). */
const serviceDescs: readonly DescService[] = [JinaRPC, JinaSingleDataRequestRPC, JinaGatewayDryRunRPC, JinaInfoRPC, Health, ServerReflection];

/**
 * The services the gateway serves over gRPC, by full name (what health checks and reflection know).
 *
 * @example
 * ```ts
 * gatewayServices.includes("jina.JinaRPC"); // true
 * ```
 */
export const gatewayServices: readonly string[] = serviceDescs.map((service) => service.typeName);

/**
 * Registers the gateway's gRPC services on a Connect router.
 *
 * @example
 * ```ts
 * const routes = createGatewayRoutes({ handle, info, dryRun, prefetch: 1000, health: createHealthState() });
 * await serveGrpc({ routes, port: 0 });
 * ```
 */
export function createGatewayRoutes(options: GatewayRoutesOptions): (router: ConnectRouter) => void {
  return withInvalidArgumentOnParseError((router) => {
    router.service(JinaRPC, {
      async *call(requests, context) {
        const limit = prefetchOf(context.requestHeader.get("__prefetch__"), options.prefetch);
        const inOrder = context.requestHeader.get("__results_in_order__") === "true";
        // Each request was decoded for this call and nobody else holds it: in-process executors may work on it in place.
        const responses = mapConcurrent(requests, (request, signal) => options.handle(markOwned(request), signal), { limit, inOrder, signal: context.signal });
        for await (const response of responses) {
          if (isErrorResponse(response)) context.responseTrailer.set("is-error", "true");
          yield response;
        }
      },
    });
    const single = singleDataHandler(options.handle, options.inFlight);
    router.service(JinaSingleDataRequestRPC, { process_single_data: (request, context) => single(request, context.signal, context.responseTrailer) });
    router.service(JinaGatewayDryRunRPC, { dry_run: (_, context) => options.dryRun(context.signal) });
    router.service(JinaInfoRPC, { _status: () => create(JinaInfoProtoSchema, options.info()) });
    router.service(Health, createHealthService(options.health, gatewayServices));
    router.service(ServerReflection, createReflectionService(serviceDescs));
  });
}

/**
 * `process_single_data`: one request through the flow within the in-flight bound, `is-error` on an in-band error;
 * `settle` (when given) sees each request with its response before it is answered.
 */
function singleDataHandler<S>(
  handle: (request: DataRequestProto, signal: S) => Promise<DataRequestProto>,
  inFlight: InFlightLimit | undefined,
  settle?: (request: DataRequestProto, response: DataRequestProto) => void,
): (request: DataRequestProto, signal: S, trailer: Headers) => Promise<DataRequestProto> {
  return async (request, signal, trailer) => {
    const release = inFlight?.acquire();
    try {
      const response = await handle(markOwned(request), signal); // decoded for this call: nobody else holds it
      settle?.(request, response);
      if (isErrorResponse(response)) trailer.set("is-error", "true");
      return response;
    } finally {
      release?.();
    }
  };
}

/**
 * The gateway's `process_single_data` and `Call` for the gRPC fast paths of `serveGrpc` (see
 * `runtime/grpc-fast-unary.ts`, `runtime/grpc-fast-stream.ts`): the same handling as in {@link createGatewayRoutes},
 * without Connect's handler pipeline. The requests' documents stay the bytes they came in (`docarray/lazy-data.ts`,
 * as Jina's gateway does): they are counted on the bytes, sent on as they came, and decoded only where a node needs
 * them (`when`, a reduce of several parts, target filters) or when no executor read them (so that bad bytes still
 * answer INVALID_ARGUMENT). A `Call` handles its requests as they come, at most `prefetch` at once (or the client's
 * `__prefetch__`), and answers in request order when the client sends `__results_in_order__: true`.
 *
 * @example
 * ```ts
 * await serveGrpc({ routes: createGatewayRoutes(options), ...createGatewayFastRoutes(options) });
 * ```
 */
export function createGatewayFastRoutes(options: GatewayRoutesOptions): { fastUnary: FastUnaryRoute[]; fastStream: FastStreamRoute[] } {
  const forward = options.forward ?? ((request, cancel) => options.handle(request, cancel && signalOf(cancel)));
  const single = singleDataHandler<CancelSource>(forward, options.inFlight, materializeUnread);
  const each = singleDataHandler<CancelSource>(forward, undefined, materializeUnread);
  const callSettings = (call: FastUnaryCall) => ({
    limit: prefetchOf(call.requestHeader.get("__prefetch__"), options.prefetch),
    inOrder: call.requestHeader.get("__results_in_order__") === "true",
  });
  // call.onCancel, not call.signal: the gateway's request tracker makes the one signal the walk gets.
  return {
    fastUnary: [
      fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, (request, call) => single(request, call.onCancel, call.responseTrailer), [lazyDataRequestCodec]),
    ],
    fastStream: [fastStreamRoute(JinaRPC.method.call, (request, call) => each(request, call.onCancel, call.responseTrailer), callSettings, [lazyDataRequestCodec])],
  };
}

/**
 * Documents no executor read are still the client's bytes: they are decoded before answering, so that bytes that do
 * not decode answer INVALID_ARGUMENT instead of going back as they came.
 */
function materializeUnread(request: DataRequestProto, response: DataRequestProto): void {
  if (response.data === request.data) materializeData(response.data);
}

/** An AbortSignal that aborts when `cancel` says so (for a `handle` that takes signals). */
function signalOf(cancel: AbortSignal | CancelSource): AbortSignal {
  if (typeof cancel !== "function") return cancel;
  const controller = new AbortController();
  cancel((reason) => controller.abort(reason));
  return controller.signal;
}

function prefetchOf(header: string | null, fallback: number): number {
  if (header === null || !/^\d+$/.test(header.trim())) return fallback;
  const asked = Number(header);
  return fallback === 0 ? asked : asked === 0 ? fallback : Math.min(asked, fallback);
}
