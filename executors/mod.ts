/**
 * Ready-made executors: `SimpleIndexer` (memory or sqlite, exact search), `AnnIndexer` (HNSW with filter
 * columns) and `MatchMerger` (the `usesAfter` that merges sharded search results by score).
 *
 * @example
 * ```ts
 * import { Flow } from "jina-ts";
 * import { AnnIndexer, MatchMerger, SimpleIndexer } from "jina-ts/executors";
 * const flow = new Flow()
 *   .add({ name: "exact", uses: SimpleIndexer, usesWith: { storage: "sqlite" } })
 *   .add({ name: "ann", uses: AnnIndexer, usesWith: { nDim: 64 }, shards: 2, polling: { "/search": "ALL" }, usesAfter: MatchMerger });
 * ```
 *
 * @module
 */
export { SimpleIndexer } from "./simple-indexer.ts";
export { AnnIndexer } from "./ann-indexer.ts";
export { MatchMerger } from "./match-merger.ts";
export { StorageIndexer } from "./storage-indexer.ts";
export { checkOptions, deleteFrom, option, searchInto, updateIn } from "./indexer-core.ts";
export type { SearchDefaults } from "./indexer-core.ts";
