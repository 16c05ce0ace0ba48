/**
 * The JSON body of the HTTP gateway's `/post` and CRUD routes (Jina's `JinaEndpointRequestModel`), checked
 * with zod: `execEndpoint` / `exec_endpoint`, `data` (a list of documents or `{ "docs": [...] }`), `parameters`,
 * `targetExecutor` / `target_executor`, and the `header` and `routes` the Python client also sends.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { z } from "zod";
import { createDataRequest, DocumentArray } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";

const endpoint = z
  .string({ error: 'must be a string naming an executor endpoint, e.g. "/search"' })
  .refine((value) => value.startsWith("/"), { error: 'must start with "/", e.g. "/search"' })
  .nullish();
const targetExecutor = z.string({ error: "must be a string (a regular expression matched against executor names)" }).nullish();
const requestId = z.string({ error: "must be a string" }).optional();

/** A zod schema that also accepts `null` and a missing value. */
type Nullish<T extends z.ZodType> = z.ZodOptional<z.ZodNullable<T>>;
/** The fields of the CRUD body; the `/post` body adds {@link PostFields}' endpoint. */
type BodyFields = {
  data: Nullish<z.ZodUnion<readonly [z.ZodArray<z.ZodUnknown>, z.ZodObject<{ docs: z.ZodArray<z.ZodUnknown> }, z.core.$strict>]>>;
  parameters: Nullish<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
  targetExecutor: Nullish<z.ZodString>;
  target_executor: Nullish<z.ZodString>;
  header: Nullish<z.ZodObject<{ requestId: z.ZodOptional<z.ZodString>; request_id: z.ZodOptional<z.ZodString> }, z.core.$loose>>;
  routes: Nullish<z.ZodArray<z.ZodUnknown>>;
};
/** The fields of the `/post` body. */
type PostFields = BodyFields & { execEndpoint: Nullish<z.ZodString>; exec_endpoint: Nullish<z.ZodString> };

const fields: BodyFields = {
  data: z
    .union([z.array(z.unknown()), z.strictObject({ docs: z.array(z.unknown()) })], {
      error: 'must be a list of documents, or an object { "docs": [...] }',
    })
    .nullish(),
  parameters: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).nullish(),
  targetExecutor,
  target_executor: targetExecutor,
  header: z
    .object({ requestId, request_id: requestId }, { error: "must be an object" })
    .loose()
    .nullish(),
  routes: z.array(z.unknown(), { error: "must be a list" }).nullish(),
};
const postSchema: z.ZodObject<PostFields, z.core.$strict> = z.strictObject({ ...fields, execEndpoint: endpoint, exec_endpoint: endpoint });
const crudSchema: z.ZodObject<BodyFields, z.core.$strict> = z.strictObject(fields);

/**
 * The zod schema of the `/post` body (Jina's `JinaEndpointRequestModel`). Documents are checked afterwards by
 * `DocumentArray.fromJSON`, so `data` items are `unknown` here; the OpenAPI description refines them.
 *
 * @example
 * ```ts
 * postBodySchema.safeParse({ execEndpoint: "/search", data: [] }).success; // true
 * ```
 */
export const postBodySchema: typeof postSchema = postSchema;

/**
 * The zod schema of the CRUD and exposed routes' body: the `/post` body without `execEndpoint` / `exec_endpoint`.
 *
 * @example
 * ```ts
 * crudBodySchema.safeParse({ execEndpoint: "/search" }).success; // false: the route fixes the endpoint
 * ```
 */
export const crudBodySchema: typeof crudSchema = crudSchema;

/**
 * Options of {@link parseRequestBody}.
 *
 * @example
 * ```ts
 * parseRequestBody({ data: [{ text: "hi" }] }, { endpoint: "/index" } satisfies RequestBodyOptions);
 * ```
 */
export interface RequestBodyOptions {
  /** The endpoint of a CRUD route (`/index`, ...): the body may not name one. Undefined for `/post`. */
  endpoint?: string;
}

/**
 * Turns a parsed JSON body into a `DataRequestProto`. Throws a JinaError (InvalidArgument) that names every
 * wrong field and what was wrong with it: wrong types, an endpoint not starting with "/", unknown fields,
 * camelCase and snake_case spellings that disagree, and invalid documents (by index and field).
 *
 * @example
 * ```ts
 * const request = parseRequestBody({ execEndpoint: "/search", data: [{ text: "hi" }], parameters: { limit: 3 } });
 * request.header?.execEndpoint; // "/search"
 * ```
 */
export function parseRequestBody(json: unknown, options: RequestBodyOptions = {}): DataRequestProto {
  const route = options.endpoint ?? "/post";
  if (nestsTooDeep(json, 0)) checkNesting(route, json);
  const schema = options.endpoint ? crudSchema : postSchema;
  let body: z.infer<typeof postSchema>;
  if (passesSchema(json, !options.endpoint)) body = json;
  else {
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw invalidBodyError(route, parsed.error, Object.keys(schema.shape));
    body = parsed.data as z.infer<typeof postSchema>;
  }
  const execEndpoint = options.endpoint ?? oneOf(route, body, "execEndpoint", "exec_endpoint") ?? "/";
  const target = oneOf(route, body, "targetExecutor", "target_executor");
  const id = body.header ? oneOf(route, body.header, "requestId", "request_id", "header.") : undefined;
  const list = Array.isArray(body.data) ? body.data : body.data?.docs;
  const path = Array.isArray(body.data) ? "data" : "data.docs";
  let docs: DocumentArray;
  try {
    docs = DocumentArray.fromJSON(list ?? [], path);
  } catch (error) {
    throw invalid(route, JinaError.from(error).rawMessage, error);
  }
  return createDataRequest({
    endpoint: execEndpoint,
    docs,
    parameters: (body.parameters ?? {}) as JsonObject,
    ...(target ? { targetExecutor: target } : {}),
    ...(id ? { requestId: id } : {}),
  });
}

/**
 * The JinaError (InvalidArgument, HTTP 400) for a body that failed its zod schema: every issue, naming the field
 * and what was wrong (unknown fields list the `allowed` ones). The one place that words body errors.
 *
 * @example
 * ```ts
 * const parsed = crudBodySchema.safeParse(json);
 * if (!parsed.success) throw invalidBodyError("/index", parsed.error, Object.keys(crudBodySchema.shape));
 * ```
 */
export function invalidBodyError(route: string, error: z.ZodError, allowed: readonly string[]): JinaError {
  const problems = error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `unknown field(s) ${issue.keys.map((key) => JSON.stringify(key)).join(", ")} (allowed: ${allowed.join(", ")})`;
    }
    if (issue.path.length === 0) return `the body must be a JSON object, e.g. {"data": [{"text": "hello"}]}`;
    return `field "${issue.path.join(".")}" ${issue.message}`;
  });
  return invalid(route, problems.join("; "));
}

const crudKeys = new Set(Object.keys(crudSchema.shape));
const postKeys = new Set(Object.keys(postSchema.shape));

const isNullish = (value: unknown): value is null | undefined => value === undefined || value === null;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isEndpoint = (value: unknown): boolean => isNullish(value) || (typeof value === "string" && value.startsWith("/"));
const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === "string";

/**
 * True when `json` certainly passes the body's zod schema, checked without zod (the common case costs no parse);
 * false sends it through zod, which words the problems. The accepted shapes are the schema's, field by field.
 */
function passesSchema(json: unknown, post: boolean): json is z.infer<typeof postSchema> {
  if (!isObject(json)) return false;
  const allowed = post ? postKeys : crudKeys;
  for (const key in json) if (!allowed.has(key)) return false;
  const { data, parameters, header } = json;
  return (isNullish(data) || Array.isArray(data) || (isObject(data) && Array.isArray(data.docs) && Object.keys(data).length === 1)) &&
    (isNullish(parameters) || isObject(parameters)) &&
    (isNullish(json.targetExecutor) || typeof json.targetExecutor === "string") &&
    (isNullish(json.target_executor) || typeof json.target_executor === "string") &&
    (isNullish(header) || (isObject(header) && isOptionalString(header.requestId) && isOptionalString(header.request_id))) &&
    (isNullish(json.routes) || Array.isArray(json.routes)) &&
    isEndpoint(json.execEndpoint) && isEndpoint(json.exec_endpoint);
}

function oneOf<T extends Record<string, unknown>>(route: string, body: T, camel: keyof T & string, snake: keyof T & string, prefix = ""): string | undefined {
  const a = body[camel] ?? undefined;
  const b = body[snake] ?? undefined;
  if (a !== undefined && b !== undefined && a !== b) {
    throw invalid(route, `fields "${prefix}${camel}" and "${prefix}${snake}" disagree (${JSON.stringify(a)} vs ${JSON.stringify(b)}): give only one`);
  }
  return (a ?? b) as string | undefined;
}

/**
 * How deep a body may nest. A protobuf message carries at most 100 levels (protobuf-es and Python refuse more), and
 * a JSON level inside `tags` or `parameters` costs two (Struct → Value); 32 leaves room for the request's own levels.
 */
const maxBodyDepth = 32;

/** Whether `value` (at `depth`) has an object or list at depth {@link maxBodyDepth} or deeper; recursion stops there. */
function nestsTooDeep(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth >= maxBodyDepth) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object" && item !== null && nestsTooDeep(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && nestsTooDeep(item, depth + 1)) return true;
  }
  return false;
}

/**
 * Refuses bodies nested deeper than {@link maxBodyDepth}, naming where. Walks without recursion (any depth is safe)
 * and only visits objects and lists, so long lists of numbers (embeddings) cost no allocation; the path is built
 * only for the error.
 */
function checkNesting(route: string, json: unknown): void {
  interface Level {
    value: object;
    depth: number;
    key: string;
    parent: Level | undefined;
  }
  if (typeof json !== "object" || json === null) return;
  const stack: Level[] = [{ value: json, depth: 0, key: "", parent: undefined }];
  while (stack.length) {
    const level = stack.pop()!;
    const visit = (child: unknown, key: string) => {
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: level.depth + 1, key, parent: level });
    };
    if (level.depth >= maxBodyDepth) {
      const path: string[] = [];
      for (let at: Level | undefined = level; at?.parent; at = at.parent) path.unshift(at.key);
      const shown = path.length > 8 ? [...path.slice(0, 6), "…", ...path.slice(-1)] : path;
      throw invalid(route, `field "${shown.join(".")}" nests deeper than ${maxBodyDepth} levels: flatten it (a Jina request carries at most 100 protobuf levels)`);
    }
    if (Array.isArray(level.value)) level.value.forEach((child, index) => visit(child, String(index)));
    else for (const [key, child] of Object.entries(level.value)) visit(child, key);
  }
}

function invalid(route: string, problem: string, cause?: unknown): JinaError {
  return new JinaError(`Invalid request body for ${route}: ${problem}`, ErrorCode.InvalidArgument, cause ? { cause } : {});
}

/**
 * Reads a request body as JSON for {@link parseRequestBody}: an empty body is `{}` (as Jina accepts), anything else
 * must be JSON whatever the content type says; otherwise a JinaError (InvalidArgument) quoting the parser.
 *
 * @example
 * ```ts
 * const request = parseRequestBody(await readJsonBody(c.req), { endpoint: "/index" });
 * ```
 */
export async function readJsonBody(body: { text(): Promise<string> }): Promise<unknown> {
  return parseJsonText(await body.text());
}

/**
 * {@link readJsonBody} of a body already read: `{}` for an empty body, else the JSON or a JinaError (InvalidArgument).
 *
 * @example
 * ```ts
 * parseJsonText(""); // {}
 * ```
 */
export function parseJsonText(text: string): unknown {
  if (text.length === 0 || text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JinaError(`The request body is not valid JSON: ${(error as Error).message}`, ErrorCode.InvalidArgument, { cause: error });
  }
}
