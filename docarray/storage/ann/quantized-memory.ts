/**
 * An int8 copy of the HNSW's vectors for the search's graph walk: each vector scaled by its own largest
 * |value| to −127…127 (`scale` = largest / 127 kept beside it), zero-padded to a multiple of 16 bytes, in a
 * WebAssembly memory of its own with simd-module.ts's `dot8` kernel (exact integer inner products, eight int16
 * lanes at a time). A quarter of the float32 bytes per vector, so a walk that reads thousands of vectors at random
 * waits on memory a quarter as long; the search re-scores its final candidates on the float32 vectors, so
 * reported distances are exact.
 *
 * @module
 */
import { VectorMemory } from "./vector-memory.ts";
import { simdModule } from "./simd-module.ts";

const page = 65536;
const align16 = (n: number) => Math.ceil(n / 16) * 16;
type Kernel = (query: number, ids: number, count: number, base: number, stride: number, out: number) => void;

/**
 * Int8 codes of float32 vectors and `compute(count)`: for `k < count`, `out[k]` ≈ the inner product of the query
 * and vector `ids[k]` (squared L2 when built for `l2`), from the codes.
 *
 * @example
 * ```ts
 * const codes = QuantizedMemory.create(128, "dot");
 * codes?.sync(vectors, 0, count);
 * codes?.setQuery(query);
 * ```
 */
export class QuantizedMemory {
  readonly dim: number;
  /** Bytes per code (nDim rounded up to 16). */
  readonly stride: number;
  readonly l2: boolean;
  /** Vectors encoded so far (nodes 0 … synced − 1). */
  synced = 0;
  ids!: Int32Array;
  out!: Float32Array;
  #codes!: Int8Array;
  #scales = new Float32Array(0);
  #norms = new Float32Array(0);
  #queryScale = 0;
  #queryNorm = 0;
  readonly #memory: WebAssembly.Memory;
  readonly #kernel: Kernel;
  readonly #idsOffset: number;
  readonly #outOffset: number;
  readonly #base: number;
  #capacity = 0;

  /** A quantized memory, or undefined where WebAssembly SIMD is missing (the search then walks on float32). */
  static create(dim: number, kind: "dot" | "l2"): QuantizedMemory | undefined {
    const module = simdModule();
    return module ? new QuantizedMemory(dim, kind, module) : undefined;
  }

  private constructor(dim: number, kind: "dot" | "l2", module: WebAssembly.Module) {
    this.dim = dim;
    this.stride = align16(dim);
    this.l2 = kind === "l2";
    this.#idsOffset = this.stride;
    this.#outOffset = this.#idsOffset + VectorMemory.maxBatch * 4;
    this.#base = this.#outOffset + VectorMemory.maxBatch * 4;
    this.#memory = new WebAssembly.Memory({ initial: 1 });
    this.#kernel = new WebAssembly.Instance(module, { env: { memory: this.#memory } }).exports.dot8 as Kernel;
    this.#grow(1024);
  }

  /** Encodes vectors `from … to − 1` of `vectors` (nDim float32 each). */
  sync(vectors: Float32Array, from: number, to: number): void {
    if (to > this.#capacity) this.#grow(Math.max(to, this.#capacity * 2));
    for (let node = from; node < to; node++) {
      const [scale, norm] = this.#encode(vectors, node * this.dim, this.#base + node * this.stride);
      this.#scales[node] = scale;
      this.#norms[node] = norm;
    }
    this.synced = Math.max(this.synced, to);
  }

  /** Encodes the query (nDim float32 at `at` in `values`) for the next {@link compute} calls. */
  setQuery(values: Float32Array, at: number): void {
    [this.#queryScale, this.#queryNorm] = this.#encode(values, at, 0);
  }

  /**
   * Approximate distances from the query to vectors `ids[0 … count − 1]` into `into`: 1 − inner product, or
   * squared L2 (‖q‖² + ‖v‖² − 2 q·v).
   */
  compute(count: number, into: Float64Array): void {
    this.#kernel(0, this.#idsOffset, count, this.#base, this.stride, this.#outOffset);
    const out = this.out;
    const ids = this.ids;
    const scales = this.#scales;
    const qs = this.#queryScale;
    if (this.l2) {
      const norms = this.#norms;
      const qn = this.#queryNorm;
      for (let k = 0; k < count; k++) {
        const id = ids[k] as number;
        into[k] = qn + (norms[id] as number) - 2 * (out[k] as number) * qs * (scales[id] as number);
      }
    } else {
      for (let k = 0; k < count; k++) into[k] = 1 - (out[k] as number) * qs * (scales[ids[k] as number] as number);
    }
  }

  /** Writes the code of `values[at … at + nDim)` at byte `to`; returns its scale and squared norm. */
  #encode(values: Float32Array, at: number, to: number): [number, number] {
    let max = 0;
    let norm = 0;
    for (let j = at; j < at + this.dim; j++) {
      const v = values[j] as number;
      norm += v * v;
      if (Math.abs(v) > max) max = Math.abs(v);
    }
    const codes = this.#codes;
    const factor = max > 0 ? 127 / max : 0;
    for (let j = 0; j < this.dim; j++) codes[to + j] = Math.round((values[at + j] as number) * factor);
    return [max / 127, norm];
  }

  #grow(capacity: number): void {
    const bytes = this.#base + capacity * this.stride;
    const have = this.#memory.buffer.byteLength;
    if (bytes > have) this.#memory.grow(Math.ceil((bytes - have) / page));
    const buffer = this.#memory.buffer as ArrayBuffer;
    this.#capacity = Math.floor((buffer.byteLength - this.#base) / this.stride);
    this.ids = new Int32Array(buffer, this.#idsOffset, VectorMemory.maxBatch);
    this.out = new Float32Array(buffer, this.#outOffset, VectorMemory.maxBatch);
    this.#codes = new Int8Array(buffer);
    const scales = new Float32Array(this.#capacity);
    scales.set(this.#scales.subarray(0, Math.min(this.#scales.length, scales.length)));
    this.#scales = scales;
    const norms = new Float32Array(this.#capacity);
    norms.set(this.#norms.subarray(0, Math.min(this.#norms.length, norms.length)));
    this.#norms = norms;
  }
}
