/**
 * Storage backends for DocumentArray, one folder each: `sqlite` (Jina's table layout, protobuf documents, WAL)
 * and `ann` (HNSW beside a sqlite document store, like Jina's annlite). `memory` is the plain DocumentArray.
 * Importing this module registers them with `new DocumentArray({ storage, config })`.
 *
 * @example
 * ```ts
 * import { DocumentArray } from "jina-ts/docarray";
 * await using docs = new DocumentArray({ storage: "sqlite", config: { connection: "docs.db", tableName: "docs" } });
 * docs.push({ text: "hello" });
 * docs.flush();
 * ```
 *
 * @module
 */
import { openStore } from "./open-store.ts";
import { setStorageOpener } from "./registry.ts";
import { StoredDocumentArray } from "./stored-document-array.ts";

setStorageOpener((options) => new StoredDocumentArray(openStore(options)));

export { StoredDocumentArray } from "./stored-document-array.ts";
export { SqliteStore } from "./sqlite/sqlite-store.ts";
export { MemoryStore } from "./memory/memory-store.ts";
export { AnnStore } from "./ann/ann-store.ts";
export { Hnsw } from "./ann/hnsw.ts";
export type { HnswOptions } from "./ann/hnsw.ts";
export type { AnnConfig, AnnMetric, DocumentStore, SqliteConfig, StorageOptions, StoreHit } from "./contract.ts";
