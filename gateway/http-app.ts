/**
 * The HTTP side of the gateway, an `OpenAPIHono` app with Jina's routes: `GET /`, `GET /status`, `POST /post`,
 * `GET /dry_run`, the CRUD routes `POST /index`, `POST /search`, `PUT /update`, `DELETE /delete`, the exposed
 * endpoints (`exposeEndpoints`), `GET /openapi.json` and Swagger UI at `GET /docs` (served locally) — plus the
 * gateway's Connect services (`POST /jina.JinaRPC/Call`, ...) when `routes` is given.
 *
 * Responses are `dataRequestToJSON(response)`. An executor's error comes back in-band, as Jina does: HTTP 200
 * with `header.status.code = 1` and the exception. Failures of the gateway itself answer in Jina's shape too
 * (the request echoed with `header.status`), with the status `httpStatusOf` gives: 400 bad input, 413 a body
 * over `maxRequestBytes`, 429 more requests in flight than `prefetch` (or an executor out of resources), 503 an
 * executor unreachable, 504 `timeoutSend` passed.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { type ConnectRouter, cors as connectCors } from "@connectrpc/connect";
import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { BlankEnv, BlankSchema } from "hono/types";
import { cors } from "hono/cors";
import { dataRequestToJSON, docCountCheck, jsonDocCountCheck } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type DataRequestProto, DataRequestProtoSchema, type StatusProto } from "../proto/gen/jina_pb.ts";
import type { CancelSource, JinaInfo } from "../proto/server/mod.ts";
import { defaultMaxRequestBytes, type DirectRequest, type DirectRoute, type DirectRoutes, readRequestText } from "../runtime/mod.ts";
import { mountConnect } from "./connect-app.ts";
import { invalidBodyError } from "./http-body.ts";
import { checkHost, createDataRoute } from "./http-data-route.ts";
import { errorResponse } from "./http-errors.ts";
import { resolveExposedRoutes } from "./http-expose.ts";
import { crudDescription, dataRoute, dryRunRoute, healthRoute, infoRoute } from "./http-routes.ts";
import type { InFlightLimit } from "./in-flight-limit.ts";
import { defaultApiTitle, mountOpenApi, registerRoute } from "./openapi.ts";
import type { ExposedEndpoint } from "./options.ts";
import { mountPlayground, type PlaygroundOptions } from "./playground.ts";
import { mountSwaggerUi } from "./swagger-ui.ts";
import { provideHttpSide } from "./http-side.ts";

/**
 * Options of {@link createGatewayApp}.
 *
 * @example
 * ```ts
 * const options: GatewayAppOptions = { handle, info, dryRun, noCrudEndpoints: true, cors: true, title: "My flow" };
 * ```
 */
export interface GatewayAppOptions {
  /** Runs one request through the flow. */
  handle(request: DataRequestProto, signal?: AbortSignal): Promise<DataRequestProto>;
  /**
   * As `handle`, taking the client's going away as a {@link CancelSource} where the server offers one (no
   * AbortSignal made per request). Default: `handle`.
   */
  handleCancelable?(request: DataRequestProto, cancel?: AbortSignal | CancelSource): Promise<DataRequestProto>;
  /** Jina's status document. */
  info(): JinaInfo;
  /** One document through the flow, as a status. */
  dryRun(signal?: AbortSignal): Promise<StatusProto>;
  noDebugEndpoints?: boolean | undefined;
  noCrudEndpoints?: boolean | undefined;
  cors?: boolean | undefined;
  /** Largest body accepted, in bytes (default 100 MiB); larger ones answer 413 (RESOURCE_EXHAUSTED over Connect). */
  maxRequestBytes?: number | undefined;
  /** Bounds the requests in flight through `/post`, the CRUD and exposed routes: beyond it they answer 429 at once. */
  inFlight?: InFlightLimit | undefined;
  /** Title of the OpenAPI description and of `/docs` (default "The entrypoint of jina-ts"). */
  title?: string | undefined;
  /** Description in the OpenAPI description. */
  description?: string | undefined;
  /** Jina's `expose_endpoints`: an HTTP route per executor endpoint. Checked here (InvalidArgument). */
  exposeEndpoints?: Record<string, ExposedEndpoint> | undefined;
  /** The gateway's Connect services, answered on the same port (Connect protocol and gRPC-web). */
  routes?: ((router: ConnectRouter) => void) | undefined;
  /** The playground page at `GET /` for browsers (see `gateway/playground.ts`); `false` turns it off. */
  playground?: PlaygroundOptions | false | undefined;
  /** Largest number of documents in one request, checked on the parsed JSON before any conversion (413). */
  maxDocs?: number | undefined;
  /** Put stacks in the gateway's own error answers (default false: `Name: message` only, no server paths). */
  debug?: boolean | undefined;
  /**
   * Whether a request's host name (from its URL, i.e. the Host header) may be served; others answer 421 (against
   * DNS rebinding). Default: every host.
   */
  allowHost?: ((hostname: string) => boolean) | undefined;
}

/** Answers 421 when the request's host name is not allowed (DNS rebinding: a foreign name pointing at us). */
function hostCheck(allowHost: (hostname: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    checkHost(allowHost, new URL(c.req.url).hostname.replace(/^\[|\]$/g, ""));
    await next();
  };
}

const crudRoutes = [["POST", "/index"], ["POST", "/search"], ["PUT", "/update"], ["DELETE", "/delete"]] as const;

/**
 * Builds the gateway's Hono app. Throws a JinaError (InvalidArgument) for a bad `exposeEndpoints` entry or one whose
 * route is already taken.
 *
 * @example
 * ```ts
 * const app = createGatewayApp({ handle: (request, signal) => gateway.handle(request, signal), info, dryRun });
 * const response = await app.request("/post", { method: "POST", body: JSON.stringify({ data: [{ text: "hi" }] }) });
 * ```
 */
export function createGatewayApp(options: GatewayAppOptions): OpenAPIHono<BlankEnv, BlankSchema> {
  return createGatewayHttp(options).app;
}

/**
 * The gateway's HTTP side: the Hono app ({@link createGatewayApp}) and the data routes as direct routes for
 * `serveHttp` (the same handlers, answered without a fetch `Request` or the router; undefined with `cors`, whose
 * headers the app's middleware adds).
 *
 * @example
 * ```ts
 * const { app, directRoutes } = createGatewayHttp({ handle, info, dryRun });
 * await serveHttp({ fetch: app.fetch, ...(directRoutes ? { directRoutes } : {}) });
 * ```
 */
export function createGatewayHttp(options: GatewayAppOptions): { app: OpenAPIHono<BlankEnv, BlankSchema>; directRoutes: DirectRoutes | undefined } {
  const exposed = resolveExposedRoutes(options.exposeEndpoints);
  const handler = createDataRoute({
    ...(options.handleCancelable ? { handleCancelable: options.handleCancelable } : {}),
    handle: options.handle,
    maxRequestBytes: options.maxRequestBytes ?? defaultMaxRequestBytes,
    inFlight: options.inFlight,
    maxDocs: options.maxDocs,
    debug: options.debug,
    allowHost: options.allowHost,
  });
  const direct = new Map<string, DirectRoute>();
  // Bodies are checked by parseRequestBody in the handlers; this hook only words failures of routes someone adds
  // with app.openapi() and a request schema the same way.
  const app = new OpenAPIHono<BlankEnv, BlankSchema>({
    defaultHook: (result, c) => {
      if (!result.success) throw invalidBodyError(c.req.path, result.error, []);
    },
  });
  const maxSize = options.maxRequestBytes ?? defaultMaxRequestBytes;
  const echo = { debug: options.debug };
  /** Registers a data route on the app and as a direct route: one handler for both. */
  const addDataRoute = (route: RouteConfig, method: string, path: string, endpoint?: string) => {
    const run = handler(endpoint);
    registerRoute(app, route, async (c: Context) => {
      const answer = await run(honoRequest(c));
      return new Response(answer.body, { status: answer.status, headers: { "content-type": "application/json" } });
    });
    direct.set(`${method} ${path}`, run);
  };

  if (options.allowHost) app.use("*", hostCheck(options.allowHost));
  if (options.cors) app.use("*", cors({ exposeHeaders: [...connectCors.exposedHeaders] }));
  app.onError((error) => errorResponse(error));
  app.notFound((c) => errorResponse(new JinaError(`There is no route ${c.req.method} ${c.req.path} on this gateway`, ErrorCode.NotFound)));
  const page = options.playground === false ? undefined : mountPlayground(app, options.playground ?? {});
  registerRoute(app, healthRoute, (c) => page?.(c) ?? c.json({}));
  app.onError((error) => errorResponse(error, undefined, echo));
  app.notFound((c) => errorResponse(new JinaError(`There is no route ${c.req.method} ${c.req.path} on this gateway`, ErrorCode.NotFound), undefined, echo));
  registerRoute(app, healthRoute, (c) => c.json({}));
  if (!options.noDebugEndpoints) {
    registerRoute(app, infoRoute, (c) => c.json(options.info()));
    const postRoute = dataRoute({ method: "POST", path: "/post", summary: "Post a data request to some endpoint", tags: ["Debug"], body: "post" });
    addDataRoute(postRoute, "POST", "/post");
    registerRoute(app, dryRunRoute, async (c) => {
      const status = await options.dryRun(c.req.raw.signal);
      return c.json(dataRequestToJSON(create(DataRequestProtoSchema, { header: { status } })).header.status);
    });
  }
  if (!options.noCrudEndpoints) {
    for (const [method, path] of crudRoutes) {
      const route = dataRoute({ method, path, summary: `Endpoint ${path}`, description: crudDescription(path), tags: ["CRUD"] });
      addDataRoute(route, method, path, path);
    }
  }
  if (options.routes) {
    // Too many documents: refused before Connect decodes them (binary from the bytes, JSON once parsed).
    const maxDocs = options.maxDocs;
    const checkMessage = maxDocs === undefined ? undefined : { check: docCountCheck(maxDocs), checkJson: jsonDocCountCheck(maxDocs) };
    mountConnect(app, options.routes, { readMaxBytes: maxSize, checkMessage });
  }
  mountOpenApi(app, { title: options.title, description: options.description });
  mountSwaggerUi(app, { title: options.title ?? defaultApiTitle });
  for (const route of exposed) {
    const clash = app.routes.find((taken) => taken.path === route.path && taken.method === route.method);
    if (clash) {
      throw new JinaError(
        `exposeEndpoints[${JSON.stringify(route.endpoint)}]: the route ${route.method} ${route.path} is already taken by the gateway; ` +
          `set another "path" (or turn the gateway's own route off with noCrudEndpoints / noDebugEndpoints)`,
        ErrorCode.InvalidArgument,
      );
    }
    addDataRoute(dataRoute(route), route.method, route.path, route.endpoint);
  }
  const directRoutes: DirectRoutes | undefined = options.cors ? undefined : (method, path) => direct.get(`${method} ${path}`);
  return { app, directRoutes };
}

/** What a data route handler reads of a Hono request (for `app.request()` and the paths the direct routes do not take). */
function honoRequest(c: Context): DirectRequest {
  return {
    method: c.req.method,
    path: c.req.path,
    hostname: new URL(c.req.url).hostname.replace(/^\[|\]$/g, ""),
    header: (name) => c.req.header(name),
    text: (maxBytes) => readRequestText(c.req.raw, maxBytes),
    signal: c.req.raw.signal,
  };
}

provideHttpSide(createGatewayHttp); // the gateway uses it once this module is loaded (see http-side.ts)
