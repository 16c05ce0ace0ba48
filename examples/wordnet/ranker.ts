/**
 * The WordNet flow's re-ranker, after the sharded indexer. Every shard answers its `candidates` nearest documents by
 * the hashed embedding (an approximation: hashing adds noise), the gateway concatenates the shards' answers, and this
 * re-scores each candidate with the exact TF-IDF cosine between the query's text and the candidate's text (the same
 * model as the encoder's, without the projection), drops duplicates and keeps `limit` (default 10), closest first.
 * `scores.cosine` becomes the exact cosine distance; the indexer's is kept as `scores.vector_cosine`.
 *
 * @module
 */
import { type DocumentArray, Executor, type ExecutorOptions, requests } from "../../mod.ts";
import { DocumentFrequencies } from "./document-frequencies.ts";
import { HashedTfidfEmbedder, sparseCosine } from "./embedder.ts";

/** Re-scores each query's matches by exact TF-IDF cosine (option `model`: the encoder's frequency table) and keeps the `limit` best. */
export class Ranker extends Executor {
  readonly #model: Promise<HashedTfidfEmbedder | undefined>;

  constructor(options: ExecutorOptions & { model?: string } = {}) {
    super(options);
    this.#model = options.model ? DocumentFrequencies.load(options.model).then((frequencies) => new HashedTfidfEmbedder(frequencies)) : Promise.resolve(undefined);
    this.#model.catch(() => {}); // reported by the first request
  }

  @requests("/search")
  async rank({ docs, parameters }: { docs: DocumentArray; parameters: Record<string, unknown> }): Promise<void> {
    const limit = typeof parameters.limit === "number" ? parameters.limit : 10;
    const model = await this.#model;
    for (const query of docs) {
      const seen = new Set<string>();
      const unique = [...query.matches].filter((match) => !seen.has(match.id) && seen.add(match.id));
      if (model && query.text) {
        const wanted = model.sparse(query.text);
        for (const match of unique) {
          const vector = match.scores.cosine?.value;
          match.scores = {
            cosine: { value: 1 - sparseCosine(wanted, model.sparse(match.text ?? "")), opName: "exact TF-IDF cosine distance" },
            ...(vector === undefined ? {} : { vector_cosine: { value: vector, opName: "hashed embedding cosine distance" } }),
          };
        }
      }
      query.matches = unique.sort((a, b) => (a.scores.cosine?.value ?? Infinity) - (b.scores.cosine?.value ?? Infinity)).slice(0, limit);
    }
  }
}
