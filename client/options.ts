/**
 * The options of a {@link Client} and of its `post()` calls, with the checks that turn a wrong value into a
 * JinaError naming the option.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * The protocols a {@link Client} speaks to a gateway.
 *
 * @example
 * ```ts
 * const protocol: ClientProtocol = "http";
 * ```
 */
export type ClientProtocol = "grpc" | "http" | "websocket" | "connect";

/**
 * Where the gateway is and how to talk to it.
 *
 * @example
 * ```ts
 * const options: ClientOptions = { host: "127.0.0.1", port: 54321, protocol: "grpc" };
 * const same: ClientOptions = { host: "grpc://127.0.0.1:54321" };
 * const client = new Client(options);
 * ```
 */
export interface ClientOptions {
  /**
   * The gateway (default `127.0.0.1`): a host name or address, `"host:port"`, or Jina's URL form
   * `"grpc://host:port"`, `"grpcs://…"`, `"http://…"`, `"https://…"`, `"ws://…"`, `"wss://…"`, which sets
   * `protocol`, `tls` and `port` (https/wss/grpcs default to 443, http/ws to 80).
   */
  host?: string;
  /** Port of the gateway (1–65535); required unless `host` names it. */
  port?: number;
  /**
   * `grpc` (default; Jina's `JinaRPC/Call` stream), `http` (Jina's JSON `POST /post`), `websocket` (Jina's `ws /`
   * with the `bytes` subprotocol) or `connect` (the Connect protocol over fetch, for browsers).
   */
  protocol?: ClientProtocol;
  /** Use TLS (`grpcs://`, `https://`, `wss://`). The server's certificate must be trusted by the runtime. */
  tls?: boolean;
  /** gRPC only: compress request messages with gzip (answers come back compressed alike). Default `"none"`. */
  compression?: "gzip" | "none";
}

/**
 * Options of {@link Client.post} and the CRUD shortcuts, named as Jina's Python client names them (camelCase).
 *
 * @example
 * ```ts
 * const options: PostOptions = { parameters: { limit: 3 }, requestSize: 50, onError: (r) => console.log(r.header) };
 * await client.post("/search", docs, options);
 * ```
 */
export interface PostOptions {
  /** Parameters sent with every request (`parameters` of the handler). */
  parameters?: JsonObject;
  /** Only executors whose name matches this regex (prefix-anchored) receive the requests. */
  targetExecutor?: string;
  /** Documents per request (default 100). */
  requestSize?: number;
  /**
   * Most requests in flight at once. gRPC and WebSocket: requests on the stream without a response yet (default
   * 1000); HTTP and Connect: concurrent calls (default 4). `0` means no limit.
   */
  prefetch?: number;
  /** Keep going after an in-band error: the error response is returned with the others. */
  continueOnError?: boolean;
  /** Called with every successful response, in input order. */
  onDone?(response: DataRequestProto): void;
  /** Called with every response carrying an in-band error; handling it this way keeps post() from rejecting. */
  onError?(response: DataRequestProto): void;
  /** Called with every response, after onDone / onError. */
  onAlways?(response: DataRequestProto): void;
  /** Aborts the call and every request not answered yet. */
  signal?: AbortSignal;
  /** Resolve with the responses (DataRequestProto[]) instead of one DocumentArray of all their documents. */
  returnResponses?: boolean;
}

/**
 * {@link ClientOptions} with the defaults filled in and checked.
 *
 * @example
 * ```ts
 * const resolved: ResolvedClientOptions = resolveClientOptions({ port: 54321 });
 * ```
 */
export interface ResolvedClientOptions {
  host: string;
  port: number;
  protocol: ClientProtocol;
  tls: boolean;
  compression?: "gzip" | "none" | undefined;
}

/**
 * Default documents per request, as in Jina.
 *
 * @example
 * ```ts
 * await client.post("/index", docs, { requestSize: defaultRequestSize / 2 });
 * ```
 */
export const defaultRequestSize = 100;

/**
 * Default requests in flight on one gRPC stream or WebSocket, as Jina's gateway `--prefetch`.
 *
 * @example
 * ```ts
 * await client.post("/index", docs, { prefetch: defaultGrpcPrefetch / 10 });
 * ```
 */
export const defaultGrpcPrefetch = 1000;

/**
 * Default concurrent calls of the HTTP and Connect clients (one `POST /post` or `process_single_data` each).
 *
 * @example
 * ```ts
 * await httpClient.post("/index", docs, { prefetch: defaultHttpPrefetch * 2 });
 * ```
 */
export const defaultHttpPrefetch = 4;

const protocols: readonly ClientProtocol[] = ["grpc", "http", "websocket", "connect"];

/** Jina's URL schemes for `host`: the protocol, TLS and the port when the URL names none. */
const schemes: Record<string, { protocol: ClientProtocol; tls: boolean; port?: number }> = {
  grpc: { protocol: "grpc", tls: false },
  grpcs: { protocol: "grpc", tls: true, port: 443 },
  http: { protocol: "http", tls: false, port: 80 },
  https: { protocol: "http", tls: true, port: 443 },
  ws: { protocol: "websocket", tls: false, port: 80 },
  wss: { protocol: "websocket", tls: true, port: 443 },
};

/**
 * Reads Jina's forms of `host`: a name or address, `"host:port"`, or a URL `grpc://`, `grpcs://`, `http://`,
 * `https://`, `ws://`, `wss://` that sets the protocol, TLS and port. A URL's part must not contradict an option
 * given beside it.
 */
function splitHost(options: ClientOptions): { host: string; port: unknown; protocol: ClientProtocol; tls: boolean } {
  const { host = "127.0.0.1" } = options;
  if (typeof host !== "string" || host === "") throw invalid(`Client option "host" must be a non-empty string, got ${show(host)}`);
  const url = /^([a-z]+):\/\/(\[[^\]]+\]|[^:/\[\]]+)(?::(\d+))?\/?$/i.exec(host);
  if (host.includes("://")) {
    const scheme = schemes[url?.[1]?.toLowerCase() ?? ""];
    if (!url || !scheme) {
      throw invalid(`Client option "host" ${show(host)} is not a URL jina-ts reads: use grpc://, grpcs://, http://, https://, ws:// or wss:// followed by host[:port]`);
    }
    const port = url[3] !== undefined ? Number(url[3]) : options.port ?? scheme.port;
    if (url[3] !== undefined && options.port !== undefined && options.port !== port) {
      throw invalid(`Client option "host" ${show(host)} names port ${port} but "port" is ${show(options.port)}: give one`);
    }
    for (const [name, value] of [["protocol", scheme.protocol], ["tls", scheme.tls]] as const) {
      if (options[name] !== undefined && options[name] !== value && !(name === "protocol" && options.protocol === "connect" && scheme.protocol === "http")) {
        throw invalid(`Client option "host" ${show(host)} means ${name} ${show(value)} but "${name}" is ${show(options[name])}: give one`);
      }
    }
    if (port === undefined) throw invalid(`Client option "host" ${show(host)} names no port: add ":PORT" (gRPC has no default port)`);
    return { host: url[2]!.replace(/^\[|\]$/g, ""), port, protocol: options.protocol ?? scheme.protocol, tls: scheme.tls };
  }
  const hostPort = /^(\[[^\]]+\]|[^:\[\]]+):(\d+)$/.exec(host);
  if (hostPort) {
    const port = Number(hostPort[2]);
    if (options.port !== undefined && options.port !== port) {
      throw invalid(`Client option "host" ${show(host)} names port ${port} but "port" is ${show(options.port)}: give one`);
    }
    return { host: hostPort[1]!.replace(/^\[|\]$/g, ""), port, protocol: options.protocol ?? "grpc", tls: options.tls ?? false };
  }
  return { host, port: options.port, protocol: options.protocol ?? "grpc", tls: options.tls ?? false };
}

/**
 * Checks client options and fills in the defaults; throws a JinaError (InvalidArgument) naming the bad option.
 *
 * @example
 * ```ts
 * resolveClientOptions({ port: 8080, protocol: "http" }); // { host: "127.0.0.1", port: 8080, protocol: "http", tls: false }
 * ```
 */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  if (typeof options !== "object" || options === null) {
    throw invalid(`Client options must be an object like { host: "127.0.0.1", port: 54321 }`);
  }
  const { host, port, protocol, tls } = splitHost(options);
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid(`Client option "port" must be an integer from 1 to 65535, got ${show(port)}`);
  }
  if (!protocols.includes(protocol)) {
    throw invalid(`Client option "protocol" must be one of ${protocols.map((p) => `"${p}"`).join(", ")}, got ${show(protocol)}`);
  }
  if (typeof tls !== "boolean") throw invalid(`Client option "tls" must be true or false, got ${show(tls)}`);
  const { compression } = options;
  if (compression !== undefined && compression !== "gzip" && compression !== "none") {
    throw invalid(`Client option "compression" must be "gzip" or "none", got ${show(compression)}`);
  }
  return { host, port, protocol, tls, ...(compression === "gzip" ? { compression } : {}) };
}

/**
 * The numbers of {@link PostOptions} with their defaults, checked.
 *
 * @example
 * ```ts
 * const { requestSize, prefetch }: ResolvedPostLimits = resolvePostLimits({}, "http"); // 100, 4
 * ```
 */
export interface ResolvedPostLimits {
  requestSize: number;
  /** Most requests in flight; `Infinity` for no limit. */
  prefetch: number;
}

/**
 * Checks the options of a post() call and resolves `requestSize` and `prefetch` for a protocol.
 *
 * @example
 * ```ts
 * resolvePostLimits({ requestSize: 10 }, "grpc"); // { requestSize: 10, prefetch: 1000 }
 * ```
 */
export function resolvePostLimits(options: PostOptions, protocol: ClientProtocol): ResolvedPostLimits {
  if (typeof options !== "object" || options === null) throw invalid(`post() options must be an object, got ${show(options)}`);
  const requestSize = options.requestSize ?? defaultRequestSize;
  if (!Number.isInteger(requestSize) || requestSize < 1) {
    throw invalid(`post() option "requestSize" must be a positive integer, got ${show(options.requestSize)}`);
  }
  // Streaming protocols (a gRPC Call, one WebSocket) take Jina's stream prefetch; request-per-call ones a few at once.
  const prefetch = options.prefetch ?? (protocol === "grpc" || protocol === "websocket" ? defaultGrpcPrefetch : defaultHttpPrefetch);
  if (!Number.isInteger(prefetch) || prefetch < 0) {
    throw invalid(`post() option "prefetch" must be a non-negative integer (0 = no limit), got ${show(options.prefetch)}`);
  }
  for (const name of ["onDone", "onError", "onAlways"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      throw invalid(`post() option "${name}" must be a function, got ${show(options[name])}`);
    }
  }
  if (options.parameters !== undefined && (typeof options.parameters !== "object" || options.parameters === null || Array.isArray(options.parameters))) {
    throw invalid(`post() option "parameters" must be a JSON object, got ${show(options.parameters)}`);
  }
  if (options.targetExecutor !== undefined && typeof options.targetExecutor !== "string") {
    throw invalid(`post() option "targetExecutor" must be a string (a regex of executor names), got ${show(options.targetExecutor)}`);
  }
  return { requestSize, prefetch: prefetch === 0 ? Infinity : prefetch };
}

function invalid(message: string): JinaError {
  return new JinaError(message, ErrorCode.InvalidArgument);
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
