/**
 * Which method handles which endpoint: bindings recorded per class (by `@requests` or {@link bindRequests}),
 * resolved along the class chain (parents first, children override), then per instance with `uses_requests`.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { classRecords, createRecordKind, recordExplicit, recordOnClass } from "./class-records.ts";
import { noteOrigin } from "./class-origin.ts";

/**
 * The endpoint a bare `@requests()` binds: the fallback for any endpoint that is not bound.
 *
 * @example
 * ```ts
 * bindRequests(Echo, { [defaultEndpoint]: "echo" });
 * ```
 */
export const defaultEndpoint = "/default";
/**
 * The endpoint every executor binds as a no-op (Jina's `__dry_run_endpoint__`).
 *
 * @example
 * ```ts
 * endpointsOf(new Echo()).includes(dryRunEndpoint); // true
 * ```
 */
export const dryRunEndpoint = "_jina_dry_run_";

const endpointsKind = createRecordKind<string>("jina-ts.requests");

/**
 * Checks an endpoint list (undefined means `/default`) and returns it; throws JinaError(InvalidArgument) naming the
 * bad entry.
 *
 * @example
 * ```ts
 * checkEndpoints(["/a", "/b"], "@requests"); // ["/a", "/b"]
 * checkEndpoints(undefined, "@requests");    // ["/default"]
 * ```
 */
export function checkEndpoints(on: unknown, where: string): string[] {
  const list = on === undefined ? [defaultEndpoint] : Array.isArray(on) ? on : [on];
  for (const endpoint of list) {
    if (typeof endpoint !== "string" || endpoint === "") {
      throw new JinaError(`${where}: endpoint ${JSON.stringify(endpoint)} must be a non-empty string like "/index"`, ErrorCode.InvalidArgument);
    }
  }
  if (list.length === 0) throw new JinaError(`${where}: give at least one endpoint`, ErrorCode.InvalidArgument);
  return list as string[];
}

/**
 * Records that `methodName` handles `endpoints`, in the decorator metadata of its class when the runtime gives one,
 * otherwise on the method itself. Used by `@requests`.
 *
 * @example
 * ```ts
 * recordBinding(context.metadata, method, "encode", ["/index"]);
 * ```
 */
export function recordBinding(metadata: object | undefined, method: unknown, methodName: string, endpoints: string[]): void {
  recordOnClass(endpointsKind, metadata, method, endpoints.map((endpoint) => [endpoint, methodName]));
}

/**
 * Binds endpoints to methods of `cls` without decorators (the same as `@requests` on each method).
 * Bindings are inherited by subclasses and may be overridden there.
 *
 * @example
 * ```ts
 * class Indexer extends Executor {
 *   index({ docs }: HandlerArgs) { ... }
 *   search({ docs }: HandlerArgs) { ... }
 * }
 * bindRequests(Indexer, { "/index": "index", "/search": "search" });
 * ```
 */
export function bindRequests(cls: abstract new (...args: never[]) => object, bindings: Record<string, string>): void {
  const where = `bindRequests(${cls.name})`;
  for (const [endpoint, method] of Object.entries(bindings)) {
    checkEndpoints(endpoint, where);
    if (typeof method !== "string" || method === "") {
      throw new JinaError(`${where}: the method for "${endpoint}" must be a method name, got ${JSON.stringify(method)}`, ErrorCode.InvalidArgument);
    }
  }
  recordExplicit(endpointsKind, cls, Object.entries(bindings));
  noteOrigin(cls); // for flow.save(): uses as "./file.ts#Class"
}

/**
 * The endpoint → method bindings of a class, parents first so that subclasses override.
 *
 * @example
 * ```ts
 * classBindings(Indexer).get("/index"); // "index"
 * ```
 */
export function classBindings(cls: Function): Map<string, string> {
  return classRecords(endpointsKind, cls);
}

/**
 * Applies `uses_requests`: each endpoint is (re)bound to its method, and the endpoints the method was bound to
 * before are removed (Jina's `_add_requests`).
 *
 * @example
 * ```ts
 * applyRequestOverrides(new Map([["/index", "encode"]]), { "/embed": "encode" }); // Map { "/embed" => "encode" }
 * ```
 */
export function applyRequestOverrides(bindings: Map<string, string>, overrides: Record<string, string>): Map<string, string> {
  const before = new Map(bindings);
  for (const [endpoint, method] of Object.entries(overrides)) {
    checkEndpoints(endpoint, "requests");
    if (typeof method !== "string" || method === "") {
      throw new JinaError(`requests: the method for "${endpoint}" must be a method name, got ${JSON.stringify(method)}`, ErrorCode.InvalidArgument);
    }
    for (const [previous, name] of before) {
      if (name === method && bindings.get(previous) === method) bindings.delete(previous);
    }
    bindings.set(endpoint, method);
  }
  return bindings;
}
