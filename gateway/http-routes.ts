/**
 * The OpenAPI route descriptions of the HTTP gateway (`createRoute` from `@hono/zod-openapi`), with Jina's
 * summaries and tags: `GET /` (health), "Debug" (`/status`, `/post`, `/dry_run`), "CRUD" (`/index`, `/search`,
 * `/update`, `/delete`), and exposed endpoints ("Customized" unless told).
 *
 * @module
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { ZodType } from "zod";
import { crudRequestSchema, healthSchema, infoSchema, postRequestSchema, responseSchema, statusSchema } from "./http-schemas.ts";

const json = (schema: ZodType, description: string) => ({ description, content: { "application/json": { schema } } });

/** Jina's shaped errors of the routes that run a request. */
const errorResponses = {
  400: json(responseSchema, "Invalid body (the field is named in header.status); the request is not sent"),
  413: json(responseSchema, "The body is larger than maxRequestBytes"),
  429: json(responseSchema, "Too many requests in flight (prefetch), or an executor out of resources"),
  503: json(responseSchema, "An executor cannot be reached; the request is echoed with header.status"),
  504: json(responseSchema, "An executor did not answer within timeoutSend"),
};

/**
 * `GET /`: Jina's health check.
 *
 * @example
 * ```ts
 * registerRoute(app, healthRoute, (c) => c.json({}));
 * ```
 */
export const healthRoute: RouteConfig = createRoute({
  method: "get",
  path: "/",
  summary: "Get the health of the jina-ts gateway",
  responses: { 200: json(healthSchema, "The gateway is up") },
});

/**
 * `GET /status`: versions and the `JINA_*` environment (tag "Debug").
 *
 * @example
 * ```ts
 * registerRoute(app, infoRoute, (c) => c.json(info()));
 * ```
 */
export const infoRoute: RouteConfig = createRoute({
  method: "get",
  path: "/status",
  tags: ["Debug"],
  summary: "Get the status of the jina-ts service",
  responses: { 200: json(infoSchema, "Versions and JINA_* environment") },
});

/**
 * `GET /dry_run`: one document through the whole flow, answered as a status (tag "Debug").
 *
 * @example
 * ```ts
 * registerRoute(app, dryRunRoute, async (c) => c.json(await dryRun()));
 * ```
 */
export const dryRunRoute: RouteConfig = createRoute({
  method: "get",
  path: "/dry_run",
  tags: ["Debug"],
  summary: "Get the readiness of the flow: sends one document through the complete flow to validate connectivity",
  responses: { 200: json(statusSchema, "code 0 when every executor answered; else the first error") },
});

/**
 * Options of {@link dataRoute}.
 *
 * @example
 * ```ts
 * const options: DataRouteOptions = { method: "POST", path: "/index", summary: "Endpoint /index", tags: ["CRUD"] };
 * ```
 */
export interface DataRouteOptions {
  /** HTTP method, any case. */
  method: string;
  path: string;
  summary: string;
  description?: string | undefined;
  tags: string[];
  /** `"post"`: the body may name the endpoint (`/post`); otherwise the route fixes it. */
  body?: "post" | "fixed";
}

/**
 * The description of a route that runs a request: Jina's request body, `JinaResponseModel`, and the error answers.
 *
 * @example
 * ```ts
 * const route = dataRoute({ method: "PUT", path: "/update", summary: "Endpoint /update", tags: ["CRUD"] });
 * ```
 */
export function dataRoute(options: DataRouteOptions): RouteConfig {
  const schema = options.body === "post" ? postRequestSchema : crudRequestSchema;
  return createRoute({
    method: options.method.toLowerCase() as RouteConfig["method"],
    path: options.path,
    summary: options.summary,
    ...(options.description !== undefined ? { description: options.description } : {}),
    tags: options.tags,
    request: { body: { content: { "application/json": { schema } }, required: false } },
    responses: { 200: json(responseSchema, "The response: documents, parameters, routes; an executor's error in header.status"), ...errorResponses },
  });
}

/**
 * The description Jina gives its CRUD routes.
 *
 * @example
 * ```ts
 * crudDescription("/index"); // 'Post data requests to the Flow. Executors with `@requests(on="/index")` will respond.'
 * ```
 */
export function crudDescription(endpoint: string): string {
  return `Post data requests to the Flow. Executors with \`@requests(on="${endpoint}")\` will respond.`;
}
