/**
 * The WordNet flow's indexer: the package's {@link AnnIndexer} (documents in sqlite, an HNSW index over their
 * embeddings, both in the shard's workspace) answering at least `candidates` matches per query, so the re-ranker
 * after it has enough to re-score whatever `limit` the client asks for.
 *
 * @module
 */
import { type ExecutorOptions, requests } from "../../mod.ts";
import type { HandlerArgs } from "../../executor/mod.ts";
import { AnnIndexer } from "../../executors/mod.ts";

/**
 * AnnIndexer with option `candidates` (default 0): `/search` answers `max(limit, candidates)` matches per query,
 * without their embeddings.
 * Every other option is AnnIndexer's (`nDim`, `metric`, `efSearch`, …).
 *
 * @example
 * ```ts
 * new Flow().add({ name: "indexer", uses: CandidateIndexer, usesWith: { nDim: 256, candidates: 50 }, shards: 2 });
 * ```
 */
export class CandidateIndexer extends AnnIndexer {
  readonly #candidates: number;

  constructor({ candidates, ...options }: ExecutorOptions & { candidates?: number } = {}) {
    super(options);
    this.#candidates = Number(candidates ?? 0);
  }

  @requests("/search")
  override search(args: HandlerArgs): void {
    const limit = Math.max(Number(args.parameters.limit ?? 0), this.#candidates);
    super.search({ ...args, parameters: { ...args.parameters, limit } });
    // the stored embeddings stay here: the ranker re-scores by the synsets' fields, and 50 × 256 floats per shard
    // would be a third of the response's bytes
    for (const query of args.docs) for (const match of query.matches) match.embedding = undefined;
  }
}
