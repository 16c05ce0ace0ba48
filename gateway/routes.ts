/**
 * The `routes` of a response: the gateway first, then one entry per deployment the request visited, with
 * start and end times and the status the deployment answered with.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { timestampNow, type Timestamp } from "@bufbuild/protobuf/wkt";
import { type RouteProto, RouteProtoSchema, type StatusProto, StatusProto_StatusCode, StatusProtoSchema } from "../proto/gen/jina_pb.ts";

/**
 * One visit of a node, filled in as the call progresses.
 *
 * @example
 * ```ts
 * const visit: Visit = startVisit("encoder");
 * ```
 */
export interface Visit {
  readonly executor: string;
  readonly startTime: Timestamp;
  endTime?: Timestamp;
  status?: StatusProto;
}

/**
 * Starts timing a visit of `executor`.
 *
 * @example
 * ```ts
 * const visit = startVisit("encoder");
 * // ... call the encoder ...
 * endVisit(visit, response.header?.status);
 * ```
 */
export function startVisit(executor: string): Visit {
  return { executor, startTime: timestampNow() };
}

/**
 * Records the end of a visit and the status the deployment answered with (SUCCESS when it sent none).
 *
 * @example
 * ```ts
 * endVisit(visit, response.header?.status);
 * ```
 */
export function endVisit(visit: Visit, status: StatusProto | undefined): void {
  visit.endTime = timestampNow();
  visit.status = status ?? create(StatusProtoSchema, { code: StatusProto_StatusCode.SUCCESS });
}

/**
 * The response's routes: `{executor: "gateway", startTime, endTime}` first, then the visits in start order.
 *
 * @example
 * ```ts
 * response.routes = buildRoutes(gatewayStart, visits);
 * ```
 */
export function buildRoutes(gatewayStart: Timestamp, visits: readonly Visit[]): RouteProto[] {
  const gateway = create(RouteProtoSchema, { executor: "gateway", startTime: gatewayStart, endTime: timestampNow() });
  return [
    gateway,
    ...visits.map((visit) =>
      create(RouteProtoSchema, {
        executor: visit.executor,
        startTime: visit.startTime,
        ...(visit.endTime ? { endTime: visit.endTime } : {}),
        ...(visit.status ? { status: visit.status } : {}),
      })
    ),
  ];
}
