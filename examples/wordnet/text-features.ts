/**
 * The sparse features of a text, before any weighting: each lower-cased word (`w:car`) with weight 1 and, when
 * `subwordWeight` is above 0, the character 3- to 5-grams of the word framed by `<` and `>` (fastText's sub-words:
 * `<ca`, `car`, `ar>`, …) sharing that weight per word, so that "automobile" and "automobiles" overlap. Each feature
 * is a 32-bit FNV-1a hash; the weights of equal hashes add up. Off by default: on WordNet the sub-words cost more
 * in hashing noise than they gain (see the README's evaluation).
 *
 * @module
 */

/**
 * Hashes a string to an unsigned 32-bit integer (FNV-1a), with a seed mixed in.
 *
 * @example
 * ```ts
 * fnv1a("car") === fnv1a("car"); // true
 * ```
 */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The lower-cased words of a text (letters and digits, Unicode-aware).
 *
 * @example
 * ```ts
 * words("A large body of water"); // ["a", "large", "body", "of", "water"]
 * ```
 */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Options of {@link textFeatures}.
 *
 * @example
 * ```ts
 * const options: FeatureOptions = { minGram: 3, maxGram: 5, subwordWeight: 0.5 };
 * ```
 */
export interface FeatureOptions {
  /** Shortest character n-gram; default 3. */
  minGram?: number;
  /** Longest character n-gram; default 5. */
  maxGram?: number;
  /** Total weight of one word's n-grams; default 0 (off). */
  subwordWeight?: number;
}

/**
 * Adds the features of `text`'s words to `features`, each word weighing `weight` (and its n-grams
 * `weight · subwordWeight` in all, when on).
 */
function addWords(features: Map<number, number>, text: string, weight: number, options: FeatureOptions): void {
  const minGram = options.minGram ?? 3;
  const maxGram = options.maxGram ?? 5;
  const subwordWeight = options.subwordWeight ?? 0;
  const add = (hash: number, value: number) => features.set(hash, (features.get(hash) ?? 0) + value);
  for (const word of words(text)) {
    add(fnv1a(`w:${word}`), weight);
    if (subwordWeight <= 0) continue;
    const framed = `<${word}>`;
    const grams: string[] = [];
    for (let n = minGram; n <= maxGram; n++) {
      for (let start = 0; start + n <= framed.length; start++) grams.push(framed.slice(start, start + n));
    }
    for (const gram of grams) add(fnv1a(gram), (weight * subwordWeight) / grams.length);
  }
}

/**
 * The hashed features of a text with their raw weights (term frequency, sub-words scaled as described above).
 *
 * @example
 * ```ts
 * textFeatures("car"); // Map { hash("w:car") => 1 }
 * textFeatures("car", { subwordWeight: 1 }); // Map { hash("w:car") => 1, hash("<ca") => 1/6, … }
 * ```
 */
export function textFeatures(text: string, options: FeatureOptions = {}): Map<number, number> {
  const features = new Map<number, number>();
  addWords(features, text, 1, options);
  return features;
}

/**
 * The hash of a whole lemma (`l:body of water`): a query equal to a synset's lemma meets it on this feature as well
 * as on its words, so "car" prefers the synsets named "car" over those that only mention a car.
 *
 * @example
 * ```ts
 * lemmaHash("Body of  water") === lemmaHash("body of water"); // true
 * ```
 */
export function lemmaHash(text: string): number {
  return fnv1a(`l:${words(text).join(" ")}`);
}

/**
 * A synset's fields, as the loader puts them in a Document's tags.
 *
 * @example
 * ```ts
 * const fields: SynsetFields = { lemmas: ["car", "auto"], definition: "a motor vehicle with four wheels", examples: [] };
 * ```
 */
export interface SynsetFields {
  lemmas: readonly string[];
  definition: string;
  examples: readonly string[];
}

/**
 * Weights of the fields (BM25F-style field weighting, before TF-IDF): a lemma names the synset, a definition
 * describes it, an example only uses it.
 *
 * @example
 * ```ts
 * const weights: FieldWeights = { lemma: 2, phrase: 2, example: 0.5 };
 * ```
 */
export interface FieldWeights {
  /** Each word of a lemma; default 2. */
  lemma?: number;
  /** Each whole lemma ({@link lemmaHash}), and a short query as a whole; default 2. */
  phrase?: number;
  /** Each word of an example; default 0.5 (a definition's words weigh 1). */
  example?: number;
}

/**
 * The fielded features of a synset: lemma words, whole lemmas, definition words and example words, weighted by
 * field (see {@link FieldWeights}).
 *
 * @example
 * ```ts
 * synsetFeatures({ lemmas: ["car"], definition: "a motor vehicle", examples: [] }); // w:car 2, l:car 2, w:a 1, …
 * ```
 */
export function synsetFeatures(fields: SynsetFields, options: FeatureOptions & FieldWeights = {}): Map<number, number> {
  const features = new Map<number, number>();
  const phrase = options.phrase ?? 2;
  for (const lemma of fields.lemmas) {
    addWords(features, lemma, options.lemma ?? 2, options);
    if (phrase > 0) features.set(lemmaHash(lemma), (features.get(lemmaHash(lemma)) ?? 0) + phrase);
  }
  addWords(features, fields.definition, 1, options);
  for (const example of fields.examples) addWords(features, example, options.example ?? 0.5, options);
  return features;
}

/**
 * The features of a query: its words and, when it has at most four words (it may be a lemma), the whole query as a
 * lemma ({@link lemmaHash}).
 *
 * @example
 * ```ts
 * queryFeatures("car"); // w:car 1, l:car 2
 * ```
 */
export function queryFeatures(text: string, options: FeatureOptions & FieldWeights = {}): Map<number, number> {
  const features = textFeatures(text, options);
  const phrase = options.phrase ?? 2;
  const count = words(text).length;
  if (phrase > 0 && count > 0 && count <= 4) features.set(lemmaHash(text), (features.get(lemmaHash(text)) ?? 0) + phrase);
  return features;
}
