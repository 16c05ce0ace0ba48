/**
 * jina-ts: Jina 3.x for TypeScript. Write Executors, compose them into a Flow behind a Gateway that speaks gRPC and
 * HTTP, and call it with a Client — on Node, Deno and Bun, with Jina's wire protocol.
 *
 * @example
 * ```ts
 * import { Document, DocumentArray, Executor, Flow, requests } from "jina-ts";
 *
 * class Upper extends Executor {
 *   @requests("/index")
 *   upper({ docs }: { docs: DocumentArray }) {
 *     for (const doc of docs) doc.text = doc.text?.toUpperCase();
 *   }
 * }
 *
 * await using flow = await new Flow({ protocol: ["grpc", "http"] }).add({ uses: Upper }).start();
 * const docs = await flow.index(new DocumentArray([new Document({ text: "hello" })]));
 * console.log(docs.at(0)?.text); // "HELLO"
 * ```
 *
 * @module
 */

// Documents
export { Document } from "./docarray/mod.ts";
export { DocumentArray } from "./docarray/mod.ts";
export { NdArray } from "./docarray/mod.ts";

// Executors
export { Executor } from "./executor/mod.ts";
export { requests } from "./executor/mod.ts";
export { bindRequests } from "./executor/mod.ts";
export { dynamicBatching } from "./executor/mod.ts";
export { bindDynamicBatching } from "./executor/mod.ts";

// Flows
export { Flow } from "./flow/mod.ts";
export { AsyncFlow } from "./flow/mod.ts";
export { toMermaid } from "./deploy/mermaid.ts";

// Clients
export { Client } from "./client/mod.ts";

// Errors
export { JinaError } from "./proto/errors.ts";
export { ErrorCode } from "./proto/errors.ts";
export { httpStatusOf } from "./proto/errors.ts";

// Types
export type { DocumentInit } from "./docarray/mod.ts";
export type { DynamicBatchingOptions, ExecutorOptions } from "./executor/mod.ts";
export type { DeploymentOptions, FlowOptions, Protocol } from "./flow/mod.ts";
export type { RollingUpdateOptions } from "./flow/mod.ts";
export type { ExecutorSpec, LoadConfigOptions } from "./config/mod.ts";
export type { ClientOptions, PostOptions } from "./client/mod.ts";
