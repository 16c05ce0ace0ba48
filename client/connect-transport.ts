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
import { authorityOf, type ClientTransport, type StreamOptions } from "./transport.ts";

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
  const calls = new Set<AbortController>();

  /** Runs `fn` with a signal that also fires on close(); errors become JinaErrors naming the address. */
  async function tracked<T>(signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    calls.add(controller);
    const callSignal = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    try {
      return await fn(callSignal);
    } catch (error) {
      throw failure(error, callSignal, address);
    } finally {
      calls.delete(controller);
    }
  }

  async function* stream(requests: Iterable<DataRequestProto>, { signal, prefetch }: StreamOptions): AsyncGenerator<DataRequestProto> {
    const controller = new AbortController();
    calls.add(controller);
    const callSignal = AbortSignal.any([signal, controller.signal]);
    const pending: Promise<DataRequestProto>[] = [];
    const iterator = requests[Symbol.iterator]();
    let exhausted = false;
    const send = async (request: DataRequestProto) => {
      try {
        return await single.process_single_data(request, { signal: callSignal });
      } catch (error) {
        throw failure(error, callSignal, address);
      }
    };
    try {
      for (;;) {
        while (!exhausted && pending.length < prefetch) {
          const next = iterator.next();
          if (next.done) exhausted = true;
          else {
            const answer = send(next.value);
            answer.catch(() => {}); // awaited in order below; keeps a later failure from being unhandled meanwhile
            pending.push(answer);
          }
        }
        const first = pending.shift();
        if (!first) return;
        yield await first;
      }
    } finally {
      controller.abort();
      calls.delete(controller);
    }
  }

  return {
    address,
    stream,
    dryRun(signal?: AbortSignal): Promise<StatusProto> {
      return tracked(signal, (callSignal) => dryRunClient.dry_run({}, { signal: callSignal }));
    },
    close(): void {
      for (const controller of calls) controller.abort(new JinaError(`the client of ${address} was closed`, ErrorCode.Canceled));
      calls.clear();
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
