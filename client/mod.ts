/**
 * The jina-ts client: sends DocumentArrays to a Jina gateway (jina-ts or Python Jina 3.x) over gRPC or HTTP.
 * Browser-safe on the HTTP path: it imports only `proto/`, `docarray/` and `fetch`; the gRPC path loads
 * `node:http2` and `node:zlib` on first use (its own HTTP/2 connection: `grpc-connection.ts`).
 *
 * @example
 * ```ts
 * import { Client } from "jina-ts/client";
 * using client = new Client({ host: "127.0.0.1", port: 8080, protocol: "http" });
 * const docs = await client.post("/index", [{ text: "hello" }, { text: "world" }], { requestSize: 1 });
 * console.log(docs.texts);
 * ```
 *
 * @module
 */
export { Client } from "./client.ts";
export { createRequests } from "./inputs.ts";
export { describeStatus, errorOfResponse, isErrorResponse } from "./responses.ts";
export { codeOfHttpStatus } from "../proto/errors.ts";
export { defaultGrpcPrefetch, defaultHttpPrefetch, defaultRequestSize } from "./options.ts";

export type { DryRunOptions } from "./client.ts";
export type { ClientInputs, RequestTemplate } from "./inputs.ts";
export type { ClientOptions, ClientProtocol, PostOptions } from "./options.ts";
