/**
 * The ann backend (Jina's annlite): documents in a sqlite file (`<dataPath>/docs.db`), an HNSW index over their
 * embeddings, and filter columns kept beside each vector. The index is persisted incrementally: a snapshot
 * (`index.hnsw`) plus an append-only log (`index.hnsw.log`, see hnsw-log.ts). `flush()` appends what the batch
 * changed in the graph to the log and fsyncs it, then commits the documents with the same generation number;
 * when the log outgrows the snapshot (and on `close()`) the snapshot is rewritten and the log restarted, so the
 * bytes written stay proportional to the bytes indexed. On open the snapshot is read and the log replayed to the
 * committed generation; only when they cannot reach it (files deleted or damaged) is the index rebuilt from the
 * documents.
 *
 * Filters run during the HNSW search (a node that fails the filter is still a waypoint but never a result);
 * when that leaves fewer than `limit` results, the search falls back to an exact scan of the nodes that pass.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../../proto/errors.ts";
import type { DocumentProto } from "../../../proto/gen/docarray_pb.ts";
import { fileInfo, joinPath, makeDir, parentDir, truncateFile } from "../../../runtime/sync-files.ts";
import type { QueryFilter } from "../../query.ts";
import { topK } from "../../top-k.ts";
import type { AnnConfig, AnnMetric, DocumentStore, StoreHit } from "../contract.ts";
import { SqliteStore } from "../sqlite/sqlite-store.ts";
import { checkConfigKeys, checkVector, embeddingOf } from "../validate.ts";
import { columnValues, compileColumnFilter } from "./columns.ts";
import { Hnsw } from "./hnsw.ts";
import { readHnswFile, writeHnswFile } from "./hnsw-file.ts";
import { appendHnswLog, replayHnswLog, startHnswLog } from "./hnsw-log.ts";

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
  readonly #logFile: string;
  readonly #columnNames: string[];
  readonly #options: ConstructorParameters<typeof Hnsw>[0];
  #index: Hnsw;
  #ids: string[] = [];
  #columns: (Record<string, unknown> | null)[] = [];
  #nodeOf = new Map<string, number>();
  #generation = 0;
  #changed = false;
  /** The first node the next log record adds. */
  #loggedCount = 0;
  #logBytes = 0;
  #snapshotBytes = 0;
  /** Set when node numbers changed (a rebuild) or a commit failed: the next flush writes a snapshot. */
  #needsSnapshot = false;
  /** How the index was found on open: new (no documents yet), read from its files, or rebuilt from the documents. */
  #opened: "new" | "files" | "rebuilt" = "files";

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
    this.#logFile = joinPath(dir.path, "index.hnsw.log");
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

  /**
   * Bytes on disk of the index (snapshot + log), and how it was opened: `new` (no documents yet), `files`
   * (snapshot read, log replayed) or `rebuilt` (from the documents, when the files were missing, stale or damaged).
   *
   * @example
   * ```ts
   * store.indexFiles; // { snapshotBytes: 6_500_000, logBytes: 120_000, opened: "files" }
   * ```
   */
  get indexFiles(): { snapshotBytes: number; logBytes: number; opened: "new" | "files" | "rebuilt" } {
    return { snapshotBytes: this.#snapshotBytes, logBytes: this.#logBytes, opened: this.#opened };
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
   * Commits the documents and the index together (durable from here on): the graph's changes since the last
   * flush go to the log (fsynced), then the documents commit with the same generation. A crash between the two
   * leaves a log record whose generation never committed: it is cut off on the next open.
   */
  flush(): void {
    if (!this.#changed && !this.#docs.dirty) return;
    if (this.#index.deletedCount > this.#index.count / 2 && this.#index.count > 1000) {
      this.#rebuild();
      this.#needsSnapshot = true;
    }
    const next = this.#generation + 1;
    const logBefore = this.#logBytes;
    if (!this.#needsSnapshot) this.#appendLog(next);
    this.#docs.setState("generation", String(next));
    try {
      this.#docs.flush();
    } catch (error) {
      if (this.#logBytes !== logBefore) {
        truncateFile(this.#logFile, logBefore);
        this.#logBytes = logBefore;
        this.#needsSnapshot = true; // the changes were taken from the journal: save them whole next time
      }
      throw error;
    }
    this.#generation = next;
    this.#changed = false;
    if (this.#needsSnapshot || this.#logBytes > this.#snapshotBytes) this.#compact();
  }

  close(): void {
    try {
      this.flush();
      if (this.#logBytes > 16 || this.#needsSnapshot) this.#compact();
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

  /** The exact `limit` nearest live nodes that pass `accept` (the library's brute force over the index's vectors). */
  #exact(vector: Float32Array, limit: number, accept: (node: number) => boolean): { nodes: number[]; distances: number[] } {
    const index = this.#index;
    const metric = index.metric === "inner_product" ? "dot" : index.metric;
    const skip = (_query: number, node: number) => index.deleted[node] !== 0 || !accept(node);
    const [hits] = topK(index.vectors.subarray(0, index.count * index.dim), index.dim, vector, limit, metric, { skip });
    return { nodes: Array.from(hits?.rows ?? []), distances: Array.from(hits?.distances ?? []) };
  }

  #appendLog(generation: number): void {
    const { linked, deleted } = this.#index.takeChanges();
    const firstNew = this.#loggedCount;
    const count = this.#index.count;
    this.#logBytes = appendHnswLog(this.#logFile, this.#index, {
      generation,
      firstNew,
      linked,
      deleted,
      ids: this.#ids.slice(firstNew, count),
      columns: this.#columns.slice(firstNew, count),
    });
    this.#loggedCount = count;
  }

  /** Writes the snapshot at the committed generation and restarts the log from it. */
  #compact(): void {
    writeHnswFile(this.#indexFile, this.#index, { generation: this.#generation, ids: this.#ids, columns: this.#columns });
    this.#snapshotBytes = fileInfo(this.#indexFile).size;
    this.#index.takeChanges();
    this.#loggedCount = this.#index.count;
    this.#logBytes = startHnswLog(this.#logFile, this.#generation, this.dim);
    this.#needsSnapshot = false;
  }

  /** Reads the snapshot and replays the log to the committed generation; rebuilds from the documents if they cannot reach it. */
  #load(): void {
    const generation = Number(this.#docs.state("generation") ?? 0);
    this.#generation = generation;
    if (fileInfo(this.#indexFile).exists) {
      try {
        const [index, extra] = readHnswFile(this.#indexFile);
        if (index.dim !== this.dim) {
          throw new JinaError(`${this.#indexFile} holds ${index.dim}-d vectors but nDim is ${this.dim}: use the nDim it was built with, or another dataPath`, ErrorCode.FailedPrecondition);
        }
        const sameGraph = builtAsAsked(index, this.#options);
        // Settings the config leaves out are the file's, for a rebuild too.
        this.#options.maxConnection ??= index.M;
        this.#options.efConstruction ??= index.efConstruction;
        if (index.metric === this.#index.metric && sameGraph && extra.generation <= generation) {
          const replay = replayHnswLog(this.#logFile, index, extra, extra.generation, generation);
          const reached = replay?.generation ?? extra.generation;
          if (reached === generation) {
            this.#index = index;
            this.#index.efSearch = this.#options.efSearch ?? index.efSearch;
            this.#ids = extra.ids;
            this.#columns = extra.columns;
            extra.ids.forEach((id, node) => {
              if (index.deleted[node] === 0) this.#nodeOf.set(id, node);
            });
            this.#snapshotBytes = fileInfo(this.#indexFile).size;
            this.#loggedCount = index.count;
            if (!replay) this.#logBytes = startHnswLog(this.#logFile, generation, this.dim);
            else {
              if (replay.validBytes < replay.fileBytes) truncateFile(this.#logFile, replay.validBytes);
              this.#logBytes = replay.validBytes;
            }
            return;
          }
        }
      } catch (error) {
        if (error instanceof JinaError && /nDim is/.test(error.rawMessage)) throw error;
        // a stale or damaged index is rebuilt from the documents below
      }
    }
    this.#rebuild();
    this.#opened = this.#docs.count() === 0 && !fileInfo(this.#indexFile).exists ? "new" : "rebuilt";
    this.#compact();
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

/**
 * Whether a saved graph was built with the `maxConnection` and `efConstruction` the config asks for (a setting it
 * leaves out matches any). One built otherwise is rebuilt from the documents with the new settings, as for a changed
 * metric: changing them in the config must change the index, not be ignored.
 */
function builtAsAsked(index: Hnsw, asked: { maxConnection?: number | undefined; efConstruction?: number | undefined }): boolean {
  return (asked.maxConnection ?? index.M) === index.M && (asked.efConstruction ?? index.efConstruction) === index.efConstruction;
}
