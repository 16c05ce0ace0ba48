/**
 * The gRPC protocol of the client: all requests of a post() on one `jina.JinaRPC/Call` bidi stream (as Jina's
 * Python client does), with `__results_in_order__: true` metadata and at most `prefetch` requests unanswered.
 * `@connectrpc/connect-node` (node:http2) is imported only when the first call is made, so a browser bundle that
 * uses HTTP never loads it.
 *
 * @module
 */
import { createClient, type Client as ConnectClient } from "@connectrpc/connect";
import { type DataRequestProto, JinaGatewayDryRunRPC, JinaRPC, type StatusProto } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { createResponseOrder } from "./response-order.ts";
import { deferSessionDestroy } from "./session-teardown.ts";
import { createOpeningGate, type OpeningGate } from "./opening-gate.ts";
import { abortError, networkError } from "./network-error.ts";
import type { ResolvedClientOptions } from "./options.ts";
import { authorityOf, type ClientTransport, type StreamOptions } from "./transport.ts";

interface Connection {
  abort(): void;
  /** The HTTP/2 session's state: "closed" or "error" once the connection is gone. */
  state(): string;
  rpc: ConnectClient<typeof JinaRPC>;
  dryRun: ConnectClient<typeof JinaGatewayDryRunRPC>;
  /** Bounds the calls opened at once before the gateway has answered one (see opening-gate.ts). */
  opening: OpeningGate;
}

/**
 * Request metadata Jina's client sends so the gateway answers in request order.
 *
 * @example
 * ```ts
 * const inOrder = context.requestHeader.get(resultsInOrderHeader) === "true"; // in a gateway's Call handler
 * ```
 */
export const resultsInOrderHeader = "__results_in_order__";

/**
 * Request metadata telling the gateway how many requests of the stream to handle at once (the client's `prefetch`).
 *
 * @example
 * ```ts
 * const limit = Number(context.requestHeader.get(prefetchHeader) ?? 1000); // in a gateway's Call handler
 * ```
 */
export const prefetchHeader = "__prefetch__";

/**
 * The HTTP/2 session's memory bound, in MB. node:http2's default (10) counts the requests waiting to be sent: with
 * more than 10 MB of them (four posts of 3 MB at once to a gateway busy reading) Node reset the calls when their
 * answers began (ENHANCE_YOUR_CALM) and Bun refused new ones. What waits is what the caller already holds.
 */
const sessionOptions = { maxSessionMemory: 1024 };

/**
 * Creates the gRPC transport of a client (`grpc://` or, with `tls`, `grpcs://`).
 *
 * @example
 * ```ts
 * const transport = createGrpcClientTransport({ host: "127.0.0.1", port: 54321, protocol: "grpc", tls: false });
 * const status = await transport.dryRun();
 * transport.close();
 * ```
 */
export function createGrpcClientTransport(options: ResolvedClientOptions): ClientTransport {
  const authority = authorityOf(options);
  const address = `${options.tls ? "grpcs" : "grpc"}://${authority}`;
  const baseUrl = `${options.tls ? "https" : "http"}://${authority}`;
  let connection: Promise<Connection> | undefined;

  const connect = () =>
    (connection ??= loadConnectNode().then(({ compressionGzip, createGrpcTransport, Http2SessionManager }) => {
      const session = new Http2SessionManager(baseUrl, undefined, sessionOptions);
      deferSessionDestroy(session);
      const transport = createGrpcTransport({
        baseUrl,
        sessionManager: session,
        acceptCompression: [compressionGzip],
        ...(options.compression === "gzip" ? { sendCompression: compressionGzip } : {}),
      });
      return {
        abort: () => session.abort(),
        state: () => session.state(),
        rpc: createClient(JinaRPC, transport),
        dryRun: createClient(JinaGatewayDryRunRPC, transport),
        opening: createOpeningGate(),
      };
    }));

  async function* stream(requests: Iterable<DataRequestProto>, { signal, prefetch }: StreamOptions): AsyncGenerator<DataRequestProto> {
    const { rpc, state, opening } = await connect();
    const controller = new AbortController();
    const callSignal = AbortSignal.any([signal, controller.signal]);
    const watch = watchConnection(state, controller, address);
    const gate = createGate(prefetch);
    const order = createResponseOrder();
    let inputError: { error: unknown } | undefined;
    let sent = false;

    async function* source(): AsyncGenerator<DataRequestProto> {
      try {
        for (const request of requests) {
          await gate.acquire(callSignal);
          order.sent(request);
          yield request;
        }
        // Keep the send side open until every response is in: a gateway answers each request as it comes (Jina's
        // does), and Deno's node:http2 closes a stream early when the client half-closes while big responses of
        // the same process are still on their way ("Premature close").
        await gate.drain(callSignal);
        sent = true;
      } catch (error) {
        if (!callSignal.aborted) {
          inputError = { error };
          controller.abort(error);
        }
      }
    }

    let entered = false;
    let completed = false; // every request sent and answered: nothing the call started still runs, nothing to abort
    try {
      // With no stream open the session may be gone without the client knowing yet (a gateway that restarted): the
      // call may open a new one, whose SETTINGS are not known.
      if (state() !== "open") opening.renew();
      await opening.enter(callSignal);
      entered = true;
      const headers: Record<string, string> = { [resultsInOrderHeader]: "true" };
      if (Number.isFinite(prefetch)) headers[prefetchHeader] = String(prefetch);
      const responses = rpc.call(source(), { signal: callSignal, headers });
      for await (const response of responses) {
        opening.answered();
        order.received(response);
        for (let ready = order.take(); ready; ready = order.take()) {
          gate.release();
          yield ready;
        }
      }
      completed = sent && order.takenCount === order.sentCount;
    } catch (error) {
      if (inputError) throw inputError.error;
      if (signal.aborted) throw abortError(signal, address);
      if (watch.lost) throw watch.lost;
      throw networkError(error, address);
    } finally {
      if (entered) opening.left();
      watch.stop();
      if (!completed) controller.abort();
    }
    if (inputError) throw inputError.error;
    if (order.takenCount < order.sentCount) {
      throw new JinaError(
        `the gateway at ${address} closed the stream after ${order.takenCount} of ${order.sentCount} responses`,
        ErrorCode.Internal,
      );
    }
  }

  return {
    address,
    stream,
    async dryRun(signal?: AbortSignal): Promise<StatusProto> {
      const { dryRun } = await connect();
      try {
        return await dryRun.dry_run({}, signal ? { signal } : {});
      } catch (error) {
        if (signal?.aborted) throw abortError(signal, address);
        throw networkError(error, address);
      }
    },
    close(): void {
      const current = connection;
      connection = undefined;
      current?.then((c) => c.abort(), () => {});
    },
  };
}

/** How often a call in flight checks that its HTTP/2 connection is still there. */
const connectionCheckMs = 200;

/**
 * Node's http2 may close a stream with NO_ERROR when its session goes away before the answer (the gateway's process
 * killed), and Connect then waits for an answer forever. So while a call is in flight, check the session: once it
 * was up and is now closed, fail the call with UNAVAILABLE.
 */
function watchConnection(state: () => string, controller: AbortController, address: string): { lost: JinaError | undefined; stop(): void } {
  let wasUp = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const watch: { lost: JinaError | undefined; stop(): void } = { lost: undefined, stop: () => clearInterval(timer) };
  const check = () => {
    const now = state();
    if (now === "connecting" || now === "open" || now === "idle") wasUp = true;
    else if (wasUp && (now === "closed" || now === "error")) {
      watch.lost = new JinaError(`the connection to the gateway at ${address} closed before the call was answered`, ErrorCode.Unavailable);
      clearInterval(timer);
      controller.abort(watch.lost);
    }
  };
  check();
  timer = setInterval(check, connectionCheckMs);
  (timer as { unref?: () => void }).unref?.();
  return watch;
}

/** The specifier in a variable, so bundlers leave it alone: a browser bundle of the HTTP path never sees node:http2. */
const connectNode = "@connectrpc/connect-node";

/** Loads `@connectrpc/connect-node` (node:http2) on first use. */
function loadConnectNode(): Promise<typeof import("@connectrpc/connect-node")> {
  return import(connectNode);
}

/** Counts requests in flight and makes the sender wait while `limit` are unanswered. One sender only. */
function createGate(limit: number) {
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const waitWhile = async (busy: () => boolean, signal: AbortSignal) => {
    while (busy()) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
  };
  return {
    /** Waits for a free slot and takes it. */
    async acquire(signal: AbortSignal): Promise<void> {
      await waitWhile(() => inFlight >= limit, signal);
      inFlight++;
    },
    /** Waits until every request is answered. */
    drain(signal: AbortSignal): Promise<void> {
      return waitWhile(() => inFlight > 0, signal);
    },
    release(): void {
      inFlight--;
      const resolve = wake;
      wake = undefined;
      resolve?.();
    },
  };
}
