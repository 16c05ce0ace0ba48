/**
 * A bounded max-heap of (distance, row) pairs for top-k selection: keeps the k smallest seen, in O(log k) per
 * kept pair, and nothing for the (usual) pairs that are worse than the worst kept.
 *
 * @module
 */
import type { TopKResult } from "./top-k.ts";

/**
 * The `capacity` smallest (distance, row) pairs seen, as a max-heap on (distance, row): the root is the worst kept.
 *
 * @example
 * ```ts
 * const heap = new BoundedHeap(2);
 * for (const [d, row] of [[0.5, 0], [0.1, 1], [0.3, 2]]) if (heap.accepts(d, row)) heap.push(d, row);
 * heap.sorted().rows; // Int32Array [1, 2]
 * ```
 */
export class BoundedHeap {
  #capacity: number;
  #distances: Float64Array;
  #rows: Int32Array;
  #size = 0;
  /**
   * A distance no kept pair beats: `!(d >= limit)` is a quick pre-check before {@link accepts} (NaN while the
   * heap is not full, so everything passes it).
   */
  limit = Number.NaN;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#distances = new Float64Array(Math.min(capacity, 1024));
    this.#rows = new Int32Array(this.#distances.length);
  }

  /** Pairs kept. */
  get size(): number {
    return this.#size;
  }

  /**
   * Empties the heap for reuse, with a new capacity (the HNSW search reuses one heap per layer search).
   *
   * @example
   * ```ts
   * heap.reset(200);
   * ```
   */
  reset(capacity: number): void {
    this.#capacity = capacity;
    this.#size = 0;
    this.limit = Number.NaN;
  }

  /** True when (distance, row) would be kept (NaN distances sort last, as in a sort by `a - b`). */
  accepts(distance: number, row: number): boolean {
    if (this.#size < this.#capacity) return true;
    if (this.#capacity === 0) return false;
    return worse(this.#distances[0] as number, this.#rows[0] as number, distance, row);
  }

  /** Adds (distance, row), dropping the worst kept when full. Call only when {@link accepts} said so. */
  push(distance: number, row: number): void {
    if (this.#size === this.#distances.length && this.#size < this.#capacity) this.#grow();
    const d = this.#distances;
    const r = this.#rows;
    let at: number;
    if (this.#size < this.#capacity) {
      at = this.#size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(distance, row, d[parent] as number, r[parent] as number)) break;
        d[at] = d[parent] as number;
        r[at] = r[parent] as number;
        at = parent;
      }
    } else at = this.#siftDown(distance, row);
    d[at] = distance;
    r[at] = row;
    if (this.#size === this.#capacity) this.limit = d[0] as number;
  }

  /**
   * Empties the heap into `rows` and `distances` (each at least {@link size} long), closest first; returns how
   * many. Allocates nothing, so a caller that reuses its arrays (the HNSW search) sorts for free.
   *
   * @example
   * ```ts
   * const n = heap.drainInto(rows, distances);
   * ```
   */
  drainInto(rows: Int32Array, distances: Float64Array): number {
    const n = this.#size;
    const d = this.#distances;
    const r = this.#rows;
    for (let end = n - 1; end >= 0; end--) {
      rows[end] = r[0] as number;
      distances[end] = d[0] as number;
      const lastD = d[end] as number;
      const lastR = r[end] as number;
      this.#size = end;
      if (end > 0) {
        const at = this.#siftDown(lastD, lastR);
        d[at] = lastD;
        r[at] = lastR;
      }
    }
    this.limit = Number.NaN;
    return n;
  }

  /** Where (distance, row) settles when put at the root: moves worse children up; returns the free slot. */
  #siftDown(distance: number, row: number): number {
    const d = this.#distances;
    const r = this.#rows;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.#size) break;
      const right = left + 1;
      const child = right < this.#size && worse(d[right] as number, r[right] as number, d[left] as number, r[left] as number) ? right : left;
      if (worse(distance, row, d[child] as number, r[child] as number)) break;
      d[at] = d[child] as number;
      r[at] = r[child] as number;
      at = child;
    }
    return at;
  }

  /** The kept pairs, closest first (ties by row). */
  sorted(): TopKResult {
    const order = Array.from({ length: this.#size }, (_, i) => i);
    const d = this.#distances;
    const r = this.#rows;
    order.sort((a, b) => (worse(d[a] as number, r[a] as number, d[b] as number, r[b] as number) ? 1 : -1));
    return { rows: Int32Array.from(order, (i) => r[i] as number), distances: Float64Array.from(order, (i) => d[i] as number) };
  }

  #grow(): void {
    const length = Math.min(this.#capacity, this.#distances.length * 2);
    const distances = new Float64Array(length);
    const rows = new Int32Array(length);
    distances.set(this.#distances);
    rows.set(this.#rows);
    this.#distances = distances;
    this.#rows = rows;
  }
}

/** (d1, r1) ranks after (d2, r2): larger distance, NaN after numbers, then larger row. */
function worse(d1: number, r1: number, d2: number, r2: number): boolean {
  if (d1 !== d2) {
    if (d1 !== d1) return d2 === d2; // NaN is worst unless both NaN
    if (d2 !== d2) return false;
    return d1 > d2;
  }
  return r1 > r2;
}
