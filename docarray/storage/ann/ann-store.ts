/**
 * The ann backend (Jina's annlite): documents in a sqlite file (`<dataPath>/docs.db`), an HNSW index over their
 * embeddings in `<dataPath>/index.hnsw`, and filter columns kept beside each vector. `flush()` commits the
 * documents with a generation number; the index file records the generation it was written at (on `close()`,
 * or when it falls far behind), and on open an index file from another generation is rebuilt from the documents.
 *
 * Filters run during the HNSW search (a node that fails the filter is still a waypoint but never a result);
 * when that leaves fewer than `limit` results, the search falls back to an exact scan of the nodes that pass.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../../proto/errors.ts";
import type { DocumentProto } from "../../../proto/gen/docarray_pb.ts";
import { fileInfo, joinPath, makeDir, parentDir } from "../../../runtime/sync-files.ts";
import type { QueryFilter } from "../../query.ts";
import type { AnnConfig, AnnMetric, DocumentStore, StoreHit } from "../contract.ts";
import { SqliteStore } from "../sqlite/sqlite-store.ts";
import { checkConfigKeys, checkVector, embeddingOf } from "../validate.ts";
import { columnValues, compileColumnFilter } from "./columns.ts";
import { Hnsw } from "./hnsw.ts";
import { readHnswFile, writeHnswFile } from "./hnsw-file.ts";

const configKeys = ["nDim", "metric", "dataPath", "efConstruction", "efSearch", "maxConnection", "columns", "tableName"] as const;

/**
 * A {@link DocumentStore} with an HNSW index.
 *
 * @example
 * ```ts
 * const store = new AnnStore({ nDim: 128, metric: "cosine", dataPath: "workspace/ann", columns: { price: "float" } });
 * store.upsert(docs.protos);
 * store.search(query, 10, { price: { $lt: 50 } });
 * store.close();
 * ```
 */
export class AnnStore implements DocumentStore {
  readonly backend = "ann";
  readonly location: string;
  readonly searchMetric: AnnMetric;
  readonly #docs: SqliteStore;
  readonly #indexFile: string;
  readonly #columnNames: string[];
  readonly #options: ConstructorParameters<typeof Hnsw>[0];
  #index: Hnsw;
  #ids: string[] = [];
  #columns: (Record<string, unknown> | null)[] = [];
  #nodeOf = new Map<string, number>();
  #generation = 0;
  #writtenGeneration = 0;
  #writtenAt = Date.now();
  #changesSinceWrite = 0;
  #changed = false;

  constructor(config: AnnConfig) {
    checkConfigKeys("ann", config, configKeys);
    if (typeof config.dataPath !== "string" || config.dataPath === "") {
      throw new JinaError(`storage "ann": config.dataPath (the index folder) is required`, ErrorCode.InvalidArgument);
    }
    const dir = fileInfo(config.dataPath);
    this.location = dir.path;
    if (!dir.exists) {
      const parent = fileInfo(parentDir(dir.path));
      if (!parent.exists) {
        throw new JinaError(`${dir.path}: its parent directory ${parent.path} does not exist: create it first (or fix dataPath)`, ErrorCode.NotFound);
      }
      makeDir(dir.path);
    } else if (!dir.isDirectory) {
      throw new JinaError(`${dir.path} is a file: dataPath must be a folder`, ErrorCode.InvalidArgument);
    }
    this.#options = {
      dim: config.nDim,
      metric: config.metric ?? "cosine",
      maxConnection: config.maxConnection,
      efConstruction: config.efConstruction,
      efSearch: config.efSearch,
    };
    this.#index = new Hnsw(this.#options);
    this.searchMetric = this.#index.metric;
    this.#columnNames = Object.keys(config.columns ?? {});
    this.#indexFile = joinPath(dir.path, "index.hnsw");
    this.#docs = new SqliteStore({ connection: joinPath(dir.path, "docs.db"), tableName: config.tableName ?? "docs" });
    try {
      this.#load();
    } catch (error) {
      this.#docs.close();
      throw error;
    }
  }

  get dim(): number {
    return this.#index.dim;
  }

  /** The HNSW index (for benchmarks and inspection). */
  get index(): Hnsw {
    return this.#index;
  }

  get version(): number {
    return this.#docs.version;
  }

  count(): number {
    return this.#docs.count();
  }

  at(index: number): DocumentProto | undefined {
    return this.#docs.at(index);
  }

  byId(id: string): DocumentProto | undefined {
    return this.#docs.byId(id);
  }

  range(start: number, end: number): DocumentProto[] {
    return this.#docs.range(start, end);
  }

  ids(): string[] {
    return this.#docs.ids();
  }

  upsert(protos: DocumentProto[]): void {
    const vectors = protos.map((proto) => {
      const vector = embeddingOf(proto);
      if (!vector) throw new JinaError(`${this.location}: push: document ${proto.id} has no embedding (the ann storage indexes embeddings): embed it first`, ErrorCode.InvalidArgument);
      checkVector(vector, this.dim, this.location, `push: document ${proto.id}`);
      return vector;
    });
    this.#docs.upsert(protos);
    protos.forEach((proto, i) => this.#add(proto, vectors[i] as Float32Array));
    this.#changed = true;
  }

  replaceAt(index: number, proto: DocumentProto): void {
    const old = this.#docs.at(index);
    const vector = embeddingOf(proto);
    if (!vector) throw new JinaError(`${this.location}: update: document ${proto.id} has no embedding`, ErrorCode.InvalidArgument);
    checkVector(vector, this.dim, this.location, `update: document ${proto.id}`);
    this.#docs.replaceAt(index, proto);
    if (old) this.#drop(old.id);
    this.#add(proto, vector);
    this.#changed = true;
  }

  deleteIds(ids: string[]): number {
    const deleted = this.#docs.deleteIds(ids);
    for (const id of ids) this.#drop(id);
    this.#changed = true;
    return deleted;
  }

  search(vector: Float32Array, limit: number, filter: QueryFilter | undefined): StoreHit[] {
    checkVector(vector, this.dim, this.location, "find: the query");
    const test = filter ? compileColumnFilter(filter, this.#columnNames, this.location) : undefined;
    const accept = test ? (node: number) => test(this.#columns[node] ?? null) : undefined;
    let { nodes, distances } = this.#index.search(vector, limit, accept);
    if (test && nodes.length < Math.min(limit, this.#index.size)) ({ nodes, distances } = this.#exact(vector, limit, accept as (node: number) => boolean));
    const hits: StoreHit[] = [];
    nodes.forEach((node, i) => {
      const proto = this.#docs.byId(this.#ids[node] as string);
      if (proto) hits.push({ proto, value: distances[i] as number });
    });
    return hits;
  }

  /**
   * Commits the documents (durable from here on). The index file is rewritten only when it is far behind — a
   * quarter of the vectors changed, or 30 s passed — or on `close()`: until then a crash costs a rebuild of the
   * index from the committed documents on the next open, never a document.
   */
  flush(force = false): void {
    if (this.#changed || this.#docs.dirty) {
      if (this.#index.deletedCount > this.#index.count / 2 && this.#index.count > 1000) this.#rebuild();
      this.#generation++;
      this.#docs.setState("generation", String(this.#generation));
      this.#docs.flush();
      this.#changed = false;
    }
    const behind = this.#generation - this.#writtenGeneration;
    if (behind === 0) return;
    const changedShare = this.#changesSinceWrite / Math.max(1, this.#index.size);
    if (force || changedShare >= 0.25 || Date.now() - this.#writtenAt > 30_000) {
      writeHnswFile(this.#indexFile, this.#index, { generation: this.#generation, ids: this.#ids, columns: this.#columns });
      this.#writtenGeneration = this.#generation;
      this.#writtenAt = Date.now();
      this.#changesSinceWrite = 0;
    }
  }

  close(): void {
    try {
      this.flush(true);
    } finally {
      this.#docs.close();
    }
  }

  describe(): string[] {
    const i = this.#index;
    return [
      `storage: ann (HNSW), folder ${this.location}: ${i.size} vectors of ${i.dim} (${i.metric}), M ${i.M}, efConstruction ${i.efConstruction}, efSearch ${i.efSearch}` +
        (this.#columnNames.length > 0 ? `, columns ${this.#columnNames.join(", ")}` : ""),
    ];
  }

  #add(proto: DocumentProto, vector: Float32Array): void {
    this.#drop(proto.id);
    const node = this.#index.add(vector);
    this.#changesSinceWrite++;
    this.#ids[node] = proto.id;
    this.#columns[node] = columnValues(proto, this.#columnNames);
    this.#nodeOf.set(proto.id, node);
  }

  #drop(id: string): void {
    const node = this.#nodeOf.get(id);
    if (node === undefined) return;
    this.#index.markDeleted(node);
    this.#nodeOf.delete(id);
  }

  #exact(vector: Float32Array, limit: number, accept: (node: number) => boolean): { nodes: number[]; distances: number[] } {
    const picked: number[] = [];
    for (let node = 0; node < this.#index.count; node++) {
      if (this.#index.deleted[node] === 0 && accept(node)) picked.push(node);
    }
    const distances = this.#index.distances(vector, picked);
    const scored = picked.map((node, i) => [distances[i] as number, node] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, limit);
    return { nodes: scored.map((s) => s[1]), distances: scored.map((s) => s[0]) };
  }

  /** Loads the index file when it matches the documents, else rebuilds it from them. */
  #load(): void {
    const generation = Number(this.#docs.state("generation") ?? 0);
    this.#generation = generation;
    if (fileInfo(this.#indexFile).exists) {
      try {
        const [index, extra] = readHnswFile(this.#indexFile);
        if (extra.generation === generation && index.dim === this.dim && index.metric === this.#index.metric) {
          this.#index = index;
          this.#writtenGeneration = generation;
          this.#index.efSearch = this.#options.efSearch ?? index.efSearch;
          this.#ids = extra.ids;
          this.#columns = extra.columns;
          extra.ids.forEach((id, node) => {
            if (index.deleted[node] === 0) this.#nodeOf.set(id, node);
          });
          return;
        }
        if (index.dim !== this.dim) {
          throw new JinaError(`${this.#indexFile} holds ${index.dim}-d vectors but nDim is ${this.dim}: use the nDim it was built with, or another dataPath`, ErrorCode.FailedPrecondition);
        }
      } catch (error) {
        if (error instanceof JinaError && /nDim is/.test(error.rawMessage)) throw error;
        // a stale or damaged index file is rebuilt from the documents below
      }
    }
    this.#rebuild();
    if (this.count() > 0) {
      this.#changed = true;
      this.flush(true);
    }
  }

  /** Rebuilds the index from the documents in the sqlite store (live documents only, in order). */
  #rebuild(): void {
    this.#index = new Hnsw(this.#options, Math.max(16, this.#docs.count()));
    this.#ids = [];
    this.#columns = [];
    this.#nodeOf.clear();
    const total = this.#docs.count();
    for (let start = 0; start < total; start += 1024) {
      for (const proto of this.#docs.range(start, start + 1024)) {
        const vector = embeddingOf(proto);
        if (vector && vector.length === this.dim) this.#add(proto, vector);
      }
    }
  }
}
