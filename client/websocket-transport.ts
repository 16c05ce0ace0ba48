/**
 * The WebSocket protocol of the client, as Jina's Python client speaks it: `ws://host:port/` (`wss://` with TLS)
 * with the `bytes` subprotocol, each request one binary frame (a serialized `DataRequestProto`), at most `prefetch`
 * unanswered, a single `\x00` byte after the last one; answers are matched to requests by `header.requestId` and
 * yielded in request order; the gateway closes with 1000 when all are answered. A close with 1011 (the flow
 * failed) rejects with the code named in the reason (`[unavailable] ...`). Dry run over `ws /dry_run`.
 *
 * Uses the global `WebSocket` (browsers, Deno, Bun, Node ≥ 22); on Node 20 the `ws` package, imported on first use
 * so a browser bundle never sees it.
 *
 * @module
 */
import { fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { codeFromString } from "@connectrpc/connect/protocol-connect";
import { type DataRequestProto, type StatusProto, StatusProtoSchema } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { decodeDataRequest, encodeDataRequest } from "../docarray/mod.ts";
import { abortError, networkError } from "./network-error.ts";
import type { ResolvedClientOptions } from "./options.ts";
import { createCallSet } from "./call-set.ts";
import { createResponseOrder } from "./response-order.ts";
import { authorityOf, type ClientTransport, type StreamOptions } from "./transport.ts";

/** The frame that ends the request stream in Jina's `bytes` subprotocol. */
const endOfStream = new Uint8Array([0]);

type SocketEvent = { kind: "message"; data: string | Uint8Array } | { kind: "close"; code: number; reason: string };

/** One open socket with its events queued. */
interface Connection {
  send(data: Uint8Array): void;
  /** The next message or the close; rejects with the abort error when `signal` fires first. */
  next(signal: AbortSignal): Promise<SocketEvent>;
  readonly closed: boolean;
  /** Starts the closing handshake and waits (at most `closeWaitMs`) for the gateway to answer it. */
  close(code?: number, reason?: string): Promise<void>;
}

/** How long closing a socket waits for the gateway's close frame. */
const closeWaitMs = 1000;

/**
 * Creates the WebSocket transport of a client (`ws://` or, with `tls`, `wss://`).
 *
 * @example
 * ```ts
 * const transport = createWebSocketClientTransport({ host: "127.0.0.1", port: 8080, protocol: "websocket", tls: false });
 * for await (const response of transport.stream(requests, { signal: AbortSignal.timeout(10_000), prefetch: 100 })) {
 *   console.log(response.header?.requestId);
 * }
 * transport.close();
 * ```
 */
export function createWebSocketClientTransport(options: ResolvedClientOptions): ClientTransport {
  const address = `${options.tls ? "wss" : "ws"}://${authorityOf(options)}`;
  const calls = createCallSet(address);

  async function connect(path: string, signal: AbortSignal): Promise<Connection> {
    const Socket = await socketClass(address);
    if (signal.aborted) throw abortError(signal, address);
    let socket: WebSocket;
    try {
      socket = new Socket(`${address}${path}`, ["bytes"]);
    } catch (error) {
      throw networkError(error, address);
    }
    socket.binaryType = "arraybuffer";
    const events: SocketEvent[] = [];
    let wake: (() => void) | undefined;
    let failure = "";
    let closed = false;
    const push = (event: SocketEvent) => {
      events.push(event);
      wake?.();
      wake = undefined;
    };
    socket.addEventListener("message", (event: MessageEvent) => {
      push({ kind: "message", data: typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer) });
    });
    socket.addEventListener("error", (event: Event) => {
      failure ||= (event as ErrorEvent).message || (event as { error?: Error }).error?.message || "";
    });
    socket.addEventListener("close", (event: CloseEvent) => {
      closed = true;
      push({ kind: "close", code: event.code, reason: event.reason });
    });
    const next = async (nextSignal: AbortSignal): Promise<SocketEvent> => {
      for (;;) {
        const event = events.shift();
        if (event) return event;
        if (nextSignal.aborted) throw abortError(nextSignal, address);
        await new Promise<void>((resolve) => {
          const done = () => {
            nextSignal.removeEventListener("abort", done);
            resolve();
          };
          wake = done;
          nextSignal.addEventListener("abort", done, { once: true });
        });
      }
    };
    const connection: Connection = {
      send: (data) => socket.send(data as Uint8Array<ArrayBuffer>),
      next,
      get closed() {
        return closed;
      },
      async close(code = 1000, reason = "") {
        if (closed) return;
        if (socket.readyState !== socket.CLOSING) socket.close(code, reason);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          timer = setTimeout(resolve, closeWaitMs);
          socket.addEventListener("close", () => resolve(), { once: true });
        });
        clearTimeout(timer);
      },
    };
    const opened = await new Promise<boolean>((resolve) => {
      const onAbort = () => resolve(false);
      signal.addEventListener("abort", onAbort, { once: true });
      socket.addEventListener("open", () => (signal.removeEventListener("abort", onAbort), resolve(true)), { once: true });
      socket.addEventListener("close", () => (signal.removeEventListener("abort", onAbort), resolve(false)), { once: true });
    });
    if (opened) return connection;
    void connection.close(1000, "the client stopped");
    if (signal.aborted) throw abortError(signal, address);
    const close = events.find((event) => event.kind === "close");
    const why = failure || (close?.kind === "close" ? `the connection closed (${close.code}${close.reason ? ` ${close.reason}` : ""})` : "");
    throw networkError(new Error(`cannot open ${address}${path}${why ? `: ${why}` : ""}`), address);
  }

  async function* stream(requests: Iterable<DataRequestProto>, { signal, prefetch }: StreamOptions): AsyncGenerator<DataRequestProto> {
    const call = calls.open(signal);
    const callSignal = call.signal;
    let connection: Connection | undefined;
    let completed = false;
    try {
      connection = await connect("/", callSignal);
      const iterator = requests[Symbol.iterator]();
      const order = createResponseOrder();
      let inputDone = false;
      for (;;) {
        while (!inputDone && order.sentCount - order.takenCount < prefetch) {
          const item = iterator.next(); // an error of the inputs is thrown as it is (finally closes the socket)
          if (item.done) {
            inputDone = true;
            connection.send(endOfStream);
          } else {
            order.sent(item.value);
            connection.send(encodeDataRequest(item.value));
          }
        }
        const ready = order.take();
        if (ready) {
          yield ready;
          continue;
        }
        const event = await connection.next(callSignal);
        if (event.kind === "close") {
          if (inputDone && order.takenCount === order.sentCount && event.code === 1000) return void (completed = true);
          throw closeError(event, address, order.takenCount, order.sentCount);
        }
        if (typeof event.data === "string") {
          throw new JinaError(`the gateway at ${address} answered with a text frame: it did not agree to the "bytes" subprotocol`, ErrorCode.Internal);
        }
        let response: DataRequestProto;
        try {
          response = decodeDataRequest(event.data);
        } catch (error) {
          throw new JinaError(`the gateway at ${address} sent a frame that is not a DataRequestProto: ${(error as Error).message}`, ErrorCode.Internal, {
            cause: error,
          });
        }
        order.received(response);
      }
    } catch (error) {
      if (signal.aborted) throw abortError(signal, address);
      if (callSignal.aborted) throw abortError(callSignal, address);
      throw error;
    } finally {
      await connection?.close(1000, "the client stopped");
      call.release(!completed);
    }
  }

  return {
    address,
    stream,
    dryRun(signal?: AbortSignal): Promise<StatusProto> {
      return calls.tracked(signal, async (callSignal) => {
        const connection = await connect("/dry_run", callSignal);
        try {
          const event = await connection.next(callSignal);
          if (event.kind === "close") throw closeError(event, address, 0, 1);
          try {
            return typeof event.data === "string"
              ? fromJson(StatusProtoSchema, JSON.parse(event.data) as JsonValue, { ignoreUnknownFields: true })
              : fromBinary(StatusProtoSchema, event.data);
          } catch (error) {
            throw new JinaError(`the gateway at ${address} answered ws /dry_run with something that is not a status: ${(error as Error).message}`, ErrorCode.Internal, {
              cause: error,
            });
          }
        } finally {
          await connection.close(1000);
        }
      });
    },
    close(): void {
      calls.close();
    },
  };
}

/** The JinaError for a socket the gateway closed before every response came. */
function closeError(event: { code: number; reason: string }, address: string, received: number, sent: number): JinaError {
  const reason = event.reason.replace(/^\[([a-z_]+)\]\s*/, "");
  const named = /^\[([a-z_]+)\]/.exec(event.reason)?.[1];
  const code = (named ? codeFromString(named) : undefined) ??
    (event.code === 1009 ? ErrorCode.ResourceExhausted : event.code === 1000 ? ErrorCode.Internal : ErrorCode.Unavailable);
  const what = event.code === 1000
    ? `closed the stream after ${received} of ${sent} responses`
    : `closed the connection with ${event.code}${reason ? `: ${reason}` : ""}`;
  return new JinaError(`the gateway at ${address} ${what}`, code);
}

/** The specifier in a variable, so bundlers leave it alone: a browser bundle never sees the `ws` package. */
const wsPackage = "ws";

/** The global WebSocket, or the `ws` package's (Node 20 has no global one). */
async function socketClass(address: string): Promise<typeof WebSocket> {
  const global = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (global) return global;
  // Imported once: a dynamic import per connection still went through the module loader each time (~5 % of a
  // Client's CPU per WebSocket post on Node 20, which has no global WebSocket).
  if (wsClass) return wsClass;
  try {
    return (wsClass = ((await import(wsPackage)) as { WebSocket: typeof WebSocket }).WebSocket);
  } catch (error) {
    throw new JinaError(
      `cannot talk to ${address}: this runtime has no global WebSocket and the "ws" package cannot be loaded (npm install ws)`,
      ErrorCode.FailedPrecondition,
      { cause: error },
    );
  }
}

/** The `ws` package's WebSocket, once loaded. */
let wsClass: typeof WebSocket | undefined;
