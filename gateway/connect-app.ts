/**
 * The gateway's Connect services on a fetch-style (Hono) app, so its HTTP port also answers
 * `jina.JinaSingleDataRequestRPC/process_single_data`, `jina.JinaRPC/Call`, `jina.JinaGatewayDryRunRPC/dry_run`,
 * `jina.JinaInfoRPC/_status` (and health, reflection) in the Connect protocol (binary and JSON) and gRPC-web.
 *
 * `httpVersion` stays unset: bidi `Call` then runs over HTTP/1.1 chunked bodies with connect-node clients
 * (browsers' fetch cannot stream request bodies, so they use the unary and server-streaming methods). Plain gRPC
 * needs trailers, which fetch responses lack: it is served on the gateway's gRPC port.
 *
 * @module
 */
import { type ConnectRouter, createConnectRouter } from "@connectrpc/connect";
import { createFetchHandler } from "@connectrpc/connect/protocol";
import type { Hono } from "hono";
import { checkFetchMessages, defaultMaxRequestBytes, type JsonMessageCheck, type MessageCheck } from "../runtime/mod.ts";

/**
 * Options of {@link mountConnect}.
 *
 * @example
 * ```ts
 * const options: ConnectAppOptions = { readMaxBytes: 1024 * 1024 };
 * ```
 */
export interface ConnectAppOptions {
  /** Largest request message accepted, in bytes (default 100 MiB); larger ones fail with RESOURCE_EXHAUSTED. */
  readMaxBytes?: number | undefined;
  /**
   * Looks at each request message before Connect decodes it (binary, and JSON parsed once more; see
   * `runtime/fetch-message-check.ts`); throw to refuse the call, e.g. a request with too many documents.
   */
  checkMessage?: { check: MessageCheck; checkJson?: JsonMessageCheck } | undefined;
}

/**
 * Registers every method of `routes` on `app` at its Connect path (`POST /<package.Service>/<Method>`) and returns
 * those paths.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * mountConnect(app, (router) => gateway.routes(router), { readMaxBytes: 1 << 20 });
 * // a connect-web client with baseUrl = the app's URL can now call process_single_data
 * ```
 */
export function mountConnect(app: Hono, routes: (router: ConnectRouter) => void, options: ConnectAppOptions = {}): string[] {
  const readMaxBytes = options.readMaxBytes ?? defaultMaxRequestBytes;
  const router = createConnectRouter({ readMaxBytes });
  routes(router);
  const checks = options.checkMessage;
  return router.handlers.map((handler) => {
    const fetchHandler = createFetchHandler(handler);
    app.on(handler.allowedMethods, handler.requestPath, (c) => fetchHandler(checks ? checkFetchMessages(c.req.raw, checks, readMaxBytes) : c.req.raw));
    return handler.requestPath;
  });
}
