/**
 * A {@link DocumentArray} whose documents live in a {@link DocumentStore} (sqlite, ann). It behaves like the
 * in-memory array; documents read through `at`, `get` or iteration may be changed in place and are written back
 * at the next `flush()`/`close()` or before the next explicit change (only those whose bytes changed). Until
 * then, reading the same id again returns the same document.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import type { DocumentProto } from "../../proto/gen/docarray_pb.ts";
import { encodeDocument } from "../wire/codec.ts";
import { Document, type DocumentInit } from "../document.ts";
import { DocumentArray } from "../document-array.ts";
import { type FindOptions, nearestMatches } from "../match.ts";
import { NdArray, type NdArrayInit } from "../ndarray.ts";
import type { QueryFilter } from "../query.ts";
import { summarize } from "../summary.ts";
import type { DocumentStore } from "./contract.ts";
import { checkVector } from "./validate.ts";
import { idsOnly } from "../api/custom-metric.ts";
import { toNamedScoreProto } from "../named-score.ts";

const pageSize = 512;

/**
 * Documents handed out (by `at`, `get`, iteration, `filter`, `batch`) are kept, with their bytes at the time, so
 * that changes made to them in place are written back. Past this many, the ones held so far are compared and
 * written back at once, so a long read-only workload (an indexer serving lookups) holds a bounded number of them.
 */
export const lentDocumentLimit = 2048;

/**
 * The DocumentArray returned by `new DocumentArray({ storage: "sqlite" | "ann", config })`.
 *
 * @example
 * ```ts
 * await using docs = new DocumentArray({ storage: "sqlite", config: { connection: "docs.db" } });
 * docs.push({ text: "hello" });
 * docs.flush();
 * ```
 */
export class StoredDocumentArray extends DocumentArray {
  readonly #store: DocumentStore;
  #lent = new Map<string, [DocumentProto, Uint8Array]>();
  #closed = false;
  #snapshot: [number, DocumentProto[]] | undefined;

  constructor(store: DocumentStore) {
    super();
    this.#store = store;
  }

  /** The backend. */
  get store(): DocumentStore {
    return this.#store;
  }

  override get storage(): string {
    return this.#store.backend;
  }

  /**
   * Every document, read once and cached until the store changes (read-only use: changes made through this
   * list are not written back; `filter`, `batch`, `find` and iteration hand out documents that are).
   */
  override get protos(): DocumentProto[] {
    this.#writeBack();
    const version = this.#store.version;
    if (this.#snapshot?.[0] !== version) this.#snapshot = [version, this.#store.range(0, this.#store.count())];
    return this.#snapshot[1];
  }

  override filter(fn: (doc: Document, index: number) => boolean): DocumentArray {
    return this.#lendAll(super.filter(fn));
  }

  override *batch(size: number): Iterable<DocumentArray> {
    for (const part of super.batch(size)) yield this.#lendAll(part);
  }

  override match(other: DocumentArray, options: FindOptions = {}): this {
    new DocumentArray([...this]).match(other, options);
    return this;
  }

  override get length(): number {
    return this.#store.count();
  }

  override at(index: number): Document | undefined {
    const at = index < 0 ? this.length + index : index;
    return at >= 0 ? this.#lend(this.#store.at(at)) : undefined;
  }

  override get(id: string): Document | undefined;
  override get(fields: string[]): unknown[][];
  override get(key: string | string[]): Document | undefined | unknown[][] {
    if (Array.isArray(key)) return super.get(key);
    return this.#lend(this.#store.byId(key));
  }

  override has(id: string): boolean {
    return this.#store.byId(id) !== undefined;
  }

  override push(...docs: (Document | DocumentInit)[]): number {
    this.#writeBack();
    this.#store.upsert(docs.map((doc) => (doc instanceof Document ? doc : new Document(doc)).proto));
    return this.length;
  }

  override set(key: number | string, doc: Document | DocumentInit): void {
    const proto = (doc instanceof Document ? doc : new Document(doc)).proto;
    this.#writeBack();
    if (typeof key === "string") {
      if (!this.has(key)) throw new JinaError(`${this.#store.location}: set: no document with id ${key}`, ErrorCode.NotFound);
      if (key !== proto.id) this.#store.deleteIds([key]);
      this.#store.upsert([proto]);
      return;
    }
    const length = this.length;
    const at = key < 0 ? length + key : key;
    if (!(at >= 0 && at < length)) throw new JinaError(`${this.#store.location}: set: no document at ${key} (length ${length})`, ErrorCode.NotFound);
    this.#store.replaceAt(at, proto);
  }

  override remove(id: string): number {
    this.#writeBack();
    return this.#store.deleteIds([id]);
  }

  override removeAt(index: number): Document | undefined {
    this.#writeBack();
    const doc = this.at(index);
    if (doc) this.#store.deleteIds([doc.id]);
    this.#lent.clear();
    return doc;
  }

  override *[Symbol.iterator](): Iterator<Document> {
    for (let start = 0; ; start += pageSize) {
      const page = this.#store.range(start, start + pageSize);
      for (const proto of page) yield this.#lend(proto) as Document;
      if (page.length < pageSize) return;
    }
  }

  override slice(start?: number, end?: number): DocumentArray {
    const length = this.length;
    const norm = (i: number | undefined, fallback: number) =>
      i === undefined ? fallback : Math.min(length, Math.max(0, i < 0 ? length + i : i));
    return DocumentArray.fromProto(this.#store.range(norm(start, 0), norm(end, length)));
  }

  override get ids(): string[] {
    return this.#store.ids();
  }

  override get texts(): string[] {
    return super.texts;
  }
  override set texts(values: string[]) {
    const protos = this.protos;
    DocumentArray.fromProto(protos).texts = values;
    this.#store.upsert(protos);
  }

  override get embeddings(): NdArray | undefined {
    return super.embeddings;
  }
  override set embeddings(value: NdArrayInit | undefined) {
    const protos = this.protos;
    DocumentArray.fromProto(protos).embeddings = value;
    this.#store.upsert(protos);
  }

  override summary(): string {
    return [summarize(this.protos), ...this.#store.describe()].join("\n");
  }

  override find(query: QueryFilter): DocumentArray;
  override find(query: NdArrayInit | Document, options?: FindOptions): DocumentArray;
  override find(query: QueryFilter | NdArrayInit | Document, options: FindOptions = {}): DocumentArray {
    if (isVectorQuery(query)) {
      if (options.on || typeof options.metric === "function") return DocumentArray.fromProto(this.protos).find(query, options);
      const vector = query instanceof Document ? query.embedding : NdArray.from(query);
      if (vector) {
        const matches = this.#nearest(vector, options, query instanceof Document ? query.id : undefined);
        return DocumentArray.fromProto(options.onlyId ? idsOnly(matches) : matches);
      }
    }
    return this.#lendAll(super.find(query as QueryFilter));
  }

  /** Matches `queries` against this stored array (the backend's own index when it has one). */
  matchInto(queries: DocumentArray, options: FindOptions = {}): DocumentArray {
    for (const query of queries) {
      const vector = query.embedding;
      if (!vector) throw new JinaError(`match: query ${query.id} has no embedding`, ErrorCode.InvalidArgument);
      query.matches = DocumentArray.fromProto(this.#nearest(vector, options, options.excludeSelf ? query.id : undefined));
    }
    return queries;
  }

  override flush(): void {
    this.#writeBack();
    this.#store.flush();
  }

  override close(): void {
    if (this.#closed) return;
    try {
      this.#writeBack();
    } finally {
      this.#closed = true;
      this.#store.close();
    }
  }

  #nearest(vector: NdArray, options: FindOptions, excluded: string | undefined): DocumentProto[] {
    const values = vector.data instanceof Float32Array ? vector.data : Float32Array.from(vector.toFloat64());
    checkVector(values, this.#store.dim, this.#store.location, "find: the query");
    const limit = options.limit ?? 20;
    if (this.#store.search) {
      if (options.metric !== undefined && options.metric !== this.#store.searchMetric) {
        throw new JinaError(`${this.#store.location}: find: the index is built for ${this.#store.searchMetric}, not ${String(options.metric)}: leave metric out, or use another storage`, ErrorCode.InvalidArgument);
      }
      this.#writeBack();
      const hits = this.#store.search(values, limit + (excluded ? 1 : 0), options.filter);
      const metric = options.metricName ?? this.#store.searchMetric ?? "cosine";
      return hits.filter((hit) => hit.proto.id !== excluded).slice(0, limit).map(({ proto, value }) => {
        proto.matches = [];
        proto.scores[metric] = toNamedScoreProto({ value });
        return proto;
      });
    }
    const candidates = options.filter ? DocumentArray.fromProto(this.protos).find(options.filter).protos : this.protos;
    return nearestMatches([vector], candidates, options, [excluded])[0] ?? [];
  }

  /** The same documents, each registered for write-back (or replaced by the copy already lent). */
  #lendAll(docs: DocumentArray): DocumentArray {
    return DocumentArray.fromProto(docs.protos.map((proto) => (this.#lend(proto) as Document).proto));
  }

  #lend(proto: DocumentProto | undefined): Document | undefined {
    if (!proto) return undefined;
    const known = this.#lent.get(proto.id);
    if (known) return Document.fromProto(known[0]);
    if (this.#lent.size >= lentDocumentLimit) this.#writeBack();
    this.#lent.set(proto.id, [proto, encodeDocument(proto)]);
    return Document.fromProto(proto);
  }

  /** Writes back lent documents whose bytes changed. */
  #writeBack(): void {
    if (this.#lent.size === 0) return;
    const lent = this.#lent;
    this.#lent = new Map();
    const changed: DocumentProto[] = [];
    const renamed: string[] = [];
    for (const [id, [proto, bytes]] of lent) {
      const now = encodeDocument(proto);
      if (!sameBytes(now, bytes)) {
        changed.push(proto);
        if (proto.id !== id) renamed.push(id);
      }
    }
    if (renamed.length > 0) this.#store.deleteIds(renamed);
    this.#store.upsert(changed);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isVectorQuery(query: unknown): query is NdArrayInit | Document {
  return query instanceof Document || query instanceof NdArray || Array.isArray(query) || ArrayBuffer.isView(query);
}
