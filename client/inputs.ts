/**
 * Turning what a user passes to `post()` into Jina data requests of `requestSize` documents each, lazily, so a
 * long generator of documents is never held in memory at once.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { createDataRequest, Document, DocumentArray, type DocumentInit } from "../docarray/mod.ts";
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * What `post()` accepts as documents: a DocumentArray, one Document, or any iterable of Documents and
 * DocumentInit objects (an array, a generator).
 *
 * @example
 * ```ts
 * const inputs: ClientInputs = [{ text: "hello" }, new Document({ text: "world" })];
 * await client.post("/index", inputs);
 * ```
 */
export type ClientInputs = DocumentArray | Document | Iterable<Document | DocumentInit>;

/**
 * What each request of a post() carries besides its documents.
 *
 * @example
 * ```ts
 * const template: RequestTemplate = { endpoint: "/search", requestSize: 100, parameters: { limit: 3 } };
 * ```
 */
export interface RequestTemplate {
  /** The executor endpoint (`header.execEndpoint`). */
  endpoint: string;
  /** `parameters` of every request. */
  parameters?: JsonObject;
  /** `header.targetExecutor` of every request. */
  targetExecutor?: string;
  /** Documents per request. */
  requestSize: number;
}

/**
 * Yields the data requests of one post(): the inputs cut into batches of `requestSize` documents, each a
 * `DataRequestProto` with the endpoint, parameters and target executor. No inputs give one request without
 * documents (as Jina's client sends); an empty array gives none. Throws a JinaError (InvalidArgument) for inputs
 * that are not documents.
 *
 * @example
 * ```ts
 * const requests = [...createRequests([{ text: "a" }, { text: "b" }, { text: "c" }], { endpoint: "/index", requestSize: 2 })];
 * requests.length; // 2
 * ```
 */
export function* createRequests(inputs: ClientInputs | undefined, template: RequestTemplate): Generator<DataRequestProto> {
  const make = (docs?: DocumentArray) =>
    createDataRequest({
      endpoint: template.endpoint,
      ...(docs ? { docs } : {}),
      ...(template.parameters ? { parameters: template.parameters } : {}),
      ...(template.targetExecutor !== undefined ? { targetExecutor: template.targetExecutor } : {}),
    });
  if (inputs === undefined || inputs === null) {
    yield make();
    return;
  }
  if (inputs instanceof Document) {
    yield make(new DocumentArray([inputs]));
    return;
  }
  if (inputs instanceof DocumentArray) {
    const protos = inputs.protos;
    for (let start = 0; start < protos.length; start += template.requestSize) {
      yield make(DocumentArray.fromProto(protos.slice(start, start + template.requestSize)));
    }
    return;
  }
  checkIterable(inputs);
  let batch = new DocumentArray();
  let index = 0;
  for (const item of inputs) {
    if (typeof item !== "object" || item === null) {
      throw new JinaError(
        `post() inputs[${index}] must be a Document or a DocumentInit object like { text: "hello" }, got ${describe(item)}`,
        ErrorCode.InvalidArgument,
      );
    }
    batch.push(item);
    index++;
    if (batch.length >= template.requestSize) {
      yield make(batch);
      batch = new DocumentArray();
    }
  }
  if (batch.length > 0) yield make(batch);
}

function checkIterable(inputs: unknown): asserts inputs is Iterable<Document | DocumentInit> {
  if (typeof inputs === "string" || typeof (inputs as Iterable<unknown>)?.[Symbol.iterator] !== "function") {
    throw new JinaError(
      `post() inputs must be a DocumentArray, a Document or an iterable of documents, got ${describe(inputs)}` +
        (typeof inputs === "string" ? `: wrap text in a document, e.g. [{ text: ${JSON.stringify(inputs.slice(0, 20))} }]` : ""),
      ErrorCode.InvalidArgument,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object without [Symbol.iterator] (${Object.keys(value).slice(0, 3).join(", ") || "no keys"})`;
  return `a ${typeof value}`;
}
