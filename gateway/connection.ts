/**
 * A connection to one replica: Connect clients of `jina.JinaSingleDataRequestRPC` (one request),
 * `jina.JinaDataRequestRPC` (several parts at once) and `jina.JinaDiscoverEndpointsRPC`, over an in-memory
 * transport or over gRPC (HTTP/2) to `grpc://host:port` / `grpcs://host:port` on the lean transport of
 * `runtime/grpc-transport.ts` (one HTTP/2 session per replica).
 *
 * @module
 */
import { type ContextValues, createClient, type Transport } from "@connectrpc/connect";
import { lazyDataRequestCodec, materializeData } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { Health, HealthCheckResponse_ServingStatus } from "../proto/gen/grpc/health_pb.ts";
import {
  DataRequestListProtoSchema,
  type DataRequestProto,
  JinaDataRequestRPC,
  JinaDiscoverEndpointsRPC,
  JinaSingleDataRequestRPC,
  StatusProto_StatusCode,
} from "../proto/gen/jina_pb.ts";
import { acceptsCancelContext, cancelContext, createLeanGrpcTransport } from "../runtime/mod.ts";
import { type CancelInput, isCancellation, signalOf } from "../proto/server/mod.ts";
import type { Compression, ReplicaTarget } from "./options.ts";
import type { NodeReply } from "./walk.ts";

/**
 * Options of one call through a {@link ReplicaConnection}.
 *
 * @example
 * ```ts
 * await connection.send([request], { endpoint: "/search", timeoutMs: 5000 } satisfies SendOptions);
 * ```
 */
export interface SendOptions {
  /** The executor endpoint, sent as request metadata `endpoint`. */
  endpoint: string;
  /** Deadline of the call in milliseconds; none when undefined. */
  timeoutMs?: number | undefined;
  /** Cancels the call: an AbortSignal, or a lazy `Cancellation` (over gRPC subscribed to without making a signal). */
  signal?: CancelInput | undefined;
  /** More request metadata (the W3C trace context of the call). */
  headers?: Record<string, string> | undefined;
}

/**
 * One replica the gateway can call.
 *
 * @example
 * ```ts
 * const connection = createReplicaConnection("grpc://127.0.0.1:54321", "encoder/rep-0");
 * const { response, isError } = await connection.send([request], { endpoint: "/index" });
 * const endpoints = await connection.endpoints({ timeoutMs: 5000 });
 * connection.close();
 * ```
 */
export interface ReplicaConnection {
  /** Where the replica is: its URL, or `<name> (in memory)`. */
  readonly address: string;
  /**
   * Calls `process_single_data` with one part, `process_data` with several (the executor sees `docsMatrix`);
   * rejects with the Connect error of a failed call.
   */
  send(parts: readonly DataRequestProto[], options: SendOptions): Promise<NodeReply>;
  /** The endpoints the replica binds (`endpoint_discovery`); rejects with the Connect error of a failed call. */
  endpoints(options: Omit<SendOptions, "endpoint">): Promise<string[]>;
  /** Whether the replica's gRPC health `Check` answers SERVING; rejects with the Connect error of a failed call. */
  serving(options: Omit<SendOptions, "endpoint">): Promise<boolean>;
  /** How many `send` calls are in flight on this connection. */
  readonly inFlight: number;
  /** Resolves once no `send` call is in flight (at once when none is). */
  idle(): Promise<void>;
  /** Closes the HTTP/2 session, if any. */
  close(): void;
}

/**
 * Options of {@link createReplicaConnection}.
 *
 * @example
 * ```ts
 * const options: ReplicaConnectionOptions = { compression: "gzip" };
 * ```
 */
export interface ReplicaConnectionOptions {
  /** Compress request messages over gRPC (`"gzip"`); responses are accepted gzip-compressed either way. Default `"none"`. */
  compression?: Compression | undefined;
}

/**
 * Connects to a replica target. A string must be `grpc://host:port` or `grpcs://host:port` (`http://` and
 * `https://` are taken as they are); anything else throws a JinaError (InvalidArgument) naming the target.
 *
 * @example
 * ```ts
 * const local = createReplicaConnection(createRouterTransport(routes), "encoder/rep-0");
 * const remote = createReplicaConnection("grpc://127.0.0.1:54321", "encoder/rep-1", { compression: "gzip" });
 * ```
 */
export function createReplicaConnection(target: ReplicaTarget, name: string, options: ReplicaConnectionOptions = {}): ReplicaConnection {
  if (typeof target !== "string") return connect(target, `${name} (in memory)`, () => {}, true);
  const transport = createLeanGrpcTransport({
    baseUrl: grpcBaseUrl(target, name),
    ...(options.compression === "gzip" ? { sendCompression: "gzip" as const } : {}),
    codecs: [lazyDataRequestCodec],
  });
  return connect(transport, target, () => transport.close());
}

function connect(transport: Transport, address: string, close: () => void, inMemory = false): ReplicaConnection {
  const discovery = createClient(JinaDiscoverEndpointsRPC, transport);
  const health = createClient(Health, transport);
  // the request's lazy cancellation rides in the context values where the transport reads it (no AbortSignal per call)
  const lean = !inMemory || acceptsCancelContext(transport);
  // one async frame per call: the count is kept in its own `finally` (a `.finally` on its promise made two more)
  const sendParts = async (parts: readonly DataRequestProto[], options: SendOptions): Promise<NodeReply> => {
    inFlight++;
    try {
      // an in-memory transport may be any Connect transport (protobuf-es encodes it): documents must be decoded
      // several parts go as one DataRequestListProto, which the lazy codec does not write: decode them first
      if (inMemory || parts.length > 1) for (const part of parts) materializeData(part.data);
      // in memory the executor gets the metadata object itself: a fresh one per call there
      const headers = options.headers ? { ...options.headers, endpoint: options.endpoint } : inMemory ? { endpoint: options.endpoint } : endpointHeader(options.endpoint);
      const { timeoutMs, signal, contextValues } = callLimits(options, lean);
      // one part: the transport's `unary` straight (what the Connect client would call), its trailers read off the
      // answer instead of through an `onTrailer` callback
      const answer = parts.length === 1
        ? await transport.unary(processSingleData, signal, timeoutMs, headers, parts[0]!, contextValues)
        : await transport.unary(processData, signal, timeoutMs, headers, create(DataRequestListProtoSchema, { requests: [...parts] }), contextValues);
      const response = answer.message;
      return { response, isError: answer.trailer.get("is-error") === "true" || response.header?.status?.code === StatusProto_StatusCode.ERROR };
    } finally {
      settled();
    }
  };
  let inFlight = 0;
  const idlers: (() => void)[] = [];
  const settled = () => {
    if (--inFlight === 0) for (const resolve of idlers.splice(0)) resolve();
  };
  return {
    address,
    close,
    get inFlight() {
      return inFlight;
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idlers.push(resolve))),
    async serving(options) {
      return (await health.check({ service: "" }, callLimits(options))).status === HealthCheckResponse_ServingStatus.SERVING;
    },
    send: sendParts,
    async endpoints(options) {
      return (await discovery.endpoint_discovery(create(EmptySchema), callLimits(options))).endpoints;
    },
  };
}

/**
 * The deadline and cancellation of a call. On the lean gRPC transport (`lean`) a lazy cancellation rides in the
 * context values, so no AbortSignal is made; elsewhere it becomes a signal.
 */
/**
 * The metadata `{ endpoint }`, one frozen object per endpoint (the first 256 endpoints; then a new one per call),
 * so that the transport builds a call's headers once per endpoint, not per call.
 */
function endpointHeader(endpoint: string): Record<string, string> {
  let header = endpointHeaders.get(endpoint);
  if (!header) {
    header = Object.freeze({ endpoint });
    if (endpointHeaders.size < 256) endpointHeaders.set(endpoint, header);
  }
  return header;
}
const endpointHeaders = new Map<string, Readonly<Record<string, string>>>();

const processSingleData = JinaSingleDataRequestRPC.method.process_single_data;
const processData = JinaDataRequestRPC.method.process_data;

function callLimits(options: Omit<SendOptions, "endpoint">, lean = false): { timeoutMs?: number; signal?: AbortSignal; contextValues?: ContextValues } {
  const cancel = options.signal;
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  if (lean && isCancellation(cancel)) return { ...timeout, contextValues: cancelContext(cancel) };
  const signal = signalOf(cancel);
  return signal ? { ...timeout, signal } : timeout;
}

function grpcBaseUrl(target: string, name: string): string {
  const match = /^(grpcs?|https?):\/\/([^/]+)\/?$/.exec(target);
  if (!match) {
    throw new JinaError(
      `Replica "${name}" has address ${JSON.stringify(target)}: use grpc://host:port (or grpcs://host:port for TLS)`,
      ErrorCode.InvalidArgument,
      { executor: name },
    );
  }
  const scheme = match[1] === "grpcs" || match[1] === "https" ? "https" : "http";
  return `${scheme}://${match[2]}`;
}
