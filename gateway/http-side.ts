/**
 * Where the gateway finds its HTTP side (`createGatewayHttp`: Hono, zod-openapi, zod, Swagger UI), so that a gateway
 * serving gRPC alone never loads it: `http-app.ts` registers itself here when it is evaluated (as `jina-ts/gateway`
 * does at import, so `gateway.app` is there at once for its users), and the Flow, which imports `gateway.ts` alone,
 * loads it only for an HTTP or WebSocket port or for the first request that reaches a gRPC port's HTTP fallback
 * (issue 8, fast start: ~0.22 CPU-s of the flow's process).
 *
 * @module
 */
import type { createGatewayHttp } from "./http-app.ts";

/** `createGatewayHttp` of `http-app.ts`. */
export type HttpSideFactory = typeof createGatewayHttp;

let factory: HttpSideFactory | undefined;

/**
 * Called by `http-app.ts` when it is evaluated.
 *
 * @example
 * ```ts
 * provideHttpSide(createGatewayHttp);
 * ```
 */
export function provideHttpSide(create: HttpSideFactory): void {
  factory = create;
}

/**
 * The HTTP side's factory if `http-app.ts` is loaded, else undefined.
 *
 * @example
 * ```ts
 * const create = httpSideNow() ?? (await loadHttpSide());
 * ```
 */
export function httpSideNow(): HttpSideFactory | undefined {
  return factory;
}

/**
 * Loads `http-app.ts` (once) and resolves with its factory.
 *
 * @example
 * ```ts
 * const create = await loadHttpSide();
 * ```
 */
export async function loadHttpSide(): Promise<HttpSideFactory> {
  return factory ?? (await import("./http-app.ts")).createGatewayHttp;
}
