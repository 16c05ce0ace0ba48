/**
 * `DocumentArray`: a list of documents that is a view over a `DocumentProto[]` (a `DocumentArrayProto`'s `docs`,
 * or a document's `chunks`/`matches`). Indexing, look-up by id, bulk attributes, batching, the query language,
 * nearest-neighbour `find`/`match`, and (de)serialization.
 *
 * @module
 */
import { clone, create } from "@bufbuild/protobuf";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import {
  type DocumentArrayProto,
  DocumentArrayProtoSchema,
  type DocumentProto,
  DocumentProtoSchema,
} from "../proto/gen/docarray_pb.ts";
import { Document, type DocumentInit } from "./document.ts";
import { type DocumentJson, documentToJSON } from "./document-json.ts";
import { documentArrayFromJSON } from "./document-array-json.ts";
import { isTypedArray } from "./dtype.ts";
import { type FindOptions, nearestMatches, stackEmbeddings } from "./match.ts";
import { NdArray, type NdArrayInit } from "./ndarray.ts";
import { compileQuery, type QueryFilter } from "./query.ts";
import type { StorageOptions } from "./storage/contract.ts";
import { isStorageOptions, openStoredArray } from "./storage/registry.ts";
import { summarize } from "./summary.ts";
import { attributeOf } from "./api/attributes.ts";
import { mapConcurrent } from "./api/concurrency.ts";
import { csvToDocuments, parseCsv } from "./api/csv.ts";
import { idsOnly } from "./api/custom-metric.ts";
import { type EvaluateOptions, evaluateMatches } from "./api/evaluate.ts";
import { globToRegex } from "./api/glob.ts";
import { traverseFlat } from "./api/traversal.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { fileInfo, listFiles, readBytes } from "../runtime/sync-files.ts";
import { decodeDocumentArray, encodeDocumentArray } from "./wire/codec.ts";

type Holder = Record<string, unknown>;
type Key = "docs" | "chunks" | "matches";

let adopting: [Holder, Key] | undefined;

/**
 * A view over the `key` list of `holder` (`proto.chunks`, `proto.matches`): the view follows the list even
 * when the field is reassigned. Internal to docarray/ (used by `Document.chunks`/`matches`).
 *
 * @example
 * ```ts
 * const matches = documentArrayView(doc.proto, "matches");
 * ```
 */
export function documentArrayView(holder: DocumentProto, key: "chunks" | "matches"): DocumentArray {
  adopting = [holder as unknown as Holder, key];
  return new DocumentArray();
}

/**
 * A list of {@link Document}s over a `DocumentProto[]`, without copies: documents pushed in are shared, and
 * `at(i)` wraps the i-th message.
 *
 * @example
 * ```ts
 * const docs = new DocumentArray([{ text: "a" }, new Document({ text: "b" })]);
 * docs.texts; // ["a", "b"]
 * for (const doc of docs) doc.tags.seen = true;
 * const hits = docs.find({ text: { $regex: "^a" } });
 * ```
 */
export class DocumentArray implements Iterable<Document> {
  #holder: Holder;
  #key: Key;

  constructor(docs?: Iterable<Document | DocumentInit> | StorageOptions) {
    if (adopting) {
      [this.#holder, this.#key] = adopting;
      adopting = undefined;
      return;
    }
    this.#holder = create(DocumentArrayProtoSchema) as unknown as Holder;
    this.#key = "docs";
    if (isStorageOptions(docs)) {
      const stored = openStoredArray(docs);
      if (stored) return stored;
    } else if (docs) for (const doc of docs) this.protos.push(toDocument(doc).proto);
  }

  /** Where the documents live: `memory`, `sqlite` or `ann`. */
  get storage(): string {
    return "memory";
  }

  /**
   * Makes every change durable (a no-op in memory; a committed transaction for sqlite and ann).
   *
   * @example
   * ```ts
   * docs.push(...batch);
   * docs.flush(); // now on disk
   * ```
   */
  flush(): void {}

  /**
   * Flushes and releases the storage (a no-op in memory).
   *
   * @example
   * ```ts
   * docs.close();
   * ```
   */
  close(): void {}

  /** `using docs = new DocumentArray({ storage, config })` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using docs = new DocumentArray({ storage, config })` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /**
   * Wraps a `DocumentArrayProto` (following its `docs` field) or a `DocumentProto[]`, without copying.
   *
   * @example
   * ```ts
   * const docs = DocumentArray.fromProto(request.data.documents.value);
   * ```
   */
  static fromProto(proto: DocumentArrayProto | DocumentProto[]): DocumentArray {
    adopting = [(Array.isArray(proto) ? { docs: proto } : proto) as unknown as Holder, "docs"];
    return new DocumentArray();
  }

  /**
   * Reads the binary `DocumentArrayProto` (docarray's `protobuf-array`).
   *
   * @example
   * ```ts
   * DocumentArray.fromBytes(docs.toBytes()).length === docs.length; // true
   * ```
   */
  static fromBytes(bytes: Uint8Array): DocumentArray {
    return DocumentArray.fromProto(decodeDocumentArray(bytes));
  }

  /**
   * Reads a list of doc dicts (Jina's HTTP JSON shape), or `{ docs: [...] }`. Throws a `JinaError`
   * (InvalidArgument) naming the item and field, e.g. `data[3].embedding: expected a list of numbers, got "abc"`.
   *
   * @example
   * ```ts
   * DocumentArray.fromJSON([{ text: "a" }, { text: "b" }]).length; // 2
   * ```
   */
  static fromJSON(json: unknown, path = "data"): DocumentArray {
    return DocumentArray.fromProto(documentArrayFromJSON(json, path));
  }

  /** The underlying messages (the live list: pushing into it adds documents). */
  get protos(): DocumentProto[] {
    return this.#holder[this.#key] as DocumentProto[];
  }

  /**
   * A `DocumentArrayProto` whose `docs` is this array's list (no copy).
   *
   * @example
   * ```ts
   * const bytes = encodeDocumentArray(docs.toProto());
   * ```
   */
  toProto(): DocumentArrayProto {
    if (this.#key === "docs" && "$typeName" in this.#holder) return this.#holder as unknown as DocumentArrayProto;
    const proto = create(DocumentArrayProtoSchema);
    proto.docs = this.protos;
    return proto;
  }

  /** The number of documents. */
  get length(): number {
    return this.protos.length;
  }

  /**
   * The document at `index` (negative counts from the end), or undefined.
   *
   * @example
   * ```ts
   * docs.at(-1)?.id;
   * ```
   */
  at(index: number): Document | undefined {
    const proto = this.protos.at(index);
    return proto ? Document.fromProto(proto) : undefined;
  }

  /**
   * The first document with this id, or undefined.
   *
   * @example
   * ```ts
   * docs.get("a")?.text;
   * ```
   */
  get(id: string): Document | undefined;
  /** With a list of fields: one list of values per field (docarray's `da[:, ['id', 'text']]`). */
  get(fields: string[]): unknown[][];
  get(key: string | string[]): Document | undefined | unknown[][] {
    if (Array.isArray(key)) return key.map((field) => this.getAttributes(field));
    const id = key;
    const proto = this.protos.find((p) => p.id === id);
    return proto ? Document.fromProto(proto) : undefined;
  }

  /**
   * True when a document with this id is in the array.
   *
   * @example
   * ```ts
   * docs.has("a"); // true
   * ```
   */
  has(id: string): boolean {
    return this.protos.some((p) => p.id === id);
  }

  /**
   * Appends documents (a `Document` is shared, a `DocumentInit` is built) and returns the new length.
   *
   * @example
   * ```ts
   * doc.matches.push({ id: "m", scores: { cosine: { value: 0.5 } } });
   * ```
   */
  push(...docs: (Document | DocumentInit)[]): number {
    const protos = this.protos;
    for (const doc of docs) protos.push(toDocument(doc).proto);
    return protos.length;
  }

  /**
   * Removes the documents with this id; returns how many were removed.
   *
   * @example
   * ```ts
   * docs.remove("a"); // 1
   * ```
   */
  remove(id: string): number {
    const protos = this.protos;
    let kept = 0;
    for (const proto of protos) if (proto.id !== id) protos[kept++] = proto;
    const removed = protos.length - kept;
    protos.length = kept;
    return removed;
  }

  /**
   * Replaces the document at `index` (negative counts from the end) or with id `key`; throws when absent.
   *
   * @example
   * ```ts
   * docs.set(0, { id: "a", text: "new" });
   * ```
   */
  set(key: number | string, doc: Document | DocumentInit): void {
    const protos = this.protos;
    const index = typeof key === "number" ? (key < 0 ? protos.length + key : key) : protos.findIndex((p) => p.id === key);
    if (!(index >= 0 && index < protos.length)) {
      throw new JinaError(`set: no document at ${JSON.stringify(key)} (length ${protos.length})`, ErrorCode.NotFound);
    }
    protos[index] = toDocument(doc).proto;
  }

  /**
   * Removes the document at `index` (negative counts from the end); returns it, or undefined when out of range.
   *
   * @example
   * ```ts
   * docs.removeAt(-1);
   * ```
   */
  removeAt(index: number): Document | undefined {
    const protos = this.protos;
    const at = index < 0 ? protos.length + index : index;
    if (!(at >= 0 && at < protos.length)) return undefined;
    const [removed] = protos.splice(at, 1);
    return removed ? Document.fromProto(removed) : undefined;
  }

  /** Iterates the documents. */
  *[Symbol.iterator](): Iterator<Document> {
    for (const proto of this.protos) yield Document.fromProto(proto);
  }

  /**
   * Maps every document.
   *
   * @example
   * ```ts
   * docs.map((doc) => doc.id);
   * ```
   */
  map<T>(fn: (doc: Document, index: number) => T): T[] {
    return this.protos.map((proto, index) => fn(Document.fromProto(proto), index));
  }

  /**
   * The documents passing `fn`, as a new DocumentArray sharing the same documents.
   *
   * @example
   * ```ts
   * docs.filter((doc) => doc.text !== undefined);
   * ```
   */
  filter(fn: (doc: Document, index: number) => boolean): DocumentArray {
    return DocumentArray.fromProto(this.protos.filter((proto, index) => fn(Document.fromProto(proto), index)));
  }

  /**
   * A slice sharing the same documents.
   *
   * @example
   * ```ts
   * docs.slice(0, 10);
   * ```
   */
  slice(start?: number, end?: number): DocumentArray {
    return DocumentArray.fromProto(this.protos.slice(start, end));
  }

  /** The ids. */
  get ids(): string[] {
    return this.protos.map((p) => p.id);
  }

  /** The texts (`""` for a document without text, as docarray); setting assigns them in order. */
  get texts(): string[] {
    return this.protos.map((p) => (p.content.case === "text" ? p.content.value : ""));
  }
  set texts(values: string[]) {
    this.#checkLength(values.length, "texts");
    this.protos.forEach((p, i) => (p.content = { case: "text", value: values[i] ?? "" }));
  }

  /**
   * The embeddings as one n×d matrix (a copy; float32 when every embedding is `<f4`, float64 otherwise), or
   * undefined when a document has none. Setting a matrix (or number[][]) gives each document a row view.
   */
  get embeddings(): NdArray | undefined {
    return stackEmbeddings(this.protos.map((p) => Document.fromProto(p).embedding));
  }
  set embeddings(value: NdArrayInit | undefined) {
    if (value === undefined) {
      for (const proto of this.protos) proto.embedding = undefined;
      return;
    }
    const matrix = NdArray.from(value);
    this.#checkLength(matrix.shape[0] ?? 0, "embeddings");
    this.protos.forEach((p, i) => (p.embedding = matrix.row(i).toProto()));
  }

  /** The tensors stacked into one array (as {@link embeddings}), or undefined when a document has none. */
  get tensors(): NdArray | undefined {
    return stackEmbeddings(this.protos.map((p) => Document.fromProto(p).tensor));
  }

  /**
   * Consecutive batches of `size` documents (the last may be shorter), each sharing the documents.
   *
   * @example
   * ```ts
   * for (const batch of docs.batch(32)) await encode(batch);
   * ```
   */
  *batch(size: number): Iterable<DocumentArray> {
    if (!(Number.isInteger(size) && size > 0)) {
      throw new JinaError(`batch size must be a positive integer, got ${size}`, ErrorCode.InvalidArgument);
    }
    const protos = this.protos;
    for (let at = 0; at < protos.length; at += size) yield DocumentArray.fromProto(protos.slice(at, at + size));
  }

  /**
   * A new DocumentArray with this array's documents followed by the others' (documents shared).
   *
   * @example
   * ```ts
   * const all = a.concat(b, [{ text: "c" }]);
   * ```
   */
  concat(...others: Iterable<Document | DocumentInit>[]): DocumentArray {
    const out = DocumentArray.fromProto([...this.protos]);
    for (const other of others) {
      if (other instanceof DocumentArray) out.protos.push(...other.protos);
      else for (const doc of other) out.push(doc);
    }
    return out;
  }

  /**
   * A deep copy (new messages).
   *
   * @example
   * ```ts
   * const copy = docs.clone();
   * ```
   */
  clone(): DocumentArray {
    return DocumentArray.fromProto(this.protos.map((p) => clone(DocumentProtoSchema, p)));
  }

  /**
   * A short text table: length, which attributes are set on how many documents, embedding shape and dtype.
   *
   * @example
   * ```ts
   * console.log(docs.summary());
   * ```
   */
  summary(): string {
    return summarize(this.protos);
  }

  /**
   * With a filter: the documents matching Jina's query language (`{ "tags__price": { $gte: 50 } }`, `$and`,
   * `$or`, `$not`, `$eq $ne $gt $gte $lt $lte $in $nin $regex $size $exists`), sharing the documents.
   * With a vector or a document: its nearest documents by embedding, as copies carrying `scores[metric]`.
   *
   * @example
   * ```ts
   * docs.find({ text: { $regex: "^hello" }, "tags__lang": "en" });
   * docs.find(new Float32Array([0.1, 0.9]), { metric: "cosine", limit: 3 });
   * ```
   */
  find(query: QueryFilter): DocumentArray;
  find(query: NdArrayInit | Document, options?: FindOptions): DocumentArray;
  find(query: QueryFilter | NdArrayInit | Document, options: FindOptions = {}): DocumentArray {
    if (isFilter(query)) {
      const test = compileQuery(query);
      return DocumentArray.fromProto(this.protos.filter((p) => test(Document.fromProto(p))));
    }
    const vector = query instanceof Document ? query.embedding : NdArray.from(query);
    if (!vector) throw new JinaError(`find: the query document ${query instanceof Document ? query.id : ""} has no embedding`, ErrorCode.InvalidArgument);
    const pool = options.on ? DocumentArray.fromProto(traverseFlat(this.protos, options.on)) : this;
    const candidates = options.filter ? pool.find(options.filter) : pool;
    const excluded = options.excludeSelf && query instanceof Document ? [query.id] : [];
    const matches = nearestMatches([vector], candidates.protos, options, excluded)[0] ?? [];
    return DocumentArray.fromProto(options.onlyId ? idsOnly(matches) : matches);
  }

  /**
   * For every document of this array, finds its nearest documents in `other` by embedding and stores them in
   * `doc.matches` (replacing earlier matches) as copies carrying `scores[metric] = { value: distance }`,
   * closest first. Returns this array.
   *
   * @example
   * ```ts
   * queries.match(index, { metric: "cosine", limit: 5 });
   * queries.at(0)?.matches.at(0)?.scores.cosine?.value;
   * ```
   */
  match(other: DocumentArray, options: FindOptions = {}): this {
    const queries = this.map((doc, i) => {
      const embedding = doc.embedding;
      if (!embedding) throw new JinaError(`match: document ${i} (id ${doc.id}) has no embedding`, ErrorCode.InvalidArgument);
      return embedding;
    });
    const pool = options.on ? DocumentArray.fromProto(traverseFlat(other.protos, options.on)) : other;
    const candidates = options.filter ? pool.find(options.filter) : pool;
    const results = nearestMatches(queries, candidates.protos, options, options.excludeSelf ? this.ids : []);
    this.protos.forEach((p, i) => (p.matches = options.onlyId ? idsOnly(results[i] ?? []) : results[i] ?? []));
    return this;
  }

  /**
   * The binary `DocumentArrayProto` (docarray's `protobuf-array`).
   *
   * @example
   * ```ts
   * const bytes = docs.toBytes();
   * ```
   */
  toBytes(): Uint8Array {
    return encodeDocumentArray(this.toProto());
  }

  /**
   * A list of doc dicts in Jina's HTTP JSON shape.
   *
   * @example
   * ```ts
   * JSON.stringify(docs); // uses toJSON
   * ```
   */
  toJSON(): DocumentJson[] {
    return this.protos.map(documentToJSON);
  }

  /** Shown by `console.log` / `util.inspect` (Node, Deno, Bun): the summary table. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.summary();
  }

  /**
   * `n` empty documents with fresh ids (docarray's `DocumentArray.empty`).
   *
   * @example
   * ```ts
   * DocumentArray.empty(3).length; // 3
   * ```
   */
  static empty(n: number): DocumentArray {
    if (!(Number.isInteger(n) && n >= 0)) throw new JinaError(`empty: n must be a non-negative integer, got ${n}`, ErrorCode.InvalidArgument);
    return new DocumentArray(Array.from({ length: n }, () => new Document()));
  }

  /**
   * One document per row of a matrix, the row as its `tensor` (docarray's default) or `embedding`.
   *
   * @example
   * ```ts
   * DocumentArray.fromNdarray([[1, 2], [3, 4]], { field: "embedding" }).embeddings?.shape; // [2, 2]
   * ```
   */
  static fromNdarray(matrix: NdArrayInit, options: { field?: "tensor" | "embedding" } = {}): DocumentArray {
    const array = NdArray.from(matrix);
    const rows = array.shape[0] ?? 0;
    return new DocumentArray(Array.from({ length: rows }, (_, i) => ({ [options.field ?? "tensor"]: array.row(i) })));
  }

  /**
   * Documents from CSV (`text`, or `{ path }` to read a file): the header names the fields; `id`, `text`, `uri`,
   * … set those attributes, other columns become tags. `fieldResolver` renames columns first.
   *
   * @example
   * ```ts
   * DocumentArray.fromCsv("id,question,lang\na,hi?,en\n", { fieldResolver: { question: "text" } }).texts; // ["hi?"]
   * ```
   */
  static fromCsv(source: string | { path: string }, options: { fieldResolver?: Record<string, string>; delimiter?: string; size?: number } = {}): DocumentArray {
    const text = typeof source === "string" ? source : new TextDecoder().decode(readBytes(source.path));
    return new DocumentArray(csvToDocuments(parseCsv(text, options.delimiter), options.fieldResolver, options.size));
  }

  /**
   * One document per file matching a glob (`*`, `?`, `**`, `{a,b}`), with `uri` the absolute path; `readMode`
   * `"r"` loads the text, `"rb"` the bytes as `blob`. Sorted by path; `size` caps the count.
   *
   * @example
   * ```ts
   * DocumentArray.fromFiles("data/**\/*.txt", { readMode: "r" }).texts;
   * ```
   */
  static fromFiles(glob: string | string[], options: { readMode?: "r" | "rb"; size?: number } = {}): DocumentArray {
    const out = new DocumentArray();
    for (const pattern of Array.isArray(glob) ? glob : [glob]) {
      const [base, regex] = globToRegex(pattern);
      if (!fileInfo(base).isDirectory) continue;
      for (const path of listFiles(base, regex)) {
        if (out.length >= (options.size ?? Infinity)) return out;
        const init: DocumentInit = { uri: path };
        if (options.readMode === "r") init.text = new TextDecoder().decode(readBytes(path));
        if (options.readMode === "rb") init.blob = readBytes(path);
        out.push(init);
      }
    }
    return out;
  }

  /**
   * Reads {@link toBase64}'s output.
   *
   * @example
   * ```ts
   * DocumentArray.fromBase64(docs.toBase64()).length === docs.length; // true
   * ```
   */
  static fromBase64(text: string): DocumentArray {
    const bytes = decodeBase64(text);
    if (!bytes) throw new JinaError("fromBase64: not base64 text", ErrorCode.InvalidArgument);
    return DocumentArray.fromBytes(bytes);
  }

  /**
   * The binary `DocumentArrayProto` as base64 text.
   *
   * @example
   * ```ts
   * const text = docs.toBase64();
   * ```
   */
  toBase64(): string {
    return encodeBase64(this.toBytes());
  }

  /**
   * One field of every document: an attribute (`text`, `mime_type`, …) or a tag path `tags__a__b`.
   *
   * @example
   * ```ts
   * docs.getAttributes("tags__lang"); // ["en", "de"]
   * ```
   */
  getAttributes(field: string): unknown[] {
    return this.map((doc) => attributeOf(doc, field));
  }

  /**
   * The documents a traversal path reaches, flattened (`"@r"`, `"@c"`, `"@m"`, `"@cm"`, `"@r[:3]"`, `"@c,m"`),
   * sharing the documents.
   *
   * @example
   * ```ts
   * docs.traverseFlat("@c").length; // every chunk
   * ```
   */
  traverseFlat(path: string): DocumentArray {
    return DocumentArray.fromProto(traverseFlat(this.protos, path));
  }

  /**
   * Selects documents by a boolean mask (one entry per document), by indexes, or by ids (docarray's
   * `da[[True, False]]`, `da[[0, 2]]`, `da[['a', 'b']]`), sharing the documents.
   *
   * @example
   * ```ts
   * docs.pick(docs.map((d) => d.text !== undefined));
   * ```
   */
  pick(keys: boolean[] | number[] | string[]): DocumentArray {
    const protos = this.protos;
    if (keys.length > 0 && typeof keys[0] === "boolean") {
      this.#checkLength(keys.length, "mask");
      return DocumentArray.fromProto(protos.filter((_, i) => keys[i] === true));
    }
    const byId = typeof keys[0] === "string" ? new Map(protos.map((p) => [p.id, p])) : undefined;
    return DocumentArray.fromProto(keys.map((key) => {
      const proto = byId ? byId.get(key as string) : protos.at(key as number);
      if (!proto) throw new JinaError(`pick: no document ${JSON.stringify(key)}`, ErrorCode.NotFound);
      return proto;
    }));
  }

  /**
   * Sets every document's embedding from `encoder`, called on batches of `batchSize` (default 256) documents
   * and returning one row per document; at most `concurrency` batches at once (default 1). Returns this array.
   *
   * @example
   * ```ts
   * await docs.embed((batch) => batch.texts.map(hashEmbed), { batchSize: 64 });
   * ```
   */
  async embed(encoder: (batch: DocumentArray) => NdArrayInit | Promise<NdArrayInit>, options: { batchSize?: number; concurrency?: number } = {}): Promise<this> {
    await this.mapBatch(async (batch) => {
      batch.embeddings = await encoder(batch);
    }, options);
    return this;
  }

  /**
   * Runs `fn` on batches of `batchSize` documents (default 256), at most `concurrency` at once; results in order.
   *
   * @example
   * ```ts
   * const counts = await docs.mapBatch((batch) => batch.length, { batchSize: 100, concurrency: 4 });
   * ```
   */
  mapBatch<T>(fn: (batch: DocumentArray, index: number) => T | Promise<T>, options: { batchSize?: number; concurrency?: number } = {}): Promise<T[]> {
    return mapConcurrent([...this.batch(options.batchSize ?? 256)], fn, options.concurrency ?? 1);
  }

  /**
   * Runs `fn` on every document (it may change the document in place), at most `concurrency` at once (default
   * 1). Returns this array.
   *
   * @example
   * ```ts
   * await docs.apply(async (doc) => { doc.text = doc.text?.trim(); }, { concurrency: 8 });
   * ```
   */
  async apply(fn: (doc: Document, index: number) => unknown, options: { concurrency?: number } = {}): Promise<this> {
    await mapConcurrent([...this], fn, options.concurrency ?? 1);
    return this;
  }

  /**
   * Scores each document's matches against its ground-truth document's matches (`recall_at_k`,
   * `precision_at_k`, `ndcg_at_k`, `reciprocal_rank`, `hit_at_k`, `average_precision`, `f1_score_at_k`, or
   * `[name, fn]`), stores `evaluations[metric]` on each document and returns each metric's mean.
   *
   * @example
   * ```ts
   * queries.match(index, { limit: 10 }).evaluate(truth, { metrics: ["recall_at_k", "ndcg_at_k"], k: 10 });
   * ```
   */
  evaluate(groundTruth: DocumentArray, options: EvaluateOptions = {}): Record<string, number> {
    return evaluateMatches(this.protos, groundTruth.protos, options);
  }

  #checkLength(length: number, field: string): void {
    if (length !== this.length) {
      throw new JinaError(`${field}: got ${length} values for ${this.length} documents`, ErrorCode.InvalidArgument);
    }
  }
}

function toDocument(doc: Document | DocumentInit): Document {
  return doc instanceof Document ? doc : new Document(doc);
}

function isFilter(query: unknown): query is QueryFilter {
  return (
    typeof query === "object" && query !== null && !Array.isArray(query) && !isTypedArray(query) &&
    !(query instanceof NdArray) && !(query instanceof Document)
  );
}
