/**
 * Whether anything registered with OpenTelemetry's global registry (an SDK, or code that set a tracer provider,
 * propagator or context manager): until then there is nothing to trace, and executors and the gateway do not load
 * `@opentelemetry/api` at all (issue 8, fast start: ~50 CommonJS files, a quarter of a Flow process's CPU at start).
 *
 * @module
 */

/** Where every copy of `@opentelemetry/api` 1.x keeps what was registered (its `registerGlobal`). */
const otelRegistry = Symbol.for("opentelemetry.js.api.1");

/**
 * True once something registered with OpenTelemetry in this process (any copy of `@opentelemetry/api` 1.x).
 *
 * @example
 * ```ts
 * if (otelRegistered()) {
 *   const { trace } = await import("@opentelemetry/api");
 * }
 * ```
 */
export function otelRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[otelRegistry] !== undefined;
}
