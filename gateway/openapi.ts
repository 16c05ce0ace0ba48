/**
 * The gateway's OpenAPI description: routes are registered with their `createRoute` description, and
 * `GET /openapi.json` answers the OpenAPI 3.1 document generated from the zod schemas, titled as the gateway's
 * `title`/`description` say (Jina's FastAPI defaults otherwise).
 *
 * @module
 */
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Handler } from "hono";
import { jinaTsVersion } from "../proto/server/mod.ts";

/**
 * The title of the HTTP API when the gateway's `title` is not set.
 *
 * @example
 * ```ts
 * document.info.title === (options.title ?? defaultApiTitle);
 * ```
 */
export const defaultApiTitle = "The entrypoint of jina-ts";

/**
 * The description of the HTTP API when the gateway's `description` is not set.
 *
 * @example
 * ```ts
 * document.info.description === (options.description ?? defaultApiDescription);
 * ```
 */
export const defaultApiDescription =
  "The HTTP API of a jina-ts Flow (Jina 3.x in TypeScript): send documents to the executors' endpoints. " +
  "Set `title` and `description` in the Gateway options to customize this title and description.";

/**
 * Adds a route to the app and its description to the app's OpenAPI registry. The handlers run as they are: the
 * body is read and checked by the handler (`parseRequestBody`), not by zod-openapi's validators, so malformed or
 * empty bodies and unusual content types answer as Jina does.
 *
 * @example
 * ```ts
 * registerRoute(app, infoRoute, (c) => c.json(info()));
 * ```
 */
export function registerRoute(app: OpenAPIHono, route: RouteConfig, ...handlers: Handler[]): void {
  app.openAPIRegistry.registerPath(route);
  app.on(route.method.toUpperCase(), route.path, ...(handlers as [Handler]));
}

/**
 * Options of {@link mountOpenApi}.
 *
 * @example
 * ```ts
 * const options: OpenApiOptions = { title: "My flow", description: "Search my documents" };
 * ```
 */
export interface OpenApiOptions {
  title?: string | undefined;
  description?: string | undefined;
}

/**
 * Serves `GET /openapi.json`: the OpenAPI 3.1 document of every route registered on `app` (built on the first
 * request, then cached: routes are fixed once the app is built).
 *
 * @example
 * ```ts
 * mountOpenApi(app, { title: "My flow" });
 * const document = await (await app.request("/openapi.json")).json();
 * ```
 */
export function mountOpenApi(app: OpenAPIHono, options: OpenApiOptions = {}): void {
  let document: unknown;
  app.get("/openapi.json", (c) =>
    c.json(
      (document ??= app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: options.title ?? defaultApiTitle,
          // The placeholder (which says how to set a title) only when neither is set.
          ...(options.description !== undefined || options.title === undefined
            ? { description: options.description ?? defaultApiDescription }
            : {}),
          version: jinaTsVersion,
        },
      })) as object,
    ));
}
