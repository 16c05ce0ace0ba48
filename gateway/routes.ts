/**
 * The `routes` of a response: the gateway first, then one entry per deployment the request visited, with
 * start and end times and the status the deployment answered with.
 *
 * @module
 */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { type RouteProto, type StatusProto, StatusProto_StatusCode } from "../proto/gen/jina_pb.ts";

/**
 * The current time as a protobuf `Timestamp`: what `timestampNow()` makes, as a literal (protobuf-es's `create`
 * walks the schema, and a request takes four of them).
 *
 * @example
 * ```ts
 * const start = routeTimestampNow(); // { $typeName: "google.protobuf.Timestamp", seconds: 1796073996n, nanos: 300000000 }
 * ```
 */
export function routeTimestampNow(): Timestamp {
  const ms = Date.now();
  const seconds = Math.floor(ms / 1000);
  // a bigint is a value: the current second's is made once, not three times per request
  if (seconds !== lastSeconds) lastBigSeconds = BigInt((lastSeconds = seconds));
  return { $typeName: "google.protobuf.Timestamp", seconds: lastBigSeconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

let lastSeconds = -1;
let lastBigSeconds = 0n;

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
  return { executor, startTime: routeTimestampNow() };
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
  visit.endTime = routeTimestampNow();
  visit.status = status ?? { $typeName: "jina.StatusProto", code: StatusProto_StatusCode.SUCCESS, description: "" };
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
  // Literals of what create(RouteProtoSchema, …) makes (unset message fields left out).
  const routes: RouteProto[] = [{ $typeName: "jina.RouteProto", executor: "gateway", startTime: gatewayStart, endTime: routeTimestampNow() }];
  for (const visit of visits) {
    const route: RouteProto = { $typeName: "jina.RouteProto", executor: visit.executor, startTime: visit.startTime };
    if (visit.endTime) route.endTime = visit.endTime;
    if (visit.status) route.status = visit.status;
    routes.push(route);
  }
  return routes;
}
