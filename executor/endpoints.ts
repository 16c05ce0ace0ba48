/**
 * The bindings of each executor instance: which method handles which endpoint after `uses_requests`, plus the
 * dry-run no-op. What dispatch and `endpoint_discovery` read.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { defaultEndpoint, dryRunEndpoint } from "./bindings.ts";

const instanceBindings = new WeakMap<object, Map<string, string | null>>();

/**
 * Fixes the bindings of one executor instance after checking that every bound method exists on it, and adds the
 * dry-run no-op. Called by the Executor constructor.
 *
 * @example
 * ```ts
 * setInstanceBindings(executor, classBindings(executor.constructor));
 * ```
 */
export function setInstanceBindings(executor: object, bindings: Map<string, string>): void {
  const className = executor.constructor.name;
  for (const [endpoint, method] of bindings) {
    if (typeof (executor as Record<string, unknown>)[method] !== "function") {
      throw new JinaError(
        `${className}: endpoint "${endpoint}" is bound to "${method}", which is not a method of ${className}; ` +
          `check @requests/bindRequests/usesRequests`,
        ErrorCode.InvalidArgument,
      );
    }
  }
  const resolved = new Map<string, string | null>(bindings);
  if (!resolved.has(dryRunEndpoint)) resolved.set(dryRunEndpoint, null);
  instanceBindings.set(executor, resolved);
}

/**
 * The endpoints an executor instance binds (what `endpoint_discovery` answers), including `_jina_dry_run_`.
 *
 * @example
 * ```ts
 * endpointsOf(new Indexer()); // ["/index", "/search", "_jina_dry_run_"]
 * ```
 */
export function endpointsOf(executor: object): string[] {
  return [...(instanceBindings.get(executor)?.keys() ?? [])];
}

/**
 * The name of the method that handles `endpoint` on this executor: the bound one, else the `/default` one.
 * `null` means a no-op (the dry run); `undefined` means the endpoint is not handled (the request passes through).
 *
 * @example
 * ```ts
 * handlerNameOf(new Indexer(), "/index"); // "index"
 * ```
 */
export function handlerNameOf(executor: object, endpoint: string): string | null | undefined {
  const bindings = instanceBindings.get(executor);
  if (!bindings) return undefined;
  return bindings.has(endpoint) ? bindings.get(endpoint) : bindings.get(defaultEndpoint);
}
