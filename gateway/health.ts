/**
 * gRPC health checking (`grpc.health.v1.Health`) for the gateway: SERVING until the gateway closes.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type Health, HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from "../proto/gen/grpc/health_pb.ts";

/**
 * The health service. `service` may be "" (the whole server) or one of `services`; any other name answers
 * NOT_FOUND, as gRPC's health service does. `Watch` sends the status once, then again when it changes.
 *
 * @example
 * ```ts
 * router.service(Health, createHealthService(["jina.JinaRPC"], () => !closed));
 * ```
 */
export function createHealthService(services: readonly string[], serving: () => boolean): ServiceImpl<typeof Health> {
  const known = new Set(services);
  const check = (service: string) => {
    if (service && !known.has(service)) {
      throw new JinaError(`Unknown service "${service}": the gateway serves ${[...known].join(", ")}`, ErrorCode.NotFound);
    }
    return create(HealthCheckResponseSchema, {
      status: serving() ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING,
    });
  };
  return {
    check: (request) => check(request.service),
    async *watch(request, context) {
      let last: HealthCheckResponse_ServingStatus | undefined;
      while (!context.signal.aborted) {
        const response = check(request.service);
        if (response.status !== last) yield response;
        last = response.status;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          context.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    },
  };
}
