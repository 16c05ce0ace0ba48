/**
 * Endpoint dispatch at the worker: finds the handler for a request's endpoint, calls it with the docs and
 * parameters, applies its result to the request, and turns an exception into Jina's in-band error.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { DocumentArray, docsOf, setDocs } from "../docarray/mod.ts";
import { type DataRequestProto, HeaderProtoSchema } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError, toStatusProto } from "../proto/errors.ts";
import { handlerNameOf } from "./endpoints.ts";
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
}

const never = new AbortController().signal;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return (value as object).constructor?.name ?? "object";
}

/** The handler's parameters: a copy of the request's, with `parameters[metas.name]` merged in when an object. */
function handlerParameters(request: DataRequestProto, name: string): JsonObject {
  const parameters = structuredClone(request.parameters ?? {}) as JsonObject;
  const specific = parameters[name];
  return isPlainObject(specific) ? { ...parameters, ...(specific as JsonObject) } : parameters;
}

/** Applies a handler's return value to `request` (Jina's `_set_result`). */
function applyResult(executor: Executor, method: string, endpoint: string, request: DataRequestProto, docs: DocumentArray, result: unknown): void {
  if (result === undefined || result === null) {
    setDocs(request, docs);
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
    parameters[resultsKey] = { ...(isPlainObject(previous) ? (previous as JsonObject) : {}), [executor.metas.name]: json };
    setDocs(request, docs);
  } else {
    throw new TypeError(
      `${executor.metas.name}.${method} (endpoint "${endpoint}") returned ${typeName(result)}; ` +
        "return nothing (the docs as mutated), a DocumentArray (replaces the docs) or a plain object (goes to parameters.__results__)",
    );
  }
}

/** The in-band error: `header.status = ERROR` with the exception; the request keeps its docs. */
function markFailed(executor: Executor, request: DataRequestProto, error: unknown): void {
  request.header ??= create(HeaderProtoSchema, {});
  request.header.status = toStatusProto(error, executor.metas.name);
}

/**
 * Handles several parts at once (`process_data`): the handler sees all docs concatenated, `docsMatrix` (one
 * DocumentArray per part) and `docsMap` (parts by the last executor they went through); the response is the first
 * part with the resulting docs. One part is handled as {@link handleDataRequest} does.
 *
 * @example
 * ```ts
 * const { response, failed } = await dispatchRequests(joiner, [partFromA, partFromB]);
 * if (failed) trailer.set("is-error", "true");
 * ```
 */
export async function dispatchRequests(executor: Executor, requests: DataRequestProto[], signal: AbortSignal = never): Promise<DispatchResult> {
  const first = requests[0];
  if (!first) throw new JinaError("process_data: the request list is empty; send at least one DataRequestProto", ErrorCode.InvalidArgument);
  const endpoint = first.header?.execEndpoint ?? "";
  const method = handlerNameOf(executor, endpoint);
  if (method === undefined) return { response: first, failed: false };
  const parts = requests.map((request) => docsOf(request));
  if (method === null) return { response: first, failed: false };
  const docs = parts.length === 1 ? parts[0]! : DocumentArray.fromProto(parts.flatMap((part) => part.protos));
  const args: HandlerArgs = { docs, parameters: handlerParameters(first, executor.metas.name), signal };
  if (parts.length > 1 && parts.some((part) => part.length > 0)) {
    args.docsMatrix = parts;
    args.docsMap = Object.fromEntries(requests.map((request, i) => [request.routes.at(-1)?.executor || String(i), parts[i]!]));
  }
  try {
    const handler = (executor as unknown as Record<string, (args: HandlerArgs) => unknown>)[method]!;
    const result = await handler.call(executor, args);
    applyResult(executor, method, endpoint, first, docs, result);
    return { response: first, failed: false };
  } catch (error) {
    markFailed(executor, first, error);
    return { response: first, failed: true };
  }
}

/**
 * Handles one data request: calls the handler bound to `header.execEndpoint` (or `/default`) and returns the
 * response. An unbound endpoint with no `/default` returns the request untouched. A handler that throws gives an
 * in-band error (`header.status.code = ERROR`, name, args, stack, executor) and the request's docs.
 *
 * @example
 * ```ts
 * import { createDataRequest, Document, DocumentArray } from "jina-ts/docarray";
 * const request = createDataRequest({ endpoint: "/index", docs: new DocumentArray([new Document({ text: "a" })]) });
 * const response = await handleDataRequest(new Upper(), request);
 * ```
 */
export async function handleDataRequest(executor: Executor, request: DataRequestProto, signal?: AbortSignal): Promise<DataRequestProto> {
  return (await dispatchRequests(executor, [request], signal)).response;
}
