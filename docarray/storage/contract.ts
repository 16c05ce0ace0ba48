/**
 * The storage contract: what a backend (sqlite, ann) implements so that a {@link DocumentArray} opened with
 * `new DocumentArray({ storage, config })` behaves like the in-memory array, plus the options that select it.
 *
 * @module
 */
import type { DocumentProto } from "../../proto/gen/docarray_pb.ts";
import type { Metric } from "../match.ts";
import type { QueryFilter } from "../query.ts";

/** Options of the sqlite backend (Jina's `config` for `storage='sqlite'`, in camelCase). */
export interface SqliteConfig {
  /** The database file (created if absent; its directory must exist). Default `docarray.db` in the cwd. */
  connection?: string;
  /** The table of documents (default `docs`); Jina's `metadata` table records it with the schema version. */
  tableName?: string;
  /** `NORMAL` (default: a committed flush survives a process crash) or `FULL` (also survives power loss). */
  synchronous?: "NORMAL" | "FULL";
  /** How long to wait for another process's write lock before failing, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Open an existing file read-only (no writes allowed). */
  readOnly?: boolean;
}

/** Options of the ann backend (Jina's annlite): HNSW over a sqlite document store in `dataPath`. */
export interface AnnConfig {
  /** Embedding dimension (required). */
  nDim: number;
  /** `cosine` (default), `euclidean` or `inner_product`. */
  metric?: AnnMetric;
  /** Folder holding `docs.db` and `index.hnsw` (created if absent; its parent must exist). */
  dataPath: string;
  /** Candidate list size while building (default 200). */
  efConstruction?: number;
  /** Candidate list size while searching (default 256; raised to `limit` when smaller). */
  efSearch?: number;
  /** Links per node per layer, `M` (default 16; 32 on layer 0). */
  maxConnection?: number;
  /** Tag fields usable in `find({ filter })`: `{ price: "float", category: "str" }`. */
  columns?: Record<string, "str" | "float" | "int" | "bool">;
  /** The sqlite table of documents (default `docs`). */
  tableName?: string;
}

/** The metrics the ann backend supports. */
export type AnnMetric = "cosine" | "euclidean" | "inner_product";

/**
 * How a DocumentArray is stored: `memory` (the default), `sqlite` or `ann` (alias `annlite`).
 *
 * @example
 * ```ts
 * const options: StorageOptions = { storage: "sqlite", config: { connection: "docs.db", tableName: "docs" } };
 * const docs = new DocumentArray(options);
 * ```
 */
export type StorageOptions =
  | { storage: "memory"; config?: Record<string, never> }
  | { storage: "sqlite"; config?: SqliteConfig }
  | { storage: "ann" | "annlite"; config: AnnConfig };

/** One nearest-neighbour hit from a backend's own index. */
export interface StoreHit {
  /** The document. */
  proto: DocumentProto;
  /** Its distance (lower is closer). */
  value: number;
}

/**
 * What a storage backend implements. Indexes are positions in insertion order; ids are unique (pushing an id
 * that exists replaces that document in place).
 *
 * @example
 * ```ts
 * const store: DocumentStore = openSqliteStore({ connection: "docs.db" });
 * store.upsert([doc.proto]);
 * store.flush();
 * ```
 */
export interface DocumentStore {
  /** `sqlite` or `ann`. */
  readonly backend: string;
  /** The file or folder the documents live in (named in errors). */
  readonly location: string;
  /** The embedding size documents must have, once known. */
  readonly dim: number | undefined;
  /** A number that changes whenever the stored documents change (readers cache against it). */
  readonly version: number;
  /** How many documents. */
  count(): number;
  /** The document at `index` (0-based, already normalised to 0 ≤ index < count). */
  at(index: number): DocumentProto | undefined;
  /** The document with this id. */
  byId(id: string): DocumentProto | undefined;
  /** Documents `start` ≤ i < `end`, in order. */
  range(start: number, end: number): DocumentProto[];
  /** Every id, in order. */
  ids(): string[];
  /** Adds documents, replacing those whose id exists (in place). */
  upsert(protos: DocumentProto[]): void;
  /** Replaces the document at `index` (its id may change). */
  replaceAt(index: number, proto: DocumentProto): void;
  /** Deletes documents by id; returns how many were deleted. */
  deleteIds(ids: string[]): number;
  /** Makes every change so far durable (a committed transaction, the index file written). */
  flush(): void;
  /** Flushes and releases the file. */
  close(): void;
  /** The backend's own nearest-neighbour search, when it has one (ann). */
  search?(vector: Float32Array, limit: number, filter: QueryFilter | undefined): StoreHit[];
  /** The metric of {@link search} as docarray names it. */
  readonly searchMetric?: Metric | "inner_product";
  /** Lines the summary adds (backend, file, sizes). */
  describe(): string[];
}
