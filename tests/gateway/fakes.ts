/**
 * Fake executors for the gateway tests: Connect routes implementing `jina.JinaSingleDataRequestRPC` the way a Jina
 * executor answers (docs changed in place, a returned object into `parameters.__results__[name]`, a thrown error
 * in-band with trailer `is-error: true`), reachable in memory or over a real gRPC port.
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import { type ConnectRouter, type HandlerContext, createRouterTransport, type Transport } from "@connectrpc/connect";
import { DocumentArray, docsOf, setDocs } from "../../docarray/mod.ts";
import { toStatusProto } from "../../proto/errors.ts";
import {
  type DataRequestProto,
  EndpointsProtoSchema,
  JinaDataRequestRPC,
  JinaDiscoverEndpointsRPC,
  JinaSingleDataRequestRPC,
} from "../../proto/gen/jina_pb.ts";
import { serveGrpc, type Server } from "../../runtime/mod.ts";

/** What a fake executor's handler gets. */
export interface FakeCall {
  docs: DocumentArray;
  parameters: JsonObject;
  /** The `endpoint` request metadata. */
  endpoint: string | null;
  request: DataRequestProto;
  signal: AbortSignal;
  /** With `process_data`: one DocumentArray per part (`docs` is their concatenation). */
  docsMatrix?: DocumentArray[];
  /** With `process_data`: every part. */
  parts?: DataRequestProto[];
}

export type FakeHandler = (call: FakeCall) => void | JsonObject | Promise<void | JsonObject>;

/** Options of {@link fakeExecutor}. */
export interface FakeOptions {
  /**
   * Answer `endpoint_discovery` with these (or what the function resolves with, or its error); without them the
   * service is unimplemented (as an executor without discovery).
   */
  endpoints?: string[] | (() => Promise<string[]>);
}

/** A fake executor and what it saw. */
export interface Fake {
  name: string;
  calls: FakeCall[];
  /** How many `endpoint_discovery` calls it answered. */
  discoveries: number;
  routes: (router: ConnectRouter) => void;
  transport: Transport;
}

/** A fake executor named `name` that runs `handler` on every request. */
export function fakeExecutor(name: string, handler: FakeHandler = () => {}, options: FakeOptions = {}): Fake {
  const calls: FakeCall[] = [];
  const run = async (call: FakeCall, context: HandlerContext): Promise<DataRequestProto> => {
    const { request } = call;
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
  };
  const callOf = (request: DataRequestProto, context: HandlerContext, docs = docsOf(request)): FakeCall => ({
    docs,
    parameters: request.parameters ?? {},
    endpoint: context.requestHeader.get("endpoint"),
    request,
    signal: context.signal,
  });
  const routes = (router: ConnectRouter) => {
    router.service(JinaSingleDataRequestRPC, {
      process_single_data: (request, context) => run(callOf(request, context), context),
    });
    router.service(JinaDataRequestRPC, {
      async process_data(list, context) {
        const parts = list.requests;
        const docsMatrix = parts.map((part) => docsOf(part));
        const docs = DocumentArray.fromProto(docsMatrix.flatMap((part) => part.protos));
        const response = await run({ ...callOf(parts[0]!, context, docs), docsMatrix, parts }, context);
        setDocs(response, docs);
        return response;
      },
    });
    const endpoints = options.endpoints;
    if (endpoints) {
      router.service(JinaDiscoverEndpointsRPC, {
        endpoint_discovery: async () => {
          fake.discoveries++;
          return create(EndpointsProtoSchema, { endpoints: typeof endpoints === "function" ? await endpoints() : endpoints });
        },
      });
    }
  };
  const fake: Fake = { name, calls, discoveries: 0, routes, transport: createRouterTransport(routes) };
  return fake;
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
