/**
 * Each executor's serving state (gRPC health, `GET /`): SERVING while it serves, NOT_SERVING once it is shutting
 * down. The state and the health service themselves are the shared ones of `proto/server/`.
 *
 * @module
 */
import { createHealthState, type HealthState } from "../proto/server/mod.ts";

const states = new WeakMap<object, HealthState>();

/**
 * The serving state of `executor` (SERVING until told otherwise), one per executor.
 *
 * @example
 * ```ts
 * router.service(Health, createHealthService(healthOf(executor), ["jina.JinaRPC"]));
 * ```
 */
export function healthOf(executor: object): HealthState {
  let state = states.get(executor);
  if (!state) states.set(executor, (state = createHealthState()));
  return state;
}

/**
 * Sets whether `executor` reports SERVING; NOT_SERVING is what a graceful shutdown announces first.
 *
 * @example
 * ```ts
 * setServing(executor, false); // health Check now answers NOT_SERVING, Watch streams it
 * ```
 */
export function setServing(executor: object, serving: boolean): void {
  healthOf(executor).set(serving);
}

/**
 * Whether `executor` currently reports SERVING.
 *
 * @example
 * ```ts
 * if (!isServing(executor)) console.log("shutting down");
 * ```
 */
export function isServing(executor: object): boolean {
  return healthOf(executor).serving;
}
