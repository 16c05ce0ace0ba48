/**
 * usearch (npm, native N-API) behind a small interface, for bench/hnsw.ts's comparison rows: cosine, float32,
 * keys = row numbers. Loaded on demand: a runtime or platform without its prebuilt binary skips the rows.
 *
 * @module
 */

/** One usearch index: add rows, search one query, save or map a file. */
export interface UsearchIndex {
  add(matrix: Float32Array, threads: number): void;
  search(query: Float32Array, k: number): number[];
  save(path: string): void;
  view(path: string): void;
}

/** The loaded package: its version and a factory with HNSW parameters. */
export interface Usearch {
  version: string;
  create(dim: number, connectivity: number, expansionAdd: number, expansionSearch: number): UsearchIndex;
}

/**
 * usearch, or undefined (with a line saying why) when it does not load here.
 *
 * @example
 * ```ts
 * const usearch = await loadUsearch();
 * const index = usearch?.create(128, 16, 200, 64);
 * ```
 */
export async function loadUsearch(): Promise<Usearch | undefined> {
  try {
    // deno-lint-ignore no-explicit-any
    const module: any = await import("usearch");
    const { Index, MetricKind, ScalarKind } = module.default ?? module;
    const { readFileSync } = await import("node:fs");
    const version = (JSON.parse(readFileSync(new URL("../node_modules/usearch/package.json", import.meta.url), "utf8")) as { version: string }).version;
    return {
      version,
      create(dim, connectivity, expansionAdd, expansionSearch) {
        const index = new Index({
          dimensions: dim, metric: MetricKind.Cos, quantization: ScalarKind.F32, connectivity,
          expansion_add: expansionAdd, expansion_search: expansionSearch, multi: false,
        });
        return {
          add(matrix, threads) {
            const rows = matrix.length / dim;
            const keys = new BigUint64Array(rows);
            for (let i = 0; i < rows; i++) keys[i] = BigInt(i);
            index.add(keys, matrix, threads);
          },
          search(query, k) {
            return Array.from(index.search(query, k, 1).keys as BigUint64Array, Number);
          },
          save: (path) => index.save(path),
          view: (path) => index.view(path),
        };
      },
    };
  } catch (error) {
    console.log(`usearch not loaded (${(error as Error).message.split("\n")[0]}): no usearch rows`);
    return undefined;
  }
}
