/**
 * The gRPC protocol of the client: all requests of a post() on one `jina.JinaRPC/Call` bidi stream (as Jina's
 * Python client does), with `__results_in_order__: true` metadata and at most `prefetch` requests unanswered, on the
 * Client's own HTTP/2 connection (`grpc-connection.ts`). `node:http2` is imported only when the first call is made,
 * so a browser bundle that uses HTTP never loads it.
 *
 * @module
 */
import { fromBinary } from "@bufbuild/protobuf";
import { decodeDataRequest, encodeDataRequest } from "../docarray/mod.ts";
import { type DataRequestProto, JinaGatewayDryRunRPC, JinaRPC, type StatusProto, StatusProtoSchema } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { createResponseOrder } from "./response-order.ts";
import { type GrpcCall, GrpcConnection, type NodeModules } from "./grpc-connection.ts";
import { linkedAbort } from "./linked-abort.ts";
import { createOpeningGate, type OpeningGate } from "./opening-gate.ts";
import { abortError, networkError } from "./network-error.ts";
import type { ResolvedClientOptions } from "./options.ts";
import { authorityOf, type ClientTransport, type StreamOptions } from "./transport.ts";

interface Connection {
  grpc: GrpcConnection;
  /** Bounds the calls opened at once before the gateway has answered one (see opening-gate.ts). */
  opening: OpeningGate;
}

const callPath = `/${JinaRPC.typeName}/${JinaRPC.method.call.name}`;
const dryRunPath = `/${JinaGatewayDryRunRPC.typeName}/${JinaGatewayDryRunRPC.method.dry_run.name}`;
/** The envelope's bytes, left free before each encoded request. */
const envelope = { reserve: 5 };

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
    (connection ??= loadNodeModules().then((modules) => ({
      grpc: new GrpcConnection(baseUrl, modules, { sendGzip: options.compression === "gzip" }),
      opening: createOpeningGate(),
    })));

  async function* stream(requests: Iterable<DataRequestProto>, { signal, prefetch }: StreamOptions): AsyncGenerator<DataRequestProto> {
    const { grpc, opening } = await connect();
    const linked = linkedAbort(signal);
    const callSignal = linked.signal;
    const gate = createGate(prefetch);
    const order = createResponseOrder();
    let inputError: { error: unknown } | undefined;
    let sent = false;

    async function send(call: GrpcCall<DataRequestProto>): Promise<void> {
      try {
        for (const request of requests) {
          const slot = gate.acquire(callSignal);
          if (slot) await slot;
          order.sent(request);
          const sending = call.send(encodeDataRequest(request, envelope));
          if (sending) await sending;
        }
        // Half-closed once the last request is written, as Jina's Python client does: the gateway then ends the call
        // with its last answer (keeping it open until every answer was in cost a round trip per post).
        sent = true;
        call.end();
      } catch (error) {
        if (!callSignal.aborted) {
          inputError = { error };
          linked.abort(error);
        }
      }
    }

    let entered = false;
    let completed = false; // every request sent and answered: nothing the call started still runs, nothing to abort
    try {
      // With no stream open the session may be gone without the client knowing yet (a gateway that restarted): the
      // call may open a new one, whose SETTINGS are not known.
      if (grpc.state() !== "open") opening.renew();
      await opening.enter(callSignal);
      entered = true;
      const headers: Record<string, string> = { [resultsInOrderHeader]: "true" };
      if (Number.isFinite(prefetch)) headers[prefetchHeader] = String(prefetch);
      const call = grpc.call(callPath, headers, decodeDataRequest, callSignal);
      void send(call);
      for await (const response of call) {
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
      throw networkError(error, address);
    } finally {
      if (entered) opening.left();
      linked.unlink();
      if (!completed) linked.abort();
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
      const { grpc } = await connect();
      try {
        const call = grpc.call(dryRunPath, {}, (bytes) => fromBinary(StatusProtoSchema, bytes), signal);
        await call.send(new Uint8Array(envelope.reserve)); // google.protobuf.Empty: no bytes
        call.end();
        let answer: StatusProto | undefined;
        for await (const status of call) answer ??= status;
        if (answer) return answer;
        throw new JinaError(`the gateway at ${address} answered dry_run without a message`, ErrorCode.Internal);
      } catch (error) {
        if (signal?.aborted) throw abortError(signal, address);
        throw networkError(error, address);
      }
    },
    close(): void {
      const current = connection;
      connection = undefined;
      current?.then((c) => c.grpc.close(), () => {});
    },
  };
}

/** The specifiers in variables, so bundlers leave them alone: a browser bundle of the HTTP path never sees them. */
const nodeHttp2 = "node:http2";
const nodeZlib = "node:zlib";

/** Loads `node:http2` and `node:zlib` on first use. */
async function loadNodeModules(): Promise<NodeModules> {
  const [http2, zlib] = await Promise.all([import(nodeHttp2), import(nodeZlib)]);
  return { http2, zlib };
}

/** Counts requests in flight and makes the sender wait while `limit` are unanswered. One sender only. */
function createGate(limit: number) {
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const waitForSlot = async (signal: AbortSignal) => {
    while (inFlight >= limit) {
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
    inFlight++;
  };
  return {
    /** Takes a slot: at once (no promise) when one is free, else once one frees up; rejects when `signal` aborts. */
    acquire(signal: AbortSignal): Promise<void> | undefined {
      if (inFlight >= limit) return waitForSlot(signal);
      inFlight++;
      return undefined;
    },
    release(): void {
      inFlight--;
      const resolve = wake;
      wake = undefined;
      resolve?.();
    },
  };
}
