/**
 * The Client: sends documents to a Jina gateway over gRPC or HTTP and gives back what the flow returned.
 *
 * @module
 */
import type { DocumentArray } from "../docarray/mod.ts";
import { type DataRequestProto, type StatusProto, StatusProto_StatusCode } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { createConnectClientTransport } from "./connect-transport.ts";
import { createGrpcClientTransport } from "./grpc-transport.ts";
import { createHttpClientTransport } from "./http-transport.ts";
import { createWebSocketClientTransport } from "./websocket-transport.ts";
import { type ClientInputs, createRequests } from "./inputs.ts";
import { abortError } from "./network-error.ts";
import { type ClientOptions, type ClientProtocol, type PostOptions, resolveClientOptions, resolvePostLimits, type ResolvedClientOptions } from "./options.ts";
import { handleResponse, joinDocs } from "./responses.ts";
import type { ClientTransport } from "./transport.ts";

/**
 * Options of {@link Client.dryRun} and {@link Client.isFlowReady}.
 *
 * @example
 * ```ts
 * const ready = await client.isFlowReady({ signal: AbortSignal.timeout(2000) });
 * ```
 */
export interface DryRunOptions {
  /** Stops waiting for the gateway. */
  signal?: AbortSignal;
}

/**
 * A client of a Jina gateway (jina-ts or Python Jina 3.x), over gRPC (`jina.JinaRPC/Call`, the default) or HTTP
 * (`POST /post`). Inputs are cut into requests of `requestSize` documents; the results come back in input order.
 * An in-band executor error rejects with a JinaError naming the exception and the executor, unless
 * `continueOnError` or `onError` is given. Call `close()` (or `using`) when done, to release the HTTP/2 session.
 *
 * @example
 * ```ts
 * import { Client, Document } from "jina-ts";
 * using client = new Client({ host: "127.0.0.1", port: 54321 });
 * const docs = await client.post("/search", [new Document({ text: "hello" })], { parameters: { limit: 3 } });
 * console.log(docs.at(0)?.matches.length);
 * ```
 */
export class Client implements Disposable {
  readonly #options: ResolvedClientOptions;
  #transport: ClientTransport | undefined;

  constructor(options: ClientOptions) {
    this.#options = resolveClientOptions(options);
  }

  /** The gateway's host. */
  get host(): string {
    return this.#options.host;
  }

  /** The gateway's port. */
  get port(): number {
    return this.#options.port;
  }

  /** `grpc` or `http`. */
  get protocol(): ClientProtocol {
    return this.#options.protocol;
  }

  /** Whether TLS is used. */
  get tls(): boolean {
    return this.#options.tls;
  }

  /** The gateway's address with the protocol as scheme, e.g. `grpc://127.0.0.1:54321`. */
  get address(): string {
    return this.#getTransport().address;
  }

  /**
   * Sends documents to an endpoint and resolves with all documents of the responses, in input order (or with the
   * responses themselves when `returnResponses: true`).
   *
   * @example
   * ```ts
   * const docs = await client.post("/index", [{ text: "a" }, { text: "b" }], { requestSize: 1 });
   * const responses = await client.post("/index", docs, { returnResponses: true, continueOnError: true });
   * ```
   */
  post(on: string, inputs?: ClientInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray>;
  post(on: string, inputs: ClientInputs | undefined, options: PostOptions & { returnResponses: true }): Promise<DataRequestProto[]>;
  post(on: string, inputs?: ClientInputs, options?: PostOptions): Promise<DocumentArray | DataRequestProto[]>;
  async post(on: string, inputs?: ClientInputs, options: PostOptions = {}): Promise<DocumentArray | DataRequestProto[]> {
    const responses: DataRequestProto[] = [];
    for await (const response of this.stream(on, inputs, options)) responses.push(response);
    return options.returnResponses ? responses : joinDocs(responses);
  }

  /**
   * Sends documents to an endpoint and yields each response as it is ready, in input order; callbacks and errors
   * as in {@link Client.post}. Stopping the iteration cancels the requests not answered yet.
   *
   * @example
   * ```ts
   * for await (const response of client.stream("/index", generateDocs(), { requestSize: 50 })) {
   *   console.log(docsOf(response).length);
   * }
   * ```
   */
  async *stream(on: string, inputs?: ClientInputs, options: PostOptions = {}): AsyncGenerator<DataRequestProto, void, undefined> {
    if (typeof on !== "string") {
      throw new JinaError(`post() endpoint "on" must be a string like "/index", got ${typeof on}`, ErrorCode.InvalidArgument);
    }
    const { requestSize, prefetch } = resolvePostLimits(options, this.#options.protocol);
    const transport = this.#getTransport();
    const signal = options.signal ?? new AbortController().signal;
    if (signal.aborted) throw abortError(signal, transport.address);
    const requests = createRequests(inputs, {
      endpoint: on,
      requestSize,
      ...(options.parameters ? { parameters: options.parameters } : {}),
      ...(options.targetExecutor !== undefined ? { targetExecutor: options.targetExecutor } : {}),
    });
    const first = requests.next(); // checks the inputs before anything is sent
    if (first.done) return;
    const all = (function* () {
      yield first.value;
      yield* requests;
    })();
    try {
      for await (const response of transport.stream(all, { signal, prefetch })) {
        handleResponse(response, options);
        yield response;
      }
    } catch (error) {
      if (signal.aborted) throw abortError(signal, transport.address);
      throw error;
    }
  }

  /**
   * `post("/index", inputs, options)`.
   *
   * @example
   * ```ts
   * await client.index([{ text: "hello" }]);
   * ```
   */
  index(inputs?: ClientInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray>;
  index(inputs: ClientInputs | undefined, options: PostOptions & { returnResponses: true }): Promise<DataRequestProto[]>;
  index(inputs?: ClientInputs, options?: PostOptions): Promise<DocumentArray | DataRequestProto[]> {
    return this.post("/index", inputs, options);
  }

  /**
   * `post("/search", inputs, options)`.
   *
   * @example
   * ```ts
   * const results = await client.search([{ text: "hello" }], { parameters: { limit: 5 } });
   * ```
   */
  search(inputs?: ClientInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray>;
  search(inputs: ClientInputs | undefined, options: PostOptions & { returnResponses: true }): Promise<DataRequestProto[]>;
  search(inputs?: ClientInputs, options?: PostOptions): Promise<DocumentArray | DataRequestProto[]> {
    return this.post("/search", inputs, options);
  }

  /**
   * `post("/update", inputs, options)`.
   *
   * @example
   * ```ts
   * await client.update([{ id: "doc-1", text: "new text" }]);
   * ```
   */
  update(inputs?: ClientInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray>;
  update(inputs: ClientInputs | undefined, options: PostOptions & { returnResponses: true }): Promise<DataRequestProto[]>;
  update(inputs?: ClientInputs, options?: PostOptions): Promise<DocumentArray | DataRequestProto[]> {
    return this.post("/update", inputs, options);
  }

  /**
   * `post("/delete", inputs, options)`.
   *
   * @example
   * ```ts
   * await client.delete([{ id: "doc-1" }]);
   * ```
   */
  delete(inputs?: ClientInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray>;
  delete(inputs: ClientInputs | undefined, options: PostOptions & { returnResponses: true }): Promise<DataRequestProto[]>;
  delete(inputs?: ClientInputs, options?: PostOptions): Promise<DocumentArray | DataRequestProto[]> {
    return this.post("/delete", inputs, options);
  }

  /**
   * The gateway's dry run (`jina.JinaGatewayDryRunRPC/dry_run` or `GET /dry_run`): one document through the whole
   * flow. Resolves with the status (SUCCESS, or ERROR with the exception); rejects when the gateway cannot be reached.
   *
   * @example
   * ```ts
   * const status = await client.dryRun();
   * if (status.code !== 0) console.log(status.exception?.name, status.exception?.args);
   * ```
   */
  dryRun(options: DryRunOptions = {}): Promise<StatusProto> {
    return this.#getTransport().dryRun(options.signal);
  }

  /**
   * Whether the flow answers its dry run with SUCCESS (false when it fails or cannot be reached), as Jina's
   * `Client.is_flow_ready()`.
   *
   * @example
   * ```ts
   * if (!(await client.isFlowReady())) console.log("the flow is not ready yet");
   * ```
   */
  async isFlowReady(options: DryRunOptions = {}): Promise<boolean> {
    try {
      return (await this.dryRun(options)).code === StatusProto_StatusCode.SUCCESS;
    } catch {
      return false;
    }
  }

  /**
   * Releases the connection to the gateway (the HTTP/2 session of gRPC); calls in flight fail with `Canceled`.
   * The client can be used again afterwards (it reconnects).
   *
   * @example
   * ```ts
   * const client = new Client({ port: 54321 });
   * try { await client.post("/index", docs); } finally { client.close(); }
   * ```
   */
  close(): void {
    const transport = this.#transport;
    this.#transport = undefined;
    transport?.close();
  }

  /** `close()`, for `using client = new Client(...)`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #getTransport(): ClientTransport {
    return (this.#transport ??= transports[this.#options.protocol](this.#options));
  }
}

const transports: Record<ClientProtocol, (options: ResolvedClientOptions) => ClientTransport> = {
  grpc: createGrpcClientTransport,
  http: createHttpClientTransport,
  websocket: createWebSocketClientTransport,
  connect: createConnectClientTransport,
};
