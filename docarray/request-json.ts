/**
 * Jina's HTTP JSON shape of a `DataRequestProto`: `{ header, parameters, routes, data }`, header and routes with
 * the camelCase aliases Jina's FastAPI models serialize by, timestamps as RFC 3339 strings, docs as doc dicts.
 *
 * @module
 */
import { create, fromJson, type JsonObject, toJson } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import {
  type DataRequestProto,
  DataRequestProtoSchema,
  HeaderProtoSchema,
  type RouteProto,
  RouteProtoSchema,
  type StatusProto,
  StatusProto_ExceptionProtoSchema,
  StatusProto_StatusCode,
  StatusProtoSchema,
} from "../proto/gen/jina_pb.ts";
import { documentArrayFromJSON } from "./document-array-json.ts";
import { type DocumentJson, documentToJSON } from "./document-json.ts";
import {
  fail,
  isPlainObject,
  optionalJsonObject,
  optionalList,
  optionalObject,
  optionalString,
  optionalUint32,
  pick,
} from "./json-check.ts";
import { docsOf, setDocs } from "./request.ts";
import { DocumentArray } from "./document-array.ts";

/**
 * Jina's in-band status in JSON (`code` 0 = SUCCESS, 1 = ERROR).
 *
 * @example
 * ```ts
 * const status: StatusJson = { code: 1, description: "boom", exception: { name: "Error", args: ["boom"], stacks: [], executor: "enc" } };
 * ```
 */
export interface StatusJson {
  code: number;
  description: string;
  exception?: { name: string; args: string[]; stacks: string[]; executor: string };
}

/**
 * The header of a request in JSON.
 *
 * @example
 * ```ts
 * const header: HeaderJson = { requestId: "abc", execEndpoint: "/search" };
 * ```
 */
export interface HeaderJson {
  requestId: string;
  status?: StatusJson;
  execEndpoint?: string;
  targetExecutor?: string;
}

/**
 * One route (an executor the request went through) in JSON.
 *
 * @example
 * ```ts
 * const route: RouteJson = { executor: "gateway", startTime: "2024-01-01T00:00:00Z" };
 * ```
 */
export interface RouteJson {
  executor: string;
  startTime?: string;
  endTime?: string;
  status?: StatusJson;
}

/**
 * A data request in Jina's HTTP response shape.
 *
 * @example
 * ```ts
 * const json: DataRequestJson = { header: { requestId: "abc" }, parameters: {}, routes: [], data: [{ id: "a" }] };
 * ```
 */
export interface DataRequestJson {
  header: HeaderJson;
  parameters: JsonObject;
  routes: RouteJson[];
  data: DocumentJson[];
}

/**
 * Jina's HTTP JSON of a request (`docs_bytes` is rejected like {@link docsOf}).
 *
 * @example
 * ```ts
 * const body = JSON.stringify(dataRequestToJSON(response));
 * ```
 */
export function dataRequestToJSON(request: DataRequestProto): DataRequestJson {
  const header: HeaderJson = { requestId: request.header?.requestId ?? "" };
  if (request.header?.status) header.status = statusToJSON(request.header.status);
  if (request.header?.execEndpoint !== undefined) header.execEndpoint = request.header.execEndpoint;
  if (request.header?.targetExecutor !== undefined) header.targetExecutor = request.header.targetExecutor;
  const routes = request.routes.map((route) => {
    const json: RouteJson = { executor: route.executor };
    if (route.startTime) json.startTime = timestampToJSON(route.startTime);
    if (route.endTime) json.endTime = timestampToJSON(route.endTime);
    if (route.status) json.status = statusToJSON(route.status);
    return json;
  });
  const data = request.data?.documents.case === undefined ? [] : docsOf(request).protos.map(documentToJSON);
  return { header, parameters: request.parameters ?? {}, routes, data };
}

/**
 * A `DataRequestProto` from Jina's HTTP JSON (the inverse of {@link dataRequestToJSON}). Also accepts snake_case
 * keys, `exec_endpoint`/`target_executor` at the top level (the `/post` body), `data` as a list or
 * `{ docs: [...] }`, and `null` for unset. Throws a `JinaError` (InvalidArgument) naming the path.
 *
 * @example
 * ```ts
 * const response = dataRequestFromJSON(await (await fetch(url, init)).json());
 * docsOf(response).length;
 * ```
 */
export function dataRequestFromJSON(json: unknown): DataRequestProto {
  const object = isPlainObject(json) ? json : fail("request", "an object", json);
  const headerJson = optionalObject(object.header, "header") ?? {};
  const header = create(HeaderProtoSchema);
  const [requestId, requestIdKey] = pick(headerJson, ["requestId", "request_id"]);
  header.requestId = optionalString(requestId, `header.${requestIdKey}`) ?? "";
  const [status, statusKey] = pick(headerJson, ["status"]);
  if (status !== undefined && status !== null) header.status = statusFromJSON(status, `header.${statusKey}`);
  const endpoint = readAliased(headerJson, "header", ["execEndpoint", "exec_endpoint"]) ?? readAliased(object, "", ["execEndpoint", "exec_endpoint"]);
  if (endpoint !== undefined) header.execEndpoint = endpoint;
  const target = readAliased(headerJson, "header", ["targetExecutor", "target_executor"]) ?? readAliased(object, "", ["targetExecutor", "target_executor"]);
  if (target !== undefined) header.targetExecutor = target;
  const [timeout, timeoutKey] = pick(headerJson, ["timeout"]);
  const timeoutValue = optionalUint32(timeout, `header.${timeoutKey}`);
  if (timeoutValue !== undefined) header.timeout = timeoutValue;

  const request = create(DataRequestProtoSchema, { header });
  const parameters = optionalJsonObject(object.parameters, "parameters");
  if (parameters) request.parameters = parameters;
  const routes = optionalList(object.routes, "routes", "a list of routes") ?? [];
  request.routes = routes.map((route, i) => routeFromJSON(route, `routes[${i}]`));
  setDocs(request, DocumentArray.fromProto(documentArrayFromJSON(object.data, "data")));
  return request;
}

function readAliased(object: Record<string, unknown>, prefix: string, keys: string[]): string | undefined {
  const [value, key] = pick(object, keys);
  return optionalString(value, prefix ? `${prefix}.${key}` : key);
}

function statusToJSON(status: StatusProto): StatusJson {
  const json: StatusJson = { code: status.code, description: status.description };
  const exception = status.exception;
  if (exception) {
    json.exception = { name: exception.name, args: [...exception.args], stacks: [...exception.stacks], executor: exception.executor };
  }
  return json;
}

function statusFromJSON(json: unknown, path: string): StatusProto {
  const object = isPlainObject(json) ? json : fail(path, "a status object", json);
  const status = create(StatusProtoSchema);
  const code = object.code;
  if (code === 1 || code === "ERROR") status.code = StatusProto_StatusCode.ERROR;
  else if (code !== 0 && code !== "SUCCESS" && code !== undefined && code !== null) fail(`${path}.code`, '0, 1, "SUCCESS" or "ERROR"', code);
  status.description = optionalString(object.description, `${path}.description`) ?? "";
  const exception = optionalObject(object.exception, `${path}.exception`);
  if (exception) {
    const at = `${path}.exception`;
    const strings = (key: string): string[] =>
      (optionalList(exception[key], `${at}.${key}`, "a list of strings") ?? []).map(
        (item, i) => optionalString(item, `${at}.${key}[${i}]`) ?? fail(`${at}.${key}[${i}]`, "a string", item),
      );
    status.exception = create(StatusProto_ExceptionProtoSchema, {
      name: optionalString(exception.name, `${at}.name`) ?? "",
      args: strings("args"),
      stacks: strings("stacks"),
      executor: optionalString(exception.executor, `${at}.executor`) ?? "",
    });
  }
  return status;
}

function routeFromJSON(json: unknown, path: string): RouteProto {
  if (!isPlainObject(json)) fail(path, "a route object", json);
  const route = create(RouteProtoSchema, { executor: optionalString(json.executor, `${path}.executor`) ?? "" });
  const [start, startKey] = pick(json, ["startTime", "start_time"]);
  const startTime = timestampFromJSON(start, `${path}.${startKey}`);
  if (startTime) route.startTime = startTime;
  const [end, endKey] = pick(json, ["endTime", "end_time"]);
  const endTime = timestampFromJSON(end, `${path}.${endKey}`);
  if (endTime) route.endTime = endTime;
  if (json.status !== undefined && json.status !== null) route.status = statusFromJSON(json.status, `${path}.status`);
  return route;
}

/** The bounds of an RFC 3339 timestamp in JSON (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z), in ms. */
const minJsonMs = -62135596800000;
const maxJsonMs = 253402300799000;

/** As protobuf-es writes a Timestamp in JSON (0, 3, 6 or 9 fraction digits), without parsing its bounds per call. */
function timestampToJSON(timestamp: Timestamp): string {
  const ms = Number(timestamp.seconds) * 1000;
  const nanos = timestamp.nanos;
  if (!(ms >= minJsonMs && ms <= maxJsonMs && nanos >= 0 && nanos <= 999_999_999)) return toJson(TimestampSchema, timestamp) as string;
  let fraction = "";
  if (nanos > 0) {
    const digits = String(nanos + 1_000_000_000).slice(1);
    fraction = digits.endsWith("000000") ? `.${digits.slice(0, 3)}` : digits.endsWith("000") ? `.${digits.slice(0, 6)}` : `.${digits}`;
  }
  return `${secondText(Number(timestamp.seconds))}${fraction}Z`;
}

/** "YYYY-MM-DDTHH:MM:SS" of a second since the epoch; the last one is kept (a response's routes share their seconds). */
let lastSecond = NaN;
let lastSecondText = "";
function secondText(seconds: number): string {
  if (seconds !== lastSecond) {
    lastSecondText = new Date(seconds * 1000).toISOString().slice(0, -5);
    lastSecond = seconds;
  }
  return lastSecondText;
}

function timestampFromJSON(value: unknown, path: string): Timestamp | undefined {
  const text = optionalString(value, path);
  if (text === undefined) return undefined;
  try {
    return fromJson(TimestampSchema, text);
  } catch {
    throw new JinaError(`${path}: expected an RFC 3339 timestamp such as "2024-01-01T00:00:00.5Z", got ${JSON.stringify(text)}`, ErrorCode.InvalidArgument);
  }
}
