/**
 * The WordNet flow's re-ranker, after the sharded indexer: every shard answers its own top `limit`, the gateway
 * concatenates them, and this puts each query's matches back in one order (cosine distance, closest first), drops
 * duplicates and keeps `limit` (default 10).
 *
 * @module
 */
import { type DocumentArray, Executor, requests } from "../../mod.ts";

/** Sorts each query's matches by `scores.cosine` (ascending distance) and keeps the `limit` best. */
export class Ranker extends Executor {
  @requests("/search")
  rank({ docs, parameters }: { docs: DocumentArray; parameters: Record<string, unknown> }): void {
    const limit = typeof parameters.limit === "number" ? parameters.limit : 10;
    for (const query of docs) {
      const seen = new Set<string>();
      const ranked = [...query.matches]
        .sort((a, b) => (a.scores.cosine?.value ?? Infinity) - (b.scores.cosine?.value ?? Infinity))
        .filter((match) => !seen.has(match.id) && seen.add(match.id))
        .slice(0, limit);
      query.matches = ranked;
    }
  }
}
