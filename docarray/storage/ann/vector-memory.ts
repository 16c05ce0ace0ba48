/**
 * The HNSW's vectors in one contiguous block, with the batch distance kernels over them: in WebAssembly linear
 * memory with the SIMD kernels of simd-module.ts where the runtime has WebAssembly SIMD, else in an ArrayBuffer
 * with the same kernels in TypeScript. Layout: the query (scratch), the ids of a batch, its results, then the
 * vectors, `nDim` float32 each, node after node.
 *
 * @module
 */
import { dot, squaredDistance } from "../../top-k.ts";
import { simdModule } from "./simd-module.ts";

/** What a kernel computes: the inner product, or the squared L2 distance. */
export type DistanceKind = "dot" | "l2";

type Kernel = (query: number, ids: number, count: number, base: number, stride: number, out: number) => void;

const page = 65536;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * Vectors plus scratch space, and `compute(query, count)`: for `k < count`, `out[k]` = kernel(query, vector
 * `ids[k]`).
 *
 * @example
 * ```ts
 * const memory = new VectorMemory(128, 1024, "dot");
 * memory.vectors.set(embedding, 0);
 * memory.query.set(query);
 * memory.ids[0] = 0;
 * memory.compute(memory.queryOffset, 1);
 * memory.out[0]; // the inner product
 * ```
 */
export class VectorMemory {
  /** How many ids one {@link compute} takes at most. */
  static readonly maxBatch = 1024;
  readonly dim: number;
  /** Bytes per vector. */
  readonly stride: number;
  readonly kind: DistanceKind;
  /** Byte offset of {@link query}. */
  readonly queryOffset = 0;
  /** True when the WebAssembly SIMD kernels run. */
  readonly simd: boolean;
  vectors!: Float32Array;
  query!: Float32Array;
  ids!: Int32Array;
  out!: Float32Array;
  readonly #idsOffset: number;
  readonly #outOffset: number;
  readonly #base: number;
  #capacity = 0;
  #memory: WebAssembly.Memory | undefined;
  #buffer: ArrayBuffer | undefined;
  #kernel: Kernel;

  constructor(dim: number, capacity: number, kind: DistanceKind, options: { simd?: boolean } = {}) {
    this.dim = dim;
    this.stride = dim * 4;
    this.kind = kind;
    this.#idsOffset = align16(this.stride);
    this.#outOffset = this.#idsOffset + VectorMemory.maxBatch * 4;
    this.#base = align16(this.#outOffset + VectorMemory.maxBatch * 4);
    const module = options.simd === false ? null : simdModule();
    this.simd = module !== null;
    const bytes = this.#bytesFor(capacity);
    if (module) {
      this.#memory = new WebAssembly.Memory({ initial: bytes / page });
      const exports = new WebAssembly.Instance(module, { env: { memory: this.#memory } }).exports;
      this.#kernel = exports[kind] as Kernel;
    } else {
      this.#buffer = new ArrayBuffer(bytes);
      this.#kernel = (query, _ids, count, base, stride) => this.#typescript(query, count, base, stride);
    }
    this.#views(capacity);
  }

  /** Vectors it holds room for. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Byte offset of vector `node` (a query for {@link compute}). */
  offsetOf(node: number): number {
    return this.#base + node * this.stride;
  }

  /** `out[k]` = kernel(the vector at byte offset `query`, vector `ids[k]`) for `k < count` (≤ maxBatch). */
  compute(query: number, count: number): void {
    this.#kernel(query, this.#idsOffset, count, this.#base, this.stride, this.#outOffset);
  }

  /** Makes room for `capacity` vectors, keeping those stored (views are replaced). */
  grow(capacity: number): void {
    if (capacity <= this.#capacity) return;
    const bytes = this.#bytesFor(capacity);
    if (this.#memory) {
      const have = this.#memory.buffer.byteLength;
      if (bytes > have) this.#memory.grow((bytes - have) / page);
    } else {
      const next = new ArrayBuffer(bytes);
      new Uint8Array(next).set(new Uint8Array(this.#buffer as ArrayBuffer));
      this.#buffer = next;
    }
    this.#views(capacity);
  }

  #bytesFor(capacity: number): number {
    return Math.ceil((this.#base + Math.max(1, capacity) * this.stride) / page) * page;
  }

  #views(capacity: number): void {
    // Deno types WebAssembly.Memory's buffer as ArrayBuffer | SharedArrayBuffer; ours is never shared.
    const buffer = (this.#memory ? this.#memory.buffer : this.#buffer) as ArrayBuffer;
    this.#capacity = Math.floor((buffer.byteLength - this.#base) / this.stride);
    this.query = new Float32Array(buffer, this.queryOffset, this.dim);
    this.ids = new Int32Array(buffer, this.#idsOffset, VectorMemory.maxBatch);
    this.out = new Float32Array(buffer, this.#outOffset, VectorMemory.maxBatch);
    this.vectors = new Float32Array(buffer, this.#base, Math.max(capacity, this.#capacity) * this.dim);
    this.#all = new Float32Array(buffer);
  }

  #all = new Float32Array(0);
  /** The query as float64, for top-k.ts's kernels (their second operand). */
  #query64 = new Float64Array(0);

  /** The TypeScript kernels: top-k.ts's `dot` / `squaredDistance` from the query (copied) to each vector. */
  #typescript(query: number, count: number, base: number, stride: number): void {
    const dim = this.dim;
    if (this.#query64.length !== dim) this.#query64 = new Float64Array(dim);
    const q = this.#query64;
    q.set(this.#all.subarray(query / 4, query / 4 + dim));
    const all = this.#all;
    const ids = this.ids;
    const out = this.out;
    const kernel = this.kind === "dot" ? dot : squaredDistance;
    for (let k = 0; k < count; k++) out[k] = kernel(all, (base + (ids[k] as number) * stride) / 4, q, 0, dim);
  }
}
