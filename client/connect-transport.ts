/**
 * The Connect protocol of the client: one unary `jina.JinaSingleDataRequestRPC/process_single_data` call per request
 * (binary Connect over `fetch`, via `@connectrpc/connect-web`), at most `prefetch` at once, answers in request
 * order; `dry_run` for the dry run. Uses only `fetch`, so it runs in browsers too. fetch cannot stream a request
 * body, so the bidi `Call` is not used; the gateway's HTTP port answers these calls (as does its gRPC port over h2c,
 * which browsers cannot reach).
 *
 * @module
 */
import { type Client as ConnectClient, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type DataRequestProto, JinaGatewayDryRunRPC, JinaSingleDataRequestRPC, type StatusProto } from "../proto/gen/jina_pb.ts";
import { abortError, networkError } from "./network-error.ts";
import type { ResolvedClientOptions } from "./options.ts";
import { createCallSet } from "./call-set.ts";
import { authorityOf, type ClientTransport } from "./transport.ts";

/**
 * Creates the Connect transport of a client (`http://` or, with `tls`, `https://`; the address names that URL).
 *
 * @example
 * ```ts
 * const transport = createConnectClientTransport({ host: "127.0.0.1", port: 8080, protocol: "connect", tls: false });
 * const status = await transport.dryRun();
 * ```
 */
export function createConnectClientTransport(options: ResolvedClientOptions): ClientTransport {
  const address = `${options.tls ? "https" : "http"}://${authorityOf(options)}`;
  const transport = createConnectTransport({
    baseUrl: address,
    useBinaryFormat: true,
    // looked up on each call, so a fetch replaced later (tests, polyfills) is used
    fetch: ((input, init) => globalThis.fetch(input, init)) as typeof globalThis.fetch,
  });
  const single: ConnectClient<typeof JinaSingleDataRequestRPC> = createClient(JinaSingleDataRequestRPC, transport);
  const dryRunClient: ConnectClient<typeof JinaGatewayDryRunRPC> = createClient(JinaGatewayDryRunRPC, transport);
  const calls = createCallSet(address);
  const send = async (request: DataRequestProto, signal: AbortSignal) => {
    try {
      return await single.process_single_data(request, { signal });
    } catch (error) {
      throw failure(error, signal, address);
    }
  };

  return {
    address,
    stream: (requests, options) => calls.unaryStream(requests, send, options),
    dryRun(signal?: AbortSignal): Promise<StatusProto> {
      return calls.tracked(signal, async (callSignal) => {
        try {
          return await dryRunClient.dry_run({}, { signal: callSignal });
        } catch (error) {
          throw failure(error, callSignal, address);
        }
      });
    },
    close(): void {
      calls.close();
    },
  };
}

/** The JinaError for a failed call: the abort reason when the signal fired, else the network error behind it. */
function failure(error: unknown, signal: AbortSignal, address: string): JinaError {
  if (signal.aborted) return abortError(signal, address);
  // connect-web wraps a failed fetch (connection refused, DNS) in a ConnectError: report the fetch error itself.
  if (error instanceof ConnectError && (error.code === Code.Unknown || error.code === Code.Unavailable) && error.cause instanceof Error) {
    return networkError(error.cause, address);
  }
  return networkError(error, address);
}
