/**
 * HNSW (Malkov & Yashunin): a layered proximity graph for approximate nearest-neighbour search, in TypeScript
 * over one contiguous block of float32 vectors whose distances are computed in batches by a WebAssembly SIMD
 * kernel (vector-memory.ts; a TypeScript kernel where SIMD is missing), so it runs the same on Node, Deno and Bun.
 * Follows hnswlib: the neighbour-selection heuristic, `M` links per upper layer and `2·M` on layer 0, deletions
 * as tombstones (skipped in results, still traversed), and filters applied during the layer-0 search. The hot
 * loop allocates nothing: links, levels and flags are typed arrays, the candidate queue and result list are
 * reused heaps, and a node's unvisited neighbours are scored in one kernel call.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../../proto/errors.ts";
import type { AnnMetric } from "../contract.ts";
import { BoundedHeap } from "../../bounded-heap.ts";
import { MinHeap } from "./heap.ts";
import { QuantizedMemory } from "./quantized-memory.ts";
import { VectorMemory } from "./vector-memory.ts";

/**
 * Options of {@link Hnsw}.
 *
 * @example
 * ```ts
 * const options: HnswOptions = { dim: 128, metric: "cosine", maxConnection: 16, efConstruction: 200, efSearch: 64 };
 * ```
 */
export interface HnswOptions {
  /** Vector size. */
  dim: number;
  /** `cosine` (1 − cos), `euclidean` (L2) or `inner_product` (1 − dot). Default cosine. */
  metric?: AnnMetric | undefined;
  /** `M`: links per node on upper layers (layer 0 keeps 2·M). Default 16. */
  maxConnection?: number | undefined;
  /** Candidate list while inserting. Default 200. */
  efConstruction?: number | undefined;
  /** Candidate list while searching (at least `limit`). Default 256: recall@10 1.000 on 100,000 clustered and low-rank 128-d vectors (bench/hnsw.ts; uniform random data needs M 32 and efSearch 512 for 0.95, see the README). */
  efSearch?: number | undefined;
  /** Seed of the level generator (default 100, as hnswlib). */
  seed?: number | undefined;
  /** Use the WebAssembly SIMD kernel when the runtime has it (default true; false forces the TypeScript one). */
  simd?: boolean | undefined;
  /**
   * Walk the graph on int8 codes of the vectors while searching, then re-score the `efSearch` candidates on the
   * float32 vectors (default true where WebAssembly SIMD runs; inserts always use float32, so the graph is the
   * same either way).
   */
  quantizedSearch?: boolean | undefined;
}

/** A search result: node numbers and their distances, closest first. */
export interface HnswResult {
  nodes: number[];
  distances: number[];
}

/**
 * An HNSW index of vectors numbered 0, 1, 2, … in insertion order.
 *
 * @example
 * ```ts
 * const index = new Hnsw({ dim: 2, metric: "euclidean" });
 * index.add(Float32Array.of(0, 0));
 * index.add(Float32Array.of(3, 4));
 * index.search(Float32Array.of(3, 3), 1).distances; // [1]
 * ```
 */
export class Hnsw {
  readonly dim: number;
  readonly metric: AnnMetric;
  readonly M: number;
  readonly M0: number;
  readonly efConstruction: number;
  efSearch: number;
  /** Nodes added, deleted ones included. */
  count = 0;
  /** Deleted nodes (tombstones). */
  deletedCount = 0;
  entry = -1;
  maxLevel = -1;
  levels: Int32Array;
  /** Layer-0 links: per node `[count, n1, …, nM0]`. */
  links0: Int32Array;
  /** Upper-layer links: per node, for layers 1..level, `[count, n1, …, nM]` each. */
  upper: (Int32Array | undefined)[] = [];
  deleted: Uint8Array;
  /** 1 for each node whose links changed since {@link takeChanges} (the journal of an incremental save). */
  #changedFlag: Uint8Array;
  #changedNodes: number[] = [];
  #deletedSince: number[] = [];
  #visited: Uint32Array;
  #epoch = 0;
  #rng: number;
  readonly #mL: number;
  readonly #normalize: boolean;
  /** True for cosine and inner_product (distance 1 − dot), false for euclidean (squared L2 inside). */
  readonly #dot: boolean;
  readonly #memory: VectorMemory;
  /** Int8 codes for the search's walk (undefined without SIMD or with `quantizedSearch: false`). */
  #codes: QuantizedMemory | undefined;
  /** Distances of one batch, from either kernel. */
  readonly #batch = new Float64Array(VectorMemory.maxBatch);
  readonly #candidates = new MinHeap();
  readonly #results = new BoundedHeap(1);
  /** Scratch for {@link #link}: a full neighbour list plus the new link, sorted by distance. */
  readonly #linkNodes: Int32Array;
  readonly #linkDists: Float64Array;
  /** Scratch for {@link #select}'s answer. */
  readonly #kept: Int32Array;
  /** Scratch for a layer search's results, closest first. */
  #sortedRows = new Int32Array(256);
  #sortedDists = new Float64Array(256);

  constructor(options: HnswOptions, capacity = 1024) {
    if (!(Number.isInteger(options.dim) && options.dim > 0)) {
      throw new JinaError(`HNSW: nDim must be a positive integer, got ${options.dim}`, ErrorCode.InvalidArgument);
    }
    this.dim = options.dim;
    this.metric = options.metric ?? "cosine";
    if (!["cosine", "euclidean", "inner_product"].includes(this.metric)) {
      throw new JinaError(`HNSW: unknown metric ${JSON.stringify(this.metric)}: use cosine, euclidean or inner_product`, ErrorCode.InvalidArgument);
    }
    this.M = positive(options.maxConnection ?? 16, "maxConnection");
    this.M0 = 2 * this.M;
    this.efConstruction = positive(options.efConstruction ?? 200, "efConstruction");
    this.efSearch = positive(options.efSearch ?? 256, "efSearch");
    this.#mL = 1 / Math.log(Math.max(2, this.M));
    this.#rng = (options.seed ?? 100) >>> 0 || 1;
    this.#normalize = this.metric === "cosine";
    this.#dot = this.metric !== "euclidean";
    this.#memory = new VectorMemory(this.dim, capacity, this.#dot ? "dot" : "l2", { simd: options.simd ?? true });
    this.quantizedSearch = options.quantizedSearch ?? true;
    capacity = this.#memory.capacity;
    this.levels = new Int32Array(capacity);
    this.links0 = new Int32Array(capacity * (this.M0 + 1));
    this.deleted = new Uint8Array(capacity);
    this.#changedFlag = new Uint8Array(capacity);
    this.#visited = new Uint32Array(capacity);
    this.#linkNodes = new Int32Array(this.M0 + 1);
    this.#linkDists = new Float64Array(this.M0 + 1);
    this.#kept = new Int32Array(this.M0 + 1);
  }

  /** Live (not deleted) nodes. */
  get size(): number {
    return this.count - this.deletedCount;
  }

  /** The stored vectors, node after node (normalised for cosine); a view that {@link reserve} replaces. */
  get vectors(): Float32Array {
    return this.#memory.vectors;
  }

  /** True when the search walks on int8 codes (set it false to walk on the float32 vectors). */
  get quantizedSearch(): boolean {
    return this.#codes !== undefined;
  }

  set quantizedSearch(on: boolean) {
    if (!on) this.#codes = undefined;
    else if (!this.#codes && this.#memory.simd) this.#codes = QuantizedMemory.create(this.dim, this.#dot ? "dot" : "l2");
  }

  /** True when distances run in the WebAssembly SIMD kernel. */
  get simd(): boolean {
    return this.#memory.simd;
  }

  /**
   * Adds a vector (copied; normalised for cosine) and returns its node number.
   *
   * @example
   * ```ts
   * const node = index.add(embedding);
   * ```
   */
  add(vector: ArrayLike<number>): number {
    if (vector.length !== this.dim) {
      throw new JinaError(`HNSW: vector has ${vector.length} values, the index holds ${this.dim}`, ErrorCode.InvalidArgument);
    }
    const node = this.count;
    this.#grow(node + 1);
    const at = node * this.dim;
    this.vectors.set(vector, at);
    if (this.#normalize) normalizeAt(this.vectors, at, this.dim);
    this.count++;
    const level = this.#randomLevel();
    this.levels[node] = level;
    if (level > 0) this.upper[node] = new Int32Array(level * (this.M + 1));
    this.#touch(node);
    if (this.entry < 0) {
      this.entry = node;
      this.maxLevel = level;
      return node;
    }
    const query = this.#memory.offsetOf(node);
    let current = this.entry;
    let currentDist = this.#distanceTo(query, current);
    for (let layer = this.maxLevel; layer > level; layer--) {
      current = this.#greedy(query, current, currentDist, layer);
      currentDist = this.#greedyDist;
    }
    for (let layer = Math.min(level, this.maxLevel); layer >= 0; layer--) {
      const found = this.#searchSorted(query, current, this.efConstruction, layer, undefined);
      current = this.#sortedRows[0] as number;
      const kept = this.#select(this.#sortedRows, this.#sortedDists, found, this.M);
      const chosen = this.#kept.slice(0, kept);
      this.#setLinks(node, layer, chosen, kept);
      for (let i = 0; i < kept; i++) this.#link(chosen[i] as number, node, layer);
    }
    if (level > this.maxLevel) {
      this.maxLevel = level;
      this.entry = node;
    }
    return node;
  }

  /**
   * Marks a node deleted: it leaves results but stays in the graph as a waypoint.
   *
   * @example
   * ```ts
   * index.markDeleted(node);
   * ```
   */
  markDeleted(node: number): void {
    if (node >= 0 && node < this.count && this.deleted[node] === 0) {
      this.deleted[node] = 1;
      this.deletedCount++;
      this.#deletedSince.push(node);
    }
  }

  /**
   * The `limit` nearest live nodes to `vector` that pass `accept`, closest first (distances as the metric
   * reports them: cosine 1 − cos, euclidean L2, inner_product 1 − dot).
   *
   * @example
   * ```ts
   * const { nodes, distances } = index.search(query, 10);
   * ```
   */
  search(vector: ArrayLike<number>, limit: number, accept?: (node: number) => boolean, ef = this.efSearch): HnswResult {
    if (this.entry < 0 || limit <= 0) return { nodes: [], distances: [] };
    const query = this.#setQuery(vector);
    const codes = this.#codes;
    if (codes) {
      if (codes.synced < this.count) codes.sync(this.vectors, codes.synced, this.count);
      codes.setQuery(this.#memory.query, 0);
    }
    let current = this.entry;
    let currentDist = this.#distanceTo(query, current, codes);
    for (let layer = this.maxLevel; layer > 0; layer--) {
      current = this.#greedy(query, current, currentDist, layer, codes);
      currentDist = this.#greedyDist;
    }
    const filter = this.deletedCount > 0 || accept
      ? (node: number) => this.deleted[node] === 0 && (!accept || accept(node))
      : undefined;
    let found = this.#searchSorted(query, current, Math.max(ef, limit), 0, filter, codes);
    if (codes) found = this.#rescore(query, found, limit);
    const rows = this.#sortedRows;
    const distances = this.#sortedDists;
    const n = Math.min(limit, found);
    const nodes: number[] = new Array(n);
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      nodes[i] = rows[i] as number;
      out[i] = this.#reported(distances[i] as number);
    }
    return { nodes, distances: out };
  }

  /**
   * The exact distances from `vector` to the given nodes, as {@link search} reports them (for an exact scan).
   *
   * @example
   * ```ts
   * index.distances(query, [0, 5, 9]);
   * ```
   */
  distances(vector: ArrayLike<number>, nodes: ArrayLike<number>): number[] {
    const query = this.#setQuery(vector);
    const out: number[] = [];
    const memory = this.#memory;
    for (let start = 0; start < nodes.length; start += VectorMemory.maxBatch) {
      const count = Math.min(VectorMemory.maxBatch, nodes.length - start);
      for (let k = 0; k < count; k++) memory.ids[k] = nodes[start + k] as number;
      memory.compute(query, count);
      for (let k = 0; k < count; k++) out.push(this.#reported(this.#fromKernel(memory.out[k] as number)));
    }
    return out;
  }

  /** The stored (normalised, for cosine) vector of a node. */
  vector(node: number): Float32Array {
    return this.vectors.subarray(node * this.dim, (node + 1) * this.dim);
  }

  /** Links of `node` on `layer` (a view: `[count, ids…]`). */
  linksOf(node: number, layer: number): Int32Array {
    if (layer === 0) return this.links0.subarray(node * (this.M0 + 1), (node + 1) * (this.M0 + 1));
    const block = this.upper[node] as Int32Array;
    return block.subarray((layer - 1) * (this.M + 1), layer * (this.M + 1));
  }

  /**
   * What changed since the last call (and forgets it): nodes whose links changed — new nodes included — and
   * nodes deleted. An incremental save writes just these.
   *
   * @example
   * ```ts
   * const { linked, deleted } = index.takeChanges();
   * ```
   */
  takeChanges(): { linked: number[]; deleted: number[] } {
    const linked = this.#changedNodes;
    const deleted = this.#deletedSince;
    for (const node of linked) this.#changedFlag[node] = 0;
    this.#changedNodes = [];
    this.#deletedSince = [];
    return { linked, deleted };
  }

  /** Grows the arrays to hold at least `needed` nodes. */
  reserve(needed: number): void {
    this.#grow(needed);
  }

  #touch(node: number): void {
    if (this.#changedFlag[node] === 0) {
      this.#changedFlag[node] = 1;
      this.#changedNodes.push(node);
    }
  }

  /** Copies `vector` (normalised for cosine) into the query scratch; returns its offset for the kernel. */
  #setQuery(vector: ArrayLike<number>): number {
    const memory = this.#memory;
    memory.query.set(vector);
    if (this.#normalize) normalizeAt(memory.query, 0, this.dim);
    return memory.queryOffset;
  }

  /** The kernel's value as the internal distance (lower is closer): 1 − dot, or squared L2. */
  #fromKernel(value: number): number {
    return this.#dot ? 1 - value : value;
  }

  /** The internal distance as reported: L2 for euclidean, else unchanged. */
  #reported(d: number): number {
    return this.#dot ? d : Math.sqrt(Math.max(0, d));
  }

  #distanceTo(query: number, node: number, codes?: QuantizedMemory): number {
    this.#idsOf(codes)[0] = node;
    this.#score(query, 1, codes);
    return this.#batch[0] as number;
  }

  /** Where {@link #score} reads its node numbers. */
  #idsOf(codes: QuantizedMemory | undefined): Int32Array {
    return codes ? codes.ids : this.#memory.ids;
  }

  /** Internal distances (lower is closer) from the query to the `count` nodes in `#idsOf(codes)`, into `#batch`. */
  #score(query: number, count: number, codes: QuantizedMemory | undefined): void {
    const batch = this.#batch;
    if (codes) {
      codes.compute(count, batch);
      return;
    }
    const memory = this.#memory;
    memory.compute(query, count);
    const out = memory.out;
    if (this.#dot) for (let k = 0; k < count; k++) batch[k] = 1 - (out[k] as number);
    else for (let k = 0; k < count; k++) batch[k] = out[k] as number;
  }

  /**
   * Re-scores the `found` candidates of a walk on int8 codes on the float32 vectors and keeps the `limit` nearest in
   * `#sortedRows` / `#sortedDists`, closest first; returns how many.
   */
  #rescore(query: number, found: number, limit: number): number {
    const rows = this.#sortedRows;
    const memory = this.#memory;
    const results = this.#results;
    results.reset(limit);
    for (let start = 0; start < found; start += VectorMemory.maxBatch) {
      const count = Math.min(VectorMemory.maxBatch, found - start);
      memory.ids.set(rows.subarray(start, start + count));
      this.#score(query, count, undefined);
      for (let k = 0; k < count; k++) {
        const d = this.#batch[k] as number;
        const node = memory.ids[k] as number;
        if (results.accepts(d, node)) results.push(d, node);
      }
    }
    return results.drainInto(rows, this.#sortedDists);
  }

  #grow(needed: number): void {
    const capacity = this.levels.length;
    if (needed <= capacity) return;
    this.#memory.grow(Math.max(needed, capacity * 2));
    const next = this.#memory.capacity;
    const grow = <T extends Int32Array | Uint8Array>(old: T, size: number, make: (n: number) => T): T => {
      const out = make(size);
      out.set(old);
      return out;
    };
    this.levels = grow(this.levels, next, (n) => new Int32Array(n));
    this.links0 = grow(this.links0, next * (this.M0 + 1), (n) => new Int32Array(n));
    this.deleted = grow(this.deleted, next, (n) => new Uint8Array(n));
    this.#changedFlag = grow(this.#changedFlag, next, (n) => new Uint8Array(n));
    this.#visited = new Uint32Array(next);
    this.#epoch = 0;
  }

  #randomLevel(): number {
    // xorshift32: deterministic builds for a given seed
    let x = this.#rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rng = x >>> 0;
    const uniform = (this.#rng + 1) / 4294967297;
    return Math.min(30, Math.floor(-Math.log(uniform) * this.#mL));
  }

  /** The distance {@link #greedy} ended at (a second return value without an allocation). */
  #greedyDist = 0;

  #greedy(query: number, start: number, startDist: number, layer: number, codes?: QuantizedMemory): number {
    const ids = this.#idsOf(codes);
    const batch = this.#batch;
    let current = start;
    let best = startDist;
    for (let changed = true; changed;) {
      changed = false;
      const links = layer === 0 ? this.links0 : (this.upper[current] as Int32Array);
      const base = layer === 0 ? current * (this.M0 + 1) : (layer - 1) * (this.M + 1);
      const n = links[base] as number;
      for (let i = 0; i < n; i++) ids[i] = links[base + 1 + i] as number;
      this.#score(query, n, codes);
      const from = current;
      for (let i = 0; i < n; i++) {
        const d = batch[i] as number;
        if (d < best) {
          best = d;
          current = ids[i] as number;
        }
      }
      changed = current !== from;
    }
    this.#greedyDist = best;
    return current;
  }

  /** {@link #searchLayer}'s results in `#sortedRows` / `#sortedDists`, closest first; returns how many. */
  #searchSorted(query: number, start: number, ef: number, layer: number, accept: ((node: number) => boolean) | undefined, codes?: QuantizedMemory): number {
    const results = this.#searchLayer(query, start, ef, layer, accept, codes);
    if (this.#sortedRows.length < results.size) {
      this.#sortedRows = new Int32Array(results.size);
      this.#sortedDists = new Float64Array(results.size);
    }
    return results.drainInto(this.#sortedRows, this.#sortedDists);
  }

  /** The `ef` nearest nodes to the query on `layer` that pass `accept`, found from `start` (a reused heap). */
  #searchLayer(query: number, start: number, ef: number, layer: number, accept: ((node: number) => boolean) | undefined, codes?: QuantizedMemory): BoundedHeap {
    if (++this.#epoch === 0xffffffff) {
      this.#visited.fill(0);
      this.#epoch = 1;
    }
    const epoch = this.#epoch;
    const visited = this.#visited;
    const ids = this.#idsOf(codes);
    const batch = this.#batch;
    const candidates = this.#candidates;
    const results = this.#results;
    candidates.clear();
    results.reset(ef);
    const startDist = this.#distanceTo(query, start, codes);
    candidates.push(startDist, start);
    if (!accept || accept(start)) results.push(startDist, start);
    visited[start] = epoch;
    const upperStride = this.M + 1;
    const stride0 = this.M0 + 1;
    while (candidates.size > 0) {
      // results.limit is NaN until ef results are kept, so the comparison is false until then
      if (candidates.topDistance > results.limit) break;
      const current = candidates.topNode;
      candidates.pop();
      const links = layer === 0 ? this.links0 : (this.upper[current] as Int32Array);
      const base = layer === 0 ? current * stride0 : (layer - 1) * upperStride;
      const n = links[base] as number;
      let m = 0;
      for (let i = base + 1; i <= base + n; i++) {
        const neighbour = links[i] as number;
        if (visited[neighbour] === epoch) continue;
        visited[neighbour] = epoch;
        ids[m++] = neighbour;
      }
      if (m === 0) continue;
      this.#score(query, m, codes);
      for (let k = 0; k < m; k++) {
        const nd = batch[k] as number;
        if (!(nd >= results.limit)) {
          const neighbour = ids[k] as number;
          candidates.push(nd, neighbour);
          if ((!accept || accept(neighbour)) && results.accepts(nd, neighbour)) results.push(nd, neighbour);
        }
      }
    }
    return results;
  }

  /**
   * hnswlib's heuristic over candidates sorted by distance: keep one only if it is closer to the base than to
   * every one kept. Writes the kept nodes to `#kept`; returns how many.
   */
  #select(nodes: Int32Array, dists: Float64Array, count: number, m: number): number {
    const kept = this.#kept;
    if (count <= m) {
      kept.set(nodes.subarray(0, count));
      return count;
    }
    const memory = this.#memory;
    let size = 0;
    for (let i = 0; i < count && size < m; i++) {
      const candidate = nodes[i] as number;
      const d = dists[i] as number;
      let good = true;
      if (size > 0) {
        memory.ids.set(kept.subarray(0, size));
        memory.compute(memory.offsetOf(candidate), size);
        for (let k = 0; k < size; k++) {
          if (this.#fromKernel(memory.out[k] as number) < d) {
            good = false;
            break;
          }
        }
      }
      if (good) kept[size++] = candidate;
    }
    return size;
  }

  #setLinks(node: number, layer: number, neighbours: Int32Array, count: number): void {
    const links = this.linksOf(node, layer);
    this.#touch(node);
    links[0] = count;
    links.set(neighbours.subarray(0, count), 1);
  }

  #link(from: number, to: number, layer: number): void {
    const links = this.linksOf(from, layer);
    const n = links[0] as number;
    const max = layer === 0 ? this.M0 : this.M;
    if (n < max) {
      this.#touch(from);
      links[n + 1] = to;
      links[0] = n + 1;
      return;
    }
    // full: score the n links and the new one from `from`, sort them (insertion sort: at most 2·M + 1), select
    const memory = this.#memory;
    memory.ids[0] = to;
    memory.ids.set(links.subarray(1, n + 1), 1);
    memory.compute(memory.offsetOf(from), n + 1);
    const nodes = this.#linkNodes;
    const dists = this.#linkDists;
    for (let i = 0; i <= n; i++) {
      const d = this.#fromKernel(memory.out[i] as number);
      const id = memory.ids[i] as number;
      let j = i;
      while (j > 0 && ((dists[j - 1] as number) > d || ((dists[j - 1] as number) === d && (nodes[j - 1] as number) > id))) {
        dists[j] = dists[j - 1] as number;
        nodes[j] = nodes[j - 1] as number;
        j--;
      }
      dists[j] = d;
      nodes[j] = id;
    }
    const kept = this.#select(nodes, dists, n + 1, max);
    this.#setLinks(from, layer, this.#kept, kept);
  }
}

function positive(value: number, name: string): number {
  if (!(Number.isInteger(value) && value > 0)) throw new JinaError(`HNSW: ${name} must be a positive integer, got ${value}`, ErrorCode.InvalidArgument);
  return value;
}

function normalizeAt(values: Float32Array, at: number, dim: number): void {
  let sum = 0;
  for (let i = at; i < at + dim; i++) sum += (values[i] as number) * (values[i] as number);
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = at; i < at + dim; i++) values[i] = (values[i] as number) / norm;
}
