/**
 * Which endpoints of an executor batch their requests (Jina's `dynamic_batching`): recorded per class by
 * `@dynamicBatching` or {@link bindDynamicBatching}, overridden per instance by the `dynamicBatching` option
 * (Jina's `uses_dynamic_batching`), and resolved per bound endpoint.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { defaultEndpoint } from "./bindings.ts";
import { classRecords, createRecordKind, recordExplicit, recordOnClass } from "./class-records.ts";
import { endpointsOf, handlerNameOf } from "./endpoints.ts";
import { isPlainObject } from "./handler-result.ts";

/**
 * How one endpoint (or every endpoint of one method) batches: the handler runs once the queued requests hold
 * `preferredBatchSize` documents, or `timeout` ms after the first of them was queued, whichever comes first.
 *
 * @example
 * ```ts
 * const options: DynamicBatchingOptions = { preferredBatchSize: 32, timeout: 50 };
 * ```
 */
export interface DynamicBatchingOptions {
  /** Run the handler once this many documents are queued. A positive integer (`preferred_batch_size` in YAML). */
  preferredBatchSize: number;
  /** Run it at the latest this many milliseconds after the first request was queued; Jina's default 10000. */
  timeout?: number;
}

/**
 * The batching of one bound endpoint of an instance, with its defaults applied.
 *
 * @example
 * ```ts
 * batchingOf(executor, "/embed"); // { endpoint: "/embed", preferredBatchSize: 16, timeout: 10000 }
 * ```
 */
export interface ResolvedBatching {
  /** The bound endpoint whose queue the request joins (`/default` for a request handled by the fallback). */
  endpoint: string;
  preferredBatchSize: number;
  timeout: number;
}

/**
 * The default `timeout` of dynamic batching, in milliseconds (Jina's).
 *
 * @example
 * ```ts
 * batchingOf(executor, "/embed")?.timeout === defaultBatchingTimeout; // when no timeout was given
 * ```
 */
export const defaultBatchingTimeout = 10_000;

type Checked = Required<DynamicBatchingOptions>;

const batchingKind = createRecordKind<Checked>("jina-ts.dynamic-batching");
const instanceBatching = new WeakMap<object, Map<string, ResolvedBatching | null>>();
const allowedKeys: Record<string, keyof DynamicBatchingOptions> = {
  preferredBatchSize: "preferredBatchSize",
  preferred_batch_size: "preferredBatchSize",
  timeout: "timeout",
};

/**
 * Checks dynamic batching options (camelCase, or Jina's `preferred_batch_size`) and applies the default timeout;
 * throws JinaError(InvalidArgument) naming `where` and the bad field.
 *
 * @example
 * ```ts
 * checkBatchingOptions({ preferred_batch_size: 8 }, "dynamicBatching[\"/embed\"]"); // { preferredBatchSize: 8, timeout: 10000 }
 * ```
 */
export function checkBatchingOptions(value: unknown, where: string): Checked {
  if (!isPlainObject(value)) {
    throw new JinaError(`${where}: expected an object like { preferredBatchSize: 16, timeout: 100 }, got ${JSON.stringify(value) ?? String(value)}`, ErrorCode.InvalidArgument);
  }
  const options: Partial<Checked> = {};
  for (const [key, field] of Object.entries(value)) {
    const name = allowedKeys[key];
    if (!name) {
      throw new JinaError(`${where}: unknown option "${key}"; dynamic batching takes preferredBatchSize and timeout (ms)`, ErrorCode.InvalidArgument);
    }
    options[name] = field as number;
  }
  const { preferredBatchSize, timeout = defaultBatchingTimeout } = options;
  if (typeof preferredBatchSize !== "number" || !Number.isInteger(preferredBatchSize) || preferredBatchSize < 1) {
    throw new JinaError(`${where}: preferredBatchSize must be a positive integer, got ${JSON.stringify(preferredBatchSize)}`, ErrorCode.InvalidArgument);
  }
  if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout < 0) {
    throw new JinaError(`${where}: timeout must be a number of milliseconds >= 0, got ${JSON.stringify(timeout)}`, ErrorCode.InvalidArgument);
  }
  return { preferredBatchSize, timeout };
}

function checkConfig(config: unknown, where: string): [string, Checked][] {
  if (!isPlainObject(config)) {
    throw new JinaError(`${where}: expected an object like { "/embed": { preferredBatchSize: 16 } }, got ${JSON.stringify(config) ?? String(config)}`, ErrorCode.InvalidArgument);
  }
  return Object.entries(config).map(([key, options]) => {
    if (key === "") throw new JinaError(`${where}: keys are endpoints ("/embed") or method names, got ""`, ErrorCode.InvalidArgument);
    return [key, checkBatchingOptions(options, `${where}["${key}"]`)];
  });
}

/**
 * Records dynamic batching for the method being decorated. Used by `@dynamicBatching`.
 *
 * @example
 * ```ts
 * recordBatching(context.metadata, method, "embed", checkBatchingOptions({ preferredBatchSize: 8 }, "@dynamicBatching"));
 * ```
 */
export function recordBatching(metadata: object | undefined, method: unknown, methodName: string, options: Checked): void {
  recordOnClass(batchingKind, metadata, method, [[methodName, options]]);
}

/**
 * Turns on dynamic batching for endpoints (`"/embed"`) or methods (`"embed"`: every endpoint it handles) of `cls`,
 * without decorators; the same as `@dynamicBatching` on each method. Inherited by subclasses, overridden by the
 * `dynamicBatching` option of an instance. An endpoint key wins over the key of its method.
 *
 * @example
 * ```ts
 * class Encoder extends Executor {
 *   embed({ docs }: HandlerArgs) { for (const doc of docs) doc.embedding = [doc.text?.length ?? 0]; }
 * }
 * bindRequests(Encoder, { "/embed": "embed" });
 * bindDynamicBatching(Encoder, { "/embed": { preferredBatchSize: 32, timeout: 20 } });
 * ```
 */
export function bindDynamicBatching(cls: abstract new (...args: never[]) => object, config: Record<string, DynamicBatchingOptions>): void {
  recordExplicit(batchingKind, cls, checkConfig(config, `bindDynamicBatching(${cls.name})`));
}

/**
 * Fixes the dynamic batching of one executor instance: the class records, then `overrides` (the `dynamicBatching`
 * option) key by key, resolved for each bound endpoint (its endpoint key, else its method's key). Method keys must
 * name methods; endpoint keys that are not bound are ignored. Returns whether any endpoint batches. Called by the
 * Executor constructor after the endpoint bindings are fixed.
 *
 * @example
 * ```ts
 * setInstanceBatching(executor, options.dynamicBatching); // true
 * ```
 */
export function setInstanceBatching(executor: object, overrides: unknown): boolean {
  const className = executor.constructor.name;
  const records = classRecords(batchingKind, executor.constructor);
  if (overrides !== undefined) {
    for (const [key, options] of checkConfig(overrides, `${className}: dynamicBatching`)) records.set(key, options);
  }
  for (const key of records.keys()) {
    if (!key.startsWith("/") && typeof (executor as Record<string, unknown>)[key] !== "function") {
      throw new JinaError(
        `${className}: dynamic batching is set for "${key}", which is neither an endpoint (they start with "/") nor a method of ${className}`,
        ErrorCode.InvalidArgument,
      );
    }
  }
  const resolved = new Map<string, ResolvedBatching | null>();
  for (const endpoint of endpointsOf(executor)) {
    const method = handlerNameOf(executor, endpoint);
    const options = method ? (records.get(endpoint) ?? records.get(method)) : undefined;
    resolved.set(endpoint, options ? { endpoint, ...options } : null);
  }
  const batching = [...resolved.values()].some(Boolean);
  if (batching) instanceBatching.set(executor, resolved);
  else instanceBatching.delete(executor);
  return batching;
}

/**
 * The batching that applies to a request for `endpoint` (an unbound endpoint goes to `/default`'s), or undefined.
 *
 * @example
 * ```ts
 * batchingOf(executor, "/embed"); // { endpoint: "/embed", preferredBatchSize: 16, timeout: 50 }
 * ```
 */
export function batchingOf(executor: object, endpoint: string): ResolvedBatching | undefined {
  const resolved = instanceBatching.get(executor);
  if (!resolved) return undefined;
  return (resolved.has(endpoint) ? resolved.get(endpoint) : resolved.get(defaultEndpoint)) ?? undefined;
}
