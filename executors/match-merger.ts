/**
 * `MatchMerger`: the `usesAfter` of a sharded indexer searched with ALL polling. It merges each query's matches
 * from every shard, sorts them by score (ascending distance) and keeps the top `limit` per query.
 *
 * @module
 */
import { DocumentArray } from "../docarray/mod.ts";
import type { Document } from "../docarray/mod.ts";
import { Executor, requests } from "../executor/mod.ts";
import type { ExecutorOptions, HandlerArgs } from "../executor/mod.ts";
import { option } from "./indexer-core.ts";

/**
 * Merges shard results. Options: `limit` (default 20; `parameters.limit` wins per request), `metric` (which
 * score to sort by; default the first score of each match).
 *
 * @example
 * ```ts
 * flow.add({ uses: SimpleIndexer, shards: 3, polling: { "/search": "ALL" }, usesAfter: MatchMerger });
 * ```
 */
export class MatchMerger extends Executor {
  readonly #limit: number;
  readonly #metric: string | undefined;

  constructor(options: ExecutorOptions = {}) {
    super(options);
    this.#limit = Number(option(options, "limit") ?? 20);
    this.#metric = option<string>(options, "metric");
  }

  @requests()
  merge({ docs, docsMatrix, parameters }: HandlerArgs): DocumentArray {
    const limit = parameters.limit === undefined ? this.#limit : Number(parameters.limit);
    const parts = docsMatrix && docsMatrix.length > 0 ? docsMatrix : [docs];
    const byId = new Map<string, Document>();
    const order: Document[] = [];
    const matches = new Map<string, Document[]>();
    for (const part of parts) {
      for (const doc of part) {
        if (!byId.has(doc.id)) {
          byId.set(doc.id, doc);
          order.push(doc);
          matches.set(doc.id, []);
        }
        const seen = matches.get(doc.id) as Document[];
        for (const match of doc.matches) if (!seen.some((m) => m.id === match.id)) seen.push(match);
      }
    }
    for (const doc of order) {
      const merged = (matches.get(doc.id) as Document[]).slice().sort((a, b) => this.#score(a) - this.#score(b));
      doc.matches = merged.slice(0, limit);
    }
    return new DocumentArray(order);
  }

  #score(match: Document): number {
    const scores = match.scores;
    const name = this.#metric ?? Object.keys(scores)[0];
    const value = name === undefined ? undefined : scores[name]?.value;
    return value ?? Infinity;
  }
}
