/**
 * What the client needs from a protocol: send a sequence of data requests and get the responses back in the same
 * order, run the gateway's dry run, and let go of connections.
 *
 * @module
 */
import type { DataRequestProto, StatusProto } from "../proto/gen/jina_pb.ts";
import type { ResolvedClientOptions } from "./options.ts";

/**
 * Options of {@link ClientTransport.stream}.
 *
 * @example
 * ```ts
 * const options: StreamOptions = { signal: AbortSignal.timeout(10_000), prefetch: 1000 };
 * ```
 */
export interface StreamOptions {
  /** Stops the call; unanswered requests are dropped. */
  signal: AbortSignal;
  /** Most requests in flight at once (`Infinity` for no limit). */
  prefetch: number;
}

/**
 * One protocol of the client (gRPC or HTTP). Errors are JinaErrors naming the gateway's address; an error thrown
 * by the requests iterable is thrown as it is.
 *
 * @example
 * ```ts
 * const transport = createHttpClientTransport({ host: "127.0.0.1", port: 8080, protocol: "http", tls: false });
 * for await (const response of transport.stream(requests, { signal, prefetch: 4 })) console.log(response.header?.requestId);
 * ```
 */
export interface ClientTransport {
  /** The gateway's address with the protocol as scheme, e.g. `grpc://127.0.0.1:54321`. */
  readonly address: string;
  /** Sends the requests and yields one response per request, in request order. */
  stream(requests: Iterable<DataRequestProto>, options: StreamOptions): AsyncIterable<DataRequestProto>;
  /** The gateway's dry run: one document through the whole flow. */
  dryRun(signal?: AbortSignal): Promise<StatusProto>;
  /** Releases connections (the HTTP/2 session); calls in flight fail. The transport may be used again. */
  close(): void;
}

/**
 * `host:port` for a URL, with brackets around an IPv6 address.
 *
 * @example
 * ```ts
 * authorityOf({ host: "::1", port: 80, protocol: "http", tls: false }); // "[::1]:80"
 * ```
 */
export function authorityOf(options: ResolvedClientOptions): string {
  const host = options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host;
  return `${host}:${options.port}`;
}
