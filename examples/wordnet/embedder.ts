/**
 * What the encoder needs from a text model, and the offline one this example ships: TF-IDF over words (optionally
 * character n-grams), projected to a dense vector by signed feature hashing.
 *
 * Feature hashing is a random projection of the sparse TF-IDF vector (Weinberger et al., 2009, "Feature Hashing
 * for Large Scale Multitask Learning"): each feature adds ±weight/√probes to `probes` of the `dim` coordinates
 * chosen by hashes, so inner products are preserved in expectation, and spreading each feature over several
 * coordinates keeps one unlucky collision from dominating. The IDF weights, counted over the indexed corpus, keep
 * "of" and "a" from dominating. It needs no download and runs the same on Node, Deno and Bun. It is lexical: it
 * finds shared words, not synonyms (see the README's evaluation, and "Swap the model" for a neural one).
 *
 * @module
 */
import { DocumentFrequencies } from "./document-frequencies.ts";
import { type FeatureOptions, type FieldWeights, queryFeatures, type SynsetFields, synsetFeatures } from "./text-features.ts";

/**
 * A text model: `dim`-long embeddings for a batch of texts. Implement it to swap the encoder's model (e.g. an ONNX
 * sentence-transformer loaded from a local path; see the README).
 *
 * @example
 * ```ts
 * const constant: TextEmbedder = { dim: 2, embed: (texts) => texts.map(() => new Float32Array([1, 0])) };
 * ```
 */
export interface TextEmbedder {
  readonly dim: number;
  embed(texts: string[]): Float32Array[] | Promise<Float32Array[]>;
}

/**
 * Options of {@link HashedTfidfEmbedder}.
 *
 * @example
 * ```ts
 * const options: HashedTfidfOptions = { dim: 512, probes: 4 };
 * ```
 */
export interface HashedTfidfOptions extends FeatureOptions, FieldWeights {
  /** Length of the embeddings; default 512. */
  dim?: number;
  /** Coordinates each feature is spread over (±weight/√probes each), which evens out collisions; default 4. */
  probes?: number;
}

/** Mixes a feature hash so that its coordinate and sign are independent of the bits picking its IDF bucket. */
function remix(hash: number): number {
  let h = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * TF-IDF (sub-linear term frequency `1 + ln tf`, smoothed IDF from a {@link DocumentFrequencies} table) over words,
 * whole lemmas and (optionally) character n-grams, hashed into `dim` signed coordinates and L2-normalised: cosine
 * similarity of two embeddings approximates the cosine of their TF-IDF vectors. A synset is embedded from its fields
 * ({@link embedFields}: lemmas weigh more than the definition, examples less), a query from its text ({@link embedOne}).
 *
 * @example
 * ```ts
 * const df = new DocumentFrequencies();
 * for (const text of corpus) df.add(textFeatures(text));
 * const embedder = new HashedTfidfEmbedder(df, { dim: 512 });
 * const [vector] = embedder.embed(["a large body of water"]);
 * ```
 */
export class HashedTfidfEmbedder implements TextEmbedder {
  readonly dim: number;
  readonly #frequencies: DocumentFrequencies;
  readonly #features: FeatureOptions & FieldWeights;
  readonly #probes: number;

  constructor(frequencies: DocumentFrequencies, options: HashedTfidfOptions = {}) {
    this.dim = options.dim ?? 512;
    this.#frequencies = frequencies;
    this.#features = options;
    this.#probes = options.probes ?? 4;
  }

  embed(texts: string[]): Float32Array[] {
    return texts.map((text) => this.embedOne(text));
  }

  /**
   * A text's sparse TF-IDF vector (feature hash → weight, not normalised): what {@link embedOne} projects, and what
   * the re-ranker compares exactly.
   */
  sparse(text: string): Map<number, number> {
    const features = queryFeatures(text, this.#features);
    // a feature no indexed document has cannot match: it would only add hashing noise to the projection
    for (const hash of features.keys()) if (this.#frequencies.frequency(hash) === 0) features.delete(hash);
    return this.#weigh(features);
  }

  /** A synset's sparse TF-IDF vector from its fields (see `synsetFeatures`). */
  sparseFields(fields: SynsetFields): Map<number, number> {
    return this.#weigh(synsetFeatures(fields, this.#features));
  }

  /** One text's (a query's) embedding. */
  embedOne(text: string): Float32Array {
    return this.#project(this.sparse(text));
  }

  /** A synset's embedding from its fields. */
  embedFields(fields: SynsetFields): Float32Array {
    return this.#project(this.sparseFields(fields));
  }

  #weigh(features: Map<number, number>): Map<number, number> {
    const weights = new Map<number, number>();
    for (const [hash, tf] of features) weights.set(hash, (tf >= 1 ? 1 + Math.log(tf) : tf) * this.#frequencies.idf(hash));
    return weights;
  }

  #project(sparse: Map<number, number>): Float32Array {
    const vector = new Float32Array(this.dim);
    const scale = 1 / Math.sqrt(this.#probes);
    for (const [hash, tfidf] of sparse) {
      const weight = tfidf * scale;
      for (let probe = 0; probe < this.#probes; probe++) {
        const mixed = remix(hash + Math.imul(probe, 0x9e3779b9));
        vector[mixed % this.dim]! += mixed & 0x80000000 ? -weight : weight;
      }
    }
    let norm = 0;
    for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
    return vector;
  }
}

/**
 * The cosine of two sparse vectors (as from {@link HashedTfidfEmbedder.sparse}); 0 when either is empty.
 *
 * @example
 * ```ts
 * sparseCosine(embedder.sparse("a large body of water"), embedder.sparse("sea: a large body of salt water"));
 * ```
 */
export function sparseCosine(a: Map<number, number>, b: Map<number, number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (const [key, value] of a) {
    aa += value * value;
    dot += value * (b.get(key) ?? 0);
  }
  for (const value of b.values()) bb += value * value;
  return aa && bb ? dot / Math.sqrt(aa * bb) : 0;
}
