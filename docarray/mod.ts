/**
 * docarray for jina-ts: `Document`, `DocumentArray` and `NdArray` as views over docarray v1's protobuf messages,
 * Jina's reduce, the query language, nearest-neighbour find/match, and Jina's `DataRequestProto` helpers
 * (binary and HTTP JSON).
 *
 * @example
 * ```ts
 * import { createDataRequest, Document, DocumentArray, docsOf } from "jina-ts/docarray";
 * const docs = new DocumentArray([new Document({ text: "hello", embedding: new Float32Array([1, 0]) })]);
 * const request = createDataRequest({ endpoint: "/index", docs });
 * docsOf(request).at(0)?.text; // "hello"
 * ```
 *
 * @module
 */
export { NdArray } from "./ndarray.ts";
export type { NdArrayInit, NdArrayOptions, NestedList } from "./ndarray.ts";
export type { TypedArray } from "./dtype.ts";
export { Document } from "./document.ts";
export type { DocumentInit } from "./document.ts";
export { DocumentArray } from "./document-array.ts";
export type { DocumentJson, NamedScoreJson } from "./document-json.ts";
export type { NamedScore } from "./named-score.ts";
export type { FindOptions, Metric } from "./match.ts";
export { topK } from "./top-k.ts";
export type { TopKOptions, TopKResult } from "./top-k.ts";
export { compileQuery } from "./query.ts";
export type { DocumentPredicate, QueryFilter } from "./query.ts";
export { reduceAll, reduceDocs } from "./reduce.ts";
export { createDataRequest, docsOf, setDocs } from "./request.ts";
export type { DataRequestInit } from "./request.ts";
export { dataRequestFromJSON, dataRequestToJSON } from "./request-json.ts";
export type { DataRequestJson, HeaderJson, RouteJson, StatusJson } from "./request-json.ts";
export { randomId } from "./id.ts";
export {
  dataRequestSize,
  decodeDataContent,
  decodeDataRequest,
  decodeDataRequestHead,
  decodeDocument,
  decodeDocumentArray,
  encodeDataRequest,
  encodeDataRequestLeased,
  encodeDocument,
  encodeDocumentArray,
} from "./wire/codec.ts";
export { WireArena, WireLease } from "./wire/arena.ts";
export type { WireArenaOptions } from "./wire/arena.ts";
export type { DataRequestParts, EncodeDataRequestOptions } from "./wire/codec.ts";
export { countDataContentDocs, countRequestDocs, countRequestListDocs } from "./wire/doc-count.ts";
export { checkDocCount, defaultMaxDocs, docCountCheck, jsonDocCountCheck } from "./doc-limit.ts";
export { AnnStore, Hnsw, MemoryStore, SqliteStore, StoredDocumentArray } from "./storage/mod.ts";
export type { AnnConfig, AnnMetric, DocumentStore, HnswOptions, SqliteConfig, StorageOptions, StoreHit } from "./storage/mod.ts";
export { codecArena, dataRequestCodec, lazyDataRequestCodec } from "./request-codec.ts";
export { forgetLazyData, keepEncodedData, lazyBytesOf, lazyData, materializeData } from "./lazy-data.ts";
export { docCountOf, wireSizeOf } from "./request-measure.ts";
