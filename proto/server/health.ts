/**
 * gRPC health checking (`grpc.health.v1.Health`) for a jina-ts server (executor or gateway): a small serving state
 * that the server's owner flips (SERVING while it serves, NOT_SERVING once it shuts down) and the service that
 * answers `Check` and streams `Watch` from it — what `jina ping` and Kubernetes probes look at.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ErrorCode, JinaError } from "../errors.ts";
import { type Health, HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from "../gen/grpc/health_pb.ts";

/**
 * Whether a server answers SERVING, and who wants to hear when that changes. Made by {@link createHealthState}.
 *
 * @example
 * ```ts
 * const health: HealthState = createHealthState();
 * const stop = health.onChange((serving) => console.log(serving ? "SERVING" : "NOT_SERVING"));
 * health.set(false); // logs NOT_SERVING
 * stop();
 * ```
 */
export interface HealthState {
  /** True while the server reports SERVING. */
  readonly serving: boolean;
  /** Sets the status; listeners are called only when it changes. */
  set(serving: boolean): void;
  /** Calls `listener` on every change until the returned function is called. */
  onChange(listener: (serving: boolean) => void): () => void;
}

/**
 * A serving state, SERVING unless told otherwise.
 *
 * @example
 * ```ts
 * const health = createHealthState();
 * health.serving; // true
 * health.set(false); // a graceful shutdown announces NOT_SERVING first
 * ```
 */
export function createHealthState(serving = true): HealthState {
  const listeners = new Set<(serving: boolean) => void>();
  return {
    get serving() {
      return serving;
    },
    set(next) {
      if (next === serving) return;
      serving = next;
      for (const listener of [...listeners]) listener(serving);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/**
 * The `grpc.health.v1.Health` service answering from `state`. `service` may be "" (the whole server) or one of
 * `services` (fully-qualified names). `Check` of any other name fails with NOT_FOUND; `Watch` of it sends
 * SERVICE_UNKNOWN and stays open, as gRPC's health service does. `Watch` sends the status at once, then again each
 * time it changes, until the client cancels.
 *
 * @example
 * ```ts
 * const health = createHealthState();
 * router.service(Health, createHealthService(health, ["jina.JinaRPC", "grpc.health.v1.Health"]));
 * ```
 */
export function createHealthService(state: HealthState, services: readonly string[]): ServiceImpl<typeof Health> {
  const known = new Set(services);
  const statusOf = (service: string) =>
    service && !known.has(service)
      ? HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN
      : state.serving
      ? HealthCheckResponse_ServingStatus.SERVING
      : HealthCheckResponse_ServingStatus.NOT_SERVING;
  return {
    check(request) {
      const status = statusOf(request.service);
      if (status === HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN) {
        throw new JinaError(
          `Unknown service "${request.service}": ask for "" (the whole server) or one of ${[...known].join(", ")}`,
          ErrorCode.NotFound,
        );
      }
      return create(HealthCheckResponseSchema, { status });
    },
    async *watch(request, context) {
      let wake = () => {};
      const stop = state.onChange(() => wake());
      const abort = () => wake();
      context.signal.addEventListener("abort", abort, { once: true });
      try {
        let last: HealthCheckResponse_ServingStatus | undefined;
        while (!context.signal.aborted) {
          const changed = new Promise<void>((resolve) => (wake = resolve));
          const status = statusOf(request.service);
          if (status !== last) yield create(HealthCheckResponseSchema, { status });
          last = status;
          await changed;
        }
      } finally {
        stop();
        context.signal.removeEventListener("abort", abort);
      }
    },
  };
}
