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
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Handler, MiddlewareHandler } from "hono";
import type { BlankEnv, BlankSchema } from "hono/types";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { dataRequestToJSON } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type DataRequestProto, DataRequestProtoSchema, type StatusProto } from "../proto/gen/jina_pb.ts";
import type { JinaInfo } from "../proto/server/mod.ts";
import { defaultMaxRequestBytes } from "../runtime/mod.ts";
import { mountConnect } from "./connect-app.ts";
import { invalidBodyError, parseRequestBody, readJsonBody } from "./http-body.ts";
import { errorResponse } from "./http-errors.ts";
import { resolveExposedRoutes } from "./http-expose.ts";
import { crudDescription, dataRoute, dryRunRoute, healthRoute, infoRoute } from "./http-routes.ts";
import type { InFlightLimit } from "./in-flight-limit.ts";
import { defaultApiTitle, mountOpenApi, registerRoute } from "./openapi.ts";
import type { ExposedEndpoint } from "./options.ts";
import { mountPlayground, type PlaygroundOptions } from "./playground.ts";
import { mountSwaggerUi } from "./swagger-ui.ts";

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

/**
 * Data routes take JSON: a body with another media type (`text/plain`, a form: what a cross-site page can send
 * without a CORS preflight) is refused with 415 before the flow runs. No content type at all (curl) is taken as JSON.
 */
function checkJsonContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType === "") return;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type)) return;
  throw new JinaError(
    `Data routes take JSON: send the body with content-type application/json (got ${JSON.stringify(contentType.slice(0, 100))})`,
    ErrorCode.InvalidArgument,
    { httpStatus: 415 },
  );
}

/** Refuses a JSON body whose `data` list is longer than `maxDocs` before its documents are converted (413). */
function checkDocCount(body: unknown, maxDocs: number | undefined): void {
  const data = (body as { data?: unknown } | null)?.data;
  if (maxDocs === undefined || maxDocs <= 0 || !Array.isArray(data) || data.length <= maxDocs) return;
  throw new JinaError(
    `The request has ${data.length} documents, more than maxDocs=${maxDocs}: send them in batches (the client's requestSize) or raise maxDocs`,
    ErrorCode.ResourceExhausted,
    { httpStatus: 413 },
  );
}

/** Answers 421 when the request's host name is not allowed (DNS rebinding: a foreign name pointing at us). */
function checkHost(allowHost: (hostname: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    const hostname = new URL(c.req.url).hostname.replace(/^\[|\]$/g, "");
    if (!allowHost(hostname)) {
      throw new JinaError(
        `Host ${JSON.stringify(hostname.slice(0, 100))} is not served here: add it to the gateway's allowedHosts`,
        ErrorCode.PermissionDenied,
        { httpStatus: 421 },
      );
    }
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
  const exposed = resolveExposedRoutes(options.exposeEndpoints);
  // Bodies are checked by parseRequestBody in the handlers; this hook only words failures of routes someone adds
  // with app.openapi() and a request schema the same way.
  const app = new OpenAPIHono<BlankEnv, BlankSchema>({
    defaultHook: (result, c) => {
      if (!result.success) throw invalidBodyError(c.req.path, result.error, []);
    },
  });
  const maxSize = options.maxRequestBytes ?? defaultMaxRequestBytes;
  const limit = bodyLimit({
    maxSize,
    onError: () =>
      errorResponse(
        new JinaError(
          `The request body is larger than maxRequestBytes (${maxSize} bytes): send fewer documents per request or raise maxRequestBytes`,
          ErrorCode.ResourceExhausted,
          { httpStatus: 413 },
        ),
      ),
  });
  const admit: MiddlewareHandler = async (_, next) => {
    // Throws RESOURCE_EXHAUSTED when full: app.onError answers 429 before the body is even read.
    const release = options.inFlight?.acquire();
    try {
      await next();
    } finally {
      release?.();
    }
  };
  const echo = { debug: options.debug };
  const post = (endpoint?: string): Handler => async (c: Context) => {
    checkJsonContentType(c.req.header("content-type"));
    const body = await readJsonBody(c.req);
    checkDocCount(body, options.maxDocs);
    const request = parseRequestBody(body, endpoint ? { endpoint } : {});
    try {
      return c.json(dataRequestToJSON(await options.handle(request, c.req.raw.signal)));
    } catch (error) {
      return errorResponse(error, request, echo);
    }
  };

  if (options.allowHost) app.use("*", checkHost(options.allowHost));
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
    registerRoute(app, postRoute, admit, limit, post());
    registerRoute(app, dryRunRoute, async (c) => {
      const status = await options.dryRun(c.req.raw.signal);
      return c.json(dataRequestToJSON(create(DataRequestProtoSchema, { header: { status } })).header.status);
    });
  }
  if (!options.noCrudEndpoints) {
    for (const [method, path] of crudRoutes) {
      const route = dataRoute({ method, path, summary: `Endpoint ${path}`, description: crudDescription(path), tags: ["CRUD"] });
      registerRoute(app, route, admit, limit, post(path));
    }
  }
  if (options.routes) mountConnect(app, options.routes, { readMaxBytes: maxSize });
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
    registerRoute(app, dataRoute(route), admit, limit, post(route.endpoint));
  }
  return app;
}
