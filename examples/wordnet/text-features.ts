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
 * The hashed features of a text with their raw weights (term frequency, sub-words scaled as described above).
 *
 * @example
 * ```ts
 * textFeatures("car"); // Map { hash("w:car") => 1 }
 * textFeatures("car", { subwordWeight: 1 }); // Map { hash("w:car") => 1, hash("<ca") => 1/6, … }
 * ```
 */
export function textFeatures(text: string, options: FeatureOptions = {}): Map<number, number> {
  const minGram = options.minGram ?? 3;
  const maxGram = options.maxGram ?? 5;
  const subwordWeight = options.subwordWeight ?? 0;
  const features = new Map<number, number>();
  const add = (hash: number, weight: number) => features.set(hash, (features.get(hash) ?? 0) + weight);
  for (const word of words(text)) {
    add(fnv1a(`w:${word}`), 1);
    if (subwordWeight <= 0) continue;
    const framed = `<${word}>`;
    const grams: string[] = [];
    for (let n = minGram; n <= maxGram; n++) {
      for (let start = 0; start + n <= framed.length; start++) grams.push(framed.slice(start, start + n));
    }
    for (const gram of grams) add(fnv1a(gram), subwordWeight / grams.length);
  }
  return features;
}
