/**
 * The only folder that knows Node from Deno from Bun: serving HTTP/1.1 and HTTP/2, spawning child processes,
 * environment, signals and files. Everything else in jina-ts uses web standards or this module.
 *
 * @example
 * ```ts
 * import { runtimeName, serveHttp } from "jina-ts/runtime";
 * await using server = await serveHttp({ fetch: () => new Response(runtimeName()) });
 * ```
 *
 * @module
 */
export { runtimeName } from "./detect.ts";
export { serveHttp } from "./serve-http.ts";
export { fetchDirectHandler, nodeDirectListener, readRequestText } from "./direct-http.ts";
export { closeTooBig, isWebSocketUpgrade, offeredProtocols } from "./websocket.ts";
export { defaultMaxRequestBytes, defaultServerLimits, serveGrpc } from "./serve-grpc.ts";
export { createFastUnaryHandler, fastUnaryRoute } from "./grpc-fast-unary.ts";
export { createFastStreamHandler, fastStreamRoute } from "./grpc-fast-stream.ts";
export { createLeanGrpcTransport } from "./grpc-transport.ts";
export { acceptsCancelContext, cancelContext, cancelContextKey, readsCancelContext } from "./cancel-context.ts";
export { HeaderView } from "./header-view.ts";
export { ChildExitedError, scriptCommand, spawnScript } from "./spawn.ts";
export { allEnv, commandArgs, currentDir, exit, getEnv, isProcessAlive, killProcess, onParentExit, onShutdown, processId, watchParent } from "./process.ts";
export { absolutePath, directoryOf, ensureDir, fileExists, fileUrl, insideRoot, listDir, readText, relativeTo, resolveFrom, writeText } from "./files.ts";
export { stderrIsTerminal, writeStderr } from "./terminal.ts";
export { serveMetrics } from "./serve-metrics.ts";
export { packageFilePath, readPackageFile } from "./package-asset.ts";
export { importModule, moduleSibling, needsTypeScriptLoader } from "./typescript.ts";
export { saveCodeCaches, type SaveCodeCachesOptions } from "./code-cache.ts";
export { callerFile, resolveFromCaller } from "./caller.ts";
export { resolveHost } from "./dns.ts";
export { otelRegistered } from "./otel-registry.ts";

export type { RuntimeName } from "./detect.ts";
export type { Server, TlsOptions } from "./server.ts";
export type { FetchHandler, ServeHttpOptions } from "./serve-http.ts";
export type { DirectRequest, DirectResponse, DirectRoute, DirectRoutes } from "./direct-http.ts";
export type { ServeWebSocketOptions, WebSocketConnection, WebSocketHandler } from "./websocket.ts";
export type { ServeGrpcOptions, ServerLimits } from "./serve-grpc.ts";
export type { BinaryCodec } from "./grpc-frame.ts";
export type { FastUnaryCall, FastUnaryOptions, FastUnaryRoute } from "./grpc-fast-unary.ts";
export type { FastStreamRoute, FastStreamSettings } from "./grpc-fast-stream.ts";
export type { MessageCheck } from "./grpc-message-check.ts";
export { checkFetchMessages, type JsonMessageCheck } from "./fetch-message-check.ts";
export { methodPath } from "./method-path.ts";
export type { ClosableTransport, LeanGrpcTransportOptions } from "./grpc-transport.ts";
export type { MetricsSource, ServeMetricsOptions } from "./serve-metrics.ts";
export type { ChildHandle, SpawnScriptOptions } from "./spawn.ts";
