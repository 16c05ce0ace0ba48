/**
 * Fake executors for the gateway tests: Connect routes implementing `jina.JinaSingleDataRequestRPC` the way a Jina
 * executor answers (docs changed in place, a returned object into `parameters.__results__[name]`, a thrown error
 * in-band with trailer `is-error: true`), reachable in memory or over a real gRPC port.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { type ConnectRouter, createRouterTransport, type Transport } from "@connectrpc/connect";
import { docsOf, type DocumentArray } from "../../docarray/mod.ts";
import { toStatusProto } from "../../proto/errors.ts";
import { type DataRequestProto, JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { serveGrpc, type Server } from "../../runtime/mod.ts";

/** What a fake executor's handler gets. */
export interface FakeCall {
  docs: DocumentArray;
  parameters: JsonObject;
  /** The `endpoint` request metadata. */
  endpoint: string | null;
  request: DataRequestProto;
  signal: AbortSignal;
}

export type FakeHandler = (call: FakeCall) => void | JsonObject | Promise<void | JsonObject>;

/** A fake executor and what it saw. */
export interface Fake {
  name: string;
  calls: FakeCall[];
  routes: (router: ConnectRouter) => void;
  transport: Transport;
}

/** A fake executor named `name` that runs `handler` on every request. */
export function fakeExecutor(name: string, handler: FakeHandler = () => {}): Fake {
  const calls: FakeCall[] = [];
  const routes = (router: ConnectRouter) => {
    router.service(JinaSingleDataRequestRPC, {
      async process_single_data(request, context) {
        const call: FakeCall = {
          docs: docsOf(request),
          parameters: request.parameters ?? {},
          endpoint: context.requestHeader.get("endpoint"),
          request,
          signal: context.signal,
        };
        calls.push(call);
        try {
          const returned = await handler(call);
          if (returned && typeof returned === "object") {
            const results = (request.parameters?.__results__ ?? {}) as JsonObject;
            request.parameters = { ...request.parameters, __results__: { ...results, [name]: returned } };
          }
        } catch (error) {
          if (error instanceof CallFailure) throw error.error;
          request.header!.status = toStatusProto(error, name);
          context.responseTrailer.set("is-error", "true");
        }
        return request;
      },
    });
  };
  return { name, calls, routes, transport: createRouterTransport(routes) };
}

/** Serves a fake executor over gRPC on 127.0.0.1, port 0; the address is `grpc://127.0.0.1:<port>`. */
export async function serveFake(fake: Fake): Promise<{ server: Server; address: string }> {
  const server = await serveGrpc({ routes: fake.routes });
  return { server, address: `grpc://127.0.0.1:${server.port}` };
}

/** A port nothing listens on (bound, then freed). */
export async function closedPort(): Promise<number> {
  const server = await serveGrpc({ routes: () => {} });
  const port = server.port;
  await server.close();
  return port;
}

/** A logger that records warnings. */
export function recordingLogger(): { warnings: string[]; warn(message: string): void } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => void warnings.push(message) };
}

/** Waits `ms` milliseconds, or until `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Thrown by a fake's handler to fail the call itself (a gRPC status), not in-band. */
export class CallFailure {
  constructor(readonly error: Error) {}
}
