/**
 * Calling a handler and applying what it returns to a request (Jina's `_set_result`), or its exception as Jina's
 * in-band error. Shared by plain dispatch and dynamic batching.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { DocumentArray } from "../docarray/document-array.ts";
import { setDocs } from "../docarray/request.ts";
import { type DataRequestProto, HeaderProtoSchema } from "../proto/gen/jina_pb.ts";
import { toStatusProto } from "../proto/errors.ts";
import type { Executor } from "./executor.ts";
import type { HandlerArgs } from "./options.ts";

/**
 * The key of `parameters` where dict results of handlers are collected, by executor name.
 *
 * @example
 * ```ts
 * const counts = response.parameters?.[resultsKey]; // { counter: { count: 3 } }
 * ```
 */
export const resultsKey = "__results__";

/**
 * A handled request and whether the handler failed (the response then carries an in-band error).
 *
 * @example
 * ```ts
 * const { response, failed } = await dispatchRequests(executor, [request]);
 * ```
 */
export interface DispatchResult {
  response: DataRequestProto;
  failed: boolean;
  /**
   * True when the response is the (only) request exactly as it came: the handler neither read nor replaced the
   * documents and returned nothing (or no handler was bound), so a server may answer with the bytes it received.
   */
  untouched?: boolean;
}

/**
 * Whether `value` is a plain object (`{}` or `Object.create(null)`), not an array, class instance or null.
 *
 * @example
 * ```ts
 * isPlainObject({ a: 1 }); // true
 * isPlainObject(new DocumentArray()); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return (value as object).constructor?.name ?? "object";
}

/**
 * The handler's parameters: a copy of the request's, with `parameters[metas.name]` merged in when an object.
 *
 * @example
 * ```ts
 * handlerParameters(request, "encoder"); // { limit: 3, device: "cpu" } for { limit: 3, encoder: { device: "cpu" } }
 * ```
 */
export function handlerParameters(request: DataRequestProto, name: string): JsonObject {
  const given = request.parameters;
  if (!given || Object.keys(given).length === 0) return {};
  const parameters = structuredClone(given) as JsonObject;
  const specific = parameters[name];
  return isPlainObject(specific) ? { ...parameters, ...(specific as JsonObject) } : parameters;
}

/**
 * Calls the method `method` of `executor` with `args` and returns what it returned (awaited).
 *
 * @example
 * ```ts
 * const result = await callHandler(executor, "encode", { docs, parameters: {}, signal });
 * ```
 */
export async function callHandler(executor: Executor, method: string, args: HandlerArgs): Promise<unknown> {
  return await invokeHandler(executor, method, args);
}

/**
 * Calls the method `method` of `executor` with `args` and returns what it returned, as it is (a promise when the
 * handler is async); a handler that throws throws here.
 *
 * @example
 * ```ts
 * const result = invokeHandler(executor, "encode", { docs, parameters: {}, signal });
 * if (isThenable(result)) await result;
 * ```
 */
export function invokeHandler(executor: Executor, method: string, args: HandlerArgs): unknown {
  const handler = (executor as unknown as Record<string, (args: HandlerArgs) => unknown>)[method]!;
  return handler.call(executor, args);
}

/**
 * Whether `value` is a promise or another thenable (what `await` would wait for).
 *
 * @example
 * ```ts
 * isThenable(Promise.resolve(1)); // true
 * isThenable(undefined); // false
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * Applies a handler's return value to `request` (Jina's `_set_result`): nothing keeps `docs` (undefined: the request's
 * own, never decoded), a DocumentArray
 * replaces them, a plain object goes to `parameters.__results__[metas.name]` (`<metas.name>/shard-<id>` when the
 * deployment has several shards, so that the shards' answers to an ALL-polled endpoint such as `/status` do not hide
 * each other; Jina keys them by runtime name, which names the shard too); anything else throws a TypeError.
 *
 * @example
 * ```ts
 * applyResult(executor, "count", "/count", request, docs, { count: 3 });
 * ```
 */
export function applyResult(executor: Executor, method: string, endpoint: string, request: DataRequestProto, docs: DocumentArray | undefined, result: unknown): void {
  // `docs` undefined: the handler never had them decoded, and the request's documents are as they came.
  if (result === undefined || result === null) {
    if (docs) setDocs(request, docs);
  } else if (result instanceof DocumentArray) {
    setDocs(request, result);
  } else if (isPlainObject(result)) {
    let json: JsonValue;
    try {
      json = JSON.parse(JSON.stringify(result)) as JsonValue;
    } catch (error) {
      throw new TypeError(`${executor.metas.name}.${method} (endpoint "${endpoint}") returned an object that is not JSON: ${(error as Error).message}`);
    }
    const parameters = (request.parameters ??= {});
    const previous = parameters[resultsKey];
    const { shards, shardId } = executor.runtimeArgs;
    const key = shards > 1 ? `${executor.metas.name}/shard-${shardId}` : executor.metas.name;
    parameters[resultsKey] = { ...(isPlainObject(previous) ? (previous as JsonObject) : {}), [key]: json };
    if (docs) setDocs(request, docs);
  } else {
    throw new TypeError(
      `${executor.metas.name}.${method} (endpoint "${endpoint}") returned ${typeName(result)}; ` +
        "return nothing (the docs as mutated), a DocumentArray (replaces the docs) or a plain object (goes to parameters.__results__)",
    );
  }
}

/**
 * Marks `request` with the in-band error (`header.status = ERROR` with the exception); it keeps its docs.
 *
 * @example
 * ```ts
 * markFailed(executor, request, new RangeError("boom"));
 * ```
 */
export function markFailed(executor: Executor, request: DataRequestProto, error: unknown): void {
  request.header ??= create(HeaderProtoSchema, {});
  request.header.status = toStatusProto(error, executor.metas.name);
}
