/**
 * A binary heap of (distance, node) pairs on parallel arrays, ordered smallest-first or largest-first: the
 * candidate and result queues of the HNSW search.
 *
 * @module
 */

/**
 * A heap of (distance, node) pairs.
 *
 * @example
 * ```ts
 * const heap = new PairHeap(true); // max-heap
 * heap.push(0.5, 3);
 * heap.topDistance; // 0.5
 * ```
 */
export class PairHeap {
  dist: number[] = [];
  node: number[] = [];
  readonly #max: boolean;

  constructor(max: boolean) {
    this.#max = max;
  }

  get size(): number {
    return this.dist.length;
  }

  get topDistance(): number {
    return this.dist[0] as number;
  }

  get topNode(): number {
    return this.node[0] as number;
  }

  push(d: number, n: number): void {
    const dist = this.dist;
    const node = this.node;
    let i = dist.length;
    dist.push(d);
    node.push(n);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = dist[parent] as number;
      if (this.#max ? p >= d : p <= d) break;
      dist[i] = p;
      node[i] = node[parent] as number;
      i = parent;
    }
    dist[i] = d;
    node[i] = n;
  }

  pop(): void {
    const dist = this.dist;
    const node = this.node;
    const lastD = dist.pop() as number;
    const lastN = node.pop() as number;
    const size = dist.length;
    if (size === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && (this.#max ? (dist[right] as number) > (dist[child] as number) : (dist[right] as number) < (dist[child] as number))) child = right;
      const c = dist[child] as number;
      if (this.#max ? c <= lastD : c >= lastD) break;
      dist[i] = c;
      node[i] = node[child] as number;
      i = child;
    }
    dist[i] = lastD;
    node[i] = lastN;
  }

  /** The pairs sorted by ascending distance (empties the heap). */
  drainAscending(): [number[], number[]] {
    const pairs = this.dist.map((d, i) => [d, this.node[i] as number] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.dist = [];
    this.node = [];
    return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
  }
}
