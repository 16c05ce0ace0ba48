/**
 * The HTTP side of the gateway, a Hono app with Jina's routes: `GET /`, `GET /status`, `POST /post`,
 * `GET /dry_run`, and the CRUD routes `POST /index`, `POST /search`, `PUT /update`, `DELETE /delete`.
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
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { dataRequestToJSON } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type DataRequestProto, DataRequestProtoSchema, type StatusProto } from "../proto/gen/jina_pb.ts";
import { defaultMaxRequestBytes } from "../runtime/mod.ts";
import { parseRequestBody } from "./http-body.ts";
import { errorResponse } from "./http-errors.ts";
import type { InFlightLimit } from "./in-flight-limit.ts";
import type { JinaInfo } from "../proto/server/mod.ts";

/**
 * Options of {@link createGatewayApp}.
 *
 * @example
 * ```ts
 * const options: GatewayAppOptions = { handle, info, dryRun, noCrudEndpoints: true, cors: true };
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
  /** Largest body accepted, in bytes (default 100 MiB); larger ones answer 413. */
  maxRequestBytes?: number | undefined;
  /** Bounds the requests in flight through `/post` and the CRUD routes: beyond it they answer 429 at once. */
  inFlight?: InFlightLimit | undefined;
}

/**
 * Builds the gateway's Hono app.
 *
 * @example
 * ```ts
 * const app = createGatewayApp({ handle: (request, signal) => gateway.handle(request, signal), info, dryRun });
 * const response = await app.request("/post", { method: "POST", body: JSON.stringify({ data: [{ text: "hi" }] }) });
 * ```
 */
export function createGatewayApp(options: GatewayAppOptions): Hono {
  const app = new Hono();
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
  const post = (endpoint?: string) => async (c: Context) => {
    const request = parseRequestBody(await readJson(c), endpoint ? { endpoint } : {});
    try {
      return c.json(dataRequestToJSON(await options.handle(request, c.req.raw.signal)));
    } catch (error) {
      return errorResponse(error, request);
    }
  };

  if (options.cors) app.use("*", cors());
  app.onError((error) => errorResponse(error));
  app.notFound((c) => errorResponse(new JinaError(`There is no route ${c.req.method} ${c.req.path} on this gateway`, ErrorCode.NotFound)));
  app.get("/", (c) => c.json({}));
  if (!options.noDebugEndpoints) {
    app.get("/status", (c) => c.json(options.info()));
    app.post("/post", admit, limit, post());
    app.get("/dry_run", async (c) => {
      const status = await options.dryRun(c.req.raw.signal);
      return c.json(dataRequestToJSON(create(DataRequestProtoSchema, { header: { status } })).header.status);
    });
  }
  if (!options.noCrudEndpoints) {
    app.post("/index", admit, limit, post("/index"));
    app.post("/search", admit, limit, post("/search"));
    app.put("/update", admit, limit, post("/update"));
    app.delete("/delete", admit, limit, post("/delete"));
  }
  return app;
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JinaError(`The request body is not valid JSON: ${(error as Error).message}`, ErrorCode.InvalidArgument, { cause: error });
  }
}
