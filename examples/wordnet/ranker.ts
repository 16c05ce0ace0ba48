/**
 * The WordNet flow's re-ranker, after the sharded indexer. Every shard answers its `candidates` nearest documents by
 * the hashed embedding (an approximation: hashing adds noise, and the index is approximate) and its `lexical` best by
 * BM25F, the gateway concatenates
 * the shards' answers, and this re-scores each candidate exactly: the fielded TF-IDF cosine between the query's text
 * and the candidate's synset fields (the encoder's model without the projection), times a frequency prior
 * `1 + prior · ln(1 + frequency)` (how often the synset was tagged in WordNet's concordance, so the common sense of
 * "car" comes first). It drops duplicates and the candidates' embeddings, and keeps `limit` (default 10), best first.
 *
 * Scores: `relevance` (the similarity it sorts by), `cosine` (the exact TF-IDF cosine distance), and what the indexer
 * gave, kept: `vector_cosine` (its distance, for a candidate found by vector) and `bm25` (for one found lexically).
 *
 * @module
 */
import { type Document, type DocumentArray, Executor, type ExecutorOptions, requests } from "../../mod.ts";
import { DocumentFrequencies } from "./document-frequencies.ts";
import { HashedTfidfEmbedder, sparseCosine } from "./embedder.ts";
import { synsetFields } from "./loader.ts";

/**
 * The re-ranker's `usesWith`: `model`, the encoder's frequency table; `prior`, the weight of the frequency prior
 * (default 0.2; 0 turns it off).
 *
 * @example
 * ```ts
 * const options: RankerOptions = { model: ".workspace/wordnet/frequencies.bin", prior: 0.2 };
 * ```
 */
export interface RankerOptions extends ExecutorOptions {
  model?: string;
  prior?: number;
}

/**
 * The relevance of a candidate: exact fielded TF-IDF cosine to the query × the frequency prior (see the module doc).
 *
 * @example
 * ```ts
 * relevance(model, model.sparse("car"), doc, 0.1); // { similarity: 0.41, relevance: 0.58 }
 * ```
 */
export function relevance(model: HashedTfidfEmbedder, query: Map<number, number>, doc: Document, prior: number): { similarity: number; relevance: number } {
  const fields = synsetFields(doc);
  const similarity = sparseCosine(query, fields ? model.sparseFields(fields) : model.sparse(doc.text ?? ""));
  const frequency = Number(doc.tags.frequency ?? 0);
  return { similarity, relevance: similarity * (1 + prior * Math.log1p(frequency > 0 ? frequency : 0)) };
}

/** Re-scores each query's matches (see the module doc) and keeps the `limit` best. */
export class Ranker extends Executor {
  readonly #model: Promise<HashedTfidfEmbedder | undefined>;
  readonly #prior: number;

  constructor(options: RankerOptions = {}) {
    super(options);
    this.#prior = options.prior ?? 0.2;
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
      const order = new Map<Document, number>();
      const wanted = model && query.text ? model.sparse(query.text) : undefined;
      for (const match of unique) {
        match.embedding = undefined;
        const vector = match.scores.cosine?.value;
        const bm25 = match.scores.bm25;
        if (!model || !wanted) {
          order.set(match, -(vector ?? Infinity));
          continue;
        }
        const score = relevance(model, wanted, match, this.#prior);
        order.set(match, score.relevance);
        match.scores = {
          relevance: { value: score.relevance, opName: "fielded TF-IDF cosine × frequency prior (similarity)" },
          cosine: { value: 1 - score.similarity, opName: "exact TF-IDF cosine distance" },
          ...(vector === undefined ? {} : { vector_cosine: { value: vector, opName: "hashed embedding cosine distance" } }),
          ...(bm25 ? { bm25 } : {}),
        };
      }
      query.matches = unique.sort((a, b) => order.get(b)! - order.get(a)!).slice(0, limit);
    }
  }
}
