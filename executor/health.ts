/**
 * gRPC health checking (`grpc.health.v1.Health`) for an executor: SERVING while it serves, NOT_SERVING once it
 * is shutting down (what `jina ping executor` and Kubernetes probes look at).
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type Health, HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from "../proto/gen/grpc/health_pb.ts";

interface ServingState {
  serving: boolean;
  listeners: Set<() => void>;
}

const states = new WeakMap<object, ServingState>();

function stateOf(target: object): ServingState {
  let state = states.get(target);
  if (!state) states.set(target, (state = { serving: true, listeners: new Set() }));
  return state;
}

/**
 * Sets whether `target` (an executor) reports SERVING; NOT_SERVING is what a graceful shutdown announces first.
 *
 * @example
 * ```ts
 * setServing(executor, false); // health Check now answers NOT_SERVING
 * ```
 */
export function setServing(target: object, serving: boolean): void {
  const state = stateOf(target);
  if (state.serving === serving) return;
  state.serving = serving;
  for (const listener of [...state.listeners]) listener();
}

/**
 * Whether `target` currently reports SERVING.
 *
 * @example
 * ```ts
 * if (!isServing(executor)) console.log("shutting down");
 * ```
 */
export function isServing(target: object): boolean {
  return stateOf(target).serving;
}

/**
 * The `grpc.health.v1.Health` implementation for `target`. `service` may be empty (the whole server) or one of
 * `services`; any other name answers NOT_FOUND, as gRPC's health service does.
 *
 * @example
 * ```ts
 * router.service(Health, createHealthService(executor, ["jina.JinaRPC"]));
 * ```
 */
export function createHealthService(target: object, services: string[]): ServiceImpl<typeof Health> {
  const known = new Set(services);
  const status = (service: string) => {
    if (service && !known.has(service)) {
      throw new JinaError(`unknown service "${service}"; this server serves ${[...known].join(", ")}`, ErrorCode.NotFound);
    }
    const serving = isServing(target);
    return create(HealthCheckResponseSchema, {
      status: serving ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING,
    });
  };
  return {
    check: (request) => status(request.service),
    async *watch(request, context) {
      const state = stateOf(target);
      let wake: () => void = () => {};
      const listener = () => wake();
      state.listeners.add(listener);
      context.signal.addEventListener("abort", listener, { once: true });
      try {
        while (!context.signal.aborted) {
          const next = new Promise<void>((resolve) => (wake = resolve));
          yield status(request.service);
          await next;
        }
      } finally {
        state.listeners.delete(listener);
        context.signal.removeEventListener("abort", listener);
      }
    },
  };
}
