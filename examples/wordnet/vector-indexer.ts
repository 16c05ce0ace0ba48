/**
 * The WordNet flow's indexer until the package ships a persistent one: documents in memory, their L2-normalised
 * embeddings in one contiguous float32 matrix (exact cosine top-k), saved to the executor's workspace on `/flush`
 * and on close (the documents as one protobuf DocumentArray, the matrix as raw float32, then `index.json`), and
 * read back when it starts.
 *
 * Endpoints: `/index` (stores), `/search` (parameter `limit`, default 10, at least the option `candidates` when a
 * re-ranker follows: fills each query's matches, with
 * `scores.cosine` the cosine distance), `/flush` (saves now), `/status` (`{ count, dim }` in `__results__`).
 *
 * @module
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Document, DocumentArray, Executor, type ExecutorOptions, requests } from "../../mod.ts";
import { topK } from "../../docarray/mod.ts";

/** The files in the executor's workspace: the documents without embeddings, and the embeddings' matrix. */
const files = { docs: "documents.bin", matrix: "embeddings.f32", meta: "index.json" } as const;

/** Keeps documents and a float32 matrix of their L2-normalised embeddings; persists to its workspace. */
export class VectorIndexer extends Executor {
  #docs: Document[] = [];
  #matrix = new Float32Array(0);
  #dim = 0;
  #dirty = false;
  readonly #loaded: Promise<void>;

  readonly #candidates: number;

  constructor(options: ExecutorOptions & { candidates?: number } = {}) {
    super(options);
    this.#candidates = options.candidates ?? 0;
    this.#loaded = this.#load();
    this.#loaded.catch(() => {}); // reported by the first request
  }

  async #load(): Promise<void> {
    let meta: { count: number; dim: number };
    try {
      meta = JSON.parse(await readFile(join(this.workspace, files.meta), "utf8")) as { count: number; dim: number };
    } catch {
      return; // nothing saved yet
    }
    const docs = [...DocumentArray.fromBytes(await readFile(join(this.workspace, files.docs)))];
    const bytes = await readFile(join(this.workspace, files.matrix));
    if (docs.length !== meta.count || bytes.byteLength !== meta.count * meta.dim * 4) {
      throw new Error(`${this.workspace} holds a damaged index (${docs.length} documents, ${bytes.byteLength} bytes of embeddings); delete it to rebuild`);
    }
    this.#docs = docs;
    this.#dim = meta.dim;
    this.#matrix = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  #add(docs: Document[]): void {
    const embedded = docs.filter((doc) => doc.embedding);
    if (embedded.length === 0) return;
    this.#dim ||= embedded[0]!.embedding!.size;
    const start = this.#docs.length;
    const needed = (start + embedded.length) * this.#dim;
    if (needed > this.#matrix.length) {
      const grown = new Float32Array(Math.max(needed, this.#matrix.length * 2));
      grown.set(this.#matrix);
      this.#matrix = grown;
    }
    embedded.forEach((doc, i) => {
      const vector = doc.embedding!.toFloat64();
      if (vector.length !== this.#dim) throw new Error(`document ${doc.id} has a ${vector.length}-long embedding; the index holds ${this.#dim}`);
      let norm = 0;
      for (const value of vector) norm += value * value;
      norm = Math.sqrt(norm) || 1;
      const row = (start + i) * this.#dim;
      for (let k = 0; k < this.#dim; k++) this.#matrix[row + k] = vector[k]! / norm;
      doc.embedding = undefined; // kept once, in the matrix
      this.#docs.push(doc);
    });
    this.#dirty = true;
  }

  @requests("/index")
  async index({ docs }: { docs: DocumentArray }): Promise<void> {
    await this.#loaded;
    this.#add([...docs].map((doc) => doc.clone()));
  }

  @requests("/search")
  async search({ docs, parameters }: { docs: DocumentArray; parameters: Record<string, unknown> }): Promise<void> {
    await this.#loaded;
    const limit = Math.max(typeof parameters.limit === "number" ? parameters.limit : 10, this.#candidates);
    for (const query of docs) {
      const vector = query.embedding?.toFloat64();
      if (!vector || this.#dim === 0) continue;
      if (vector.length !== this.#dim) throw new Error(`the query has a ${vector.length}-long embedding; the index holds ${this.#dim}`);
      // Rows and query are unit vectors: "dot" (1 − inner product) is the cosine distance without the norms.
      const [hits] = topK(this.#matrix.subarray(0, this.#docs.length * this.#dim), this.#dim, Float32Array.from(vector), limit, "dot");
      hits?.rows.forEach((row, i) => {
        const match = this.#docs[row]!.clone();
        match.scores = { cosine: { value: hits.distances[i]! } };
        query.matches.push(match);
      });
    }
  }

  @requests("/flush")
  async flush(): Promise<void> {
    await this.#loaded;
    if (!this.#dirty) return;
    await mkdir(this.workspace, { recursive: true });
    const count = this.#docs.length;
    const write = async (file: string, bytes: Uint8Array | string) => {
      const path = join(this.workspace, file);
      await writeFile(`${path}.tmp`, bytes);
      await rename(`${path}.tmp`, path);
    };
    await write(files.docs, new DocumentArray(this.#docs).toBytes());
    await write(files.matrix, new Uint8Array(this.#matrix.buffer, 0, count * this.#dim * 4));
    await write(files.meta, JSON.stringify({ count, dim: this.#dim })); // last: the index is whole once this exists
    this.#dirty = false;
  }

  @requests("/status")
  async status(): Promise<{ count: number; dim: number }> {
    await this.#loaded;
    return { count: this.#docs.length, dim: this.#dim };
  }

  override async close(): Promise<void> {
    await this.flush();
  }
}
