/**
 * The HNSW search's candidate queue: a binary min-heap of (distance, node) pairs on typed arrays, reused from
 * one search to the next (no allocation per push). Its result list is the shared bounded max-heap
 * (docarray/bounded-heap.ts, the one under `topK`).
 *
 * @module
 */

/**
 * A min-heap of (distance, node) pairs, nearest first (ties: lower node first).
 *
 * @example
 * ```ts
 * const heap = new MinHeap();
 * heap.push(0.5, 3);
 * heap.push(0.2, 7);
 * heap.topNode; // 7
 * ```
 */
export class MinHeap {
  #dist = new Float64Array(256);
  #node = new Int32Array(256);
  size = 0;

  get topDistance(): number {
    return this.#dist[0] as number;
  }

  get topNode(): number {
    return this.#node[0] as number;
  }

  /** Empties it (keeps its storage). */
  clear(): void {
    this.size = 0;
  }

  push(d: number, n: number): void {
    if (this.size === this.#dist.length) this.#grow();
    const dist = this.#dist;
    const node = this.#node;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = dist[parent] as number;
      if (p < d || (p === d && (node[parent] as number) <= n)) break;
      dist[i] = p;
      node[i] = node[parent] as number;
      i = parent;
    }
    dist[i] = d;
    node[i] = n;
  }

  pop(): void {
    const dist = this.#dist;
    const node = this.#node;
    const size = --this.size;
    if (size === 0) return;
    const lastD = dist[size] as number;
    const lastN = node[size] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && less(dist[right] as number, node[right] as number, dist[child] as number, node[child] as number)) child = right;
      if (!less(dist[child] as number, node[child] as number, lastD, lastN)) break;
      dist[i] = dist[child] as number;
      node[i] = node[child] as number;
      i = child;
    }
    dist[i] = lastD;
    node[i] = lastN;
  }

  #grow(): void {
    const dist = new Float64Array(this.#dist.length * 2);
    const node = new Int32Array(this.#node.length * 2);
    dist.set(this.#dist);
    node.set(this.#node);
    this.#dist = dist;
    this.#node = node;
  }
}

function less(d1: number, n1: number, d2: number, n2: number): boolean {
  return d1 < d2 || (d1 === d2 && n1 < n2);
}
