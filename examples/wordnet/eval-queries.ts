/**
 * Held-out queries built from WordNet itself, for `eval.ts`:
 *
 * - **held-out lemma**: one lemma of a synset with several is removed from the synset's indexed text and used as
 *   the query ("auto" must find {car, automobile, machine, motorcar});
 * - **reverse dictionary**: a synset's definition is removed from its indexed text and used as the query ("a motor
 *   vehicle with four wheels…" must find {car, auto, …}).
 *
 * Each query has one right answer, the synset it came from.
 *
 * @module
 */
import type { Synset } from "./synset.ts";

/**
 * One evaluation query: the text to search, the index of the synset that answers it, and that synset's indexed text
 * with the query's part removed.
 *
 * @example
 * ```ts
 * const query: HeldOutQuery = { query: "auto", target: 42, indexedText: "car, automobile: a motor vehicle…", indexed: synset };
 * ```
 */
export interface HeldOutQuery {
  query: string;
  target: number;
  indexedText: string;
  /** The target synset as indexed: the query's part removed. */
  indexed: Synset;
}

/**
 * A deterministic pseudo-random generator (mulberry32), so every run picks the same queries.
 *
 * @example
 * ```ts
 * const random = seededRandom(13);
 * random(); // 0 ≤ x < 1, the same sequence every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(lemmas: string[], definition: string, examples: string[]): string {
  return [lemmas.join(", "), definition, ...examples.map((example) => `"${example}"`)].filter(Boolean).join("; ");
}

/**
 * `count` held-out-lemma queries over distinct synsets that have at least two lemmas.
 *
 * @example
 * ```ts
 * const queries = heldOutLemmaQueries(synsets, 500, seededRandom(1));
 * ```
 */
export function heldOutLemmaQueries(synsets: readonly Synset[], count: number, random: () => number): HeldOutQuery[] {
  return pick(synsets, count, random, (synset) => synset.lemmas.length >= 2).map((target) => {
    const synset = synsets[target]!;
    const removed = Math.floor(random() * synset.lemmas.length);
    const lemmas = synset.lemmas.filter((_, i) => i !== removed);
    return { query: synset.lemmas[removed]!, target, indexedText: text(lemmas, synset.definition, synset.examples), indexed: { ...synset, lemmas } };
  });
}

/**
 * `count` reverse-dictionary queries (definition → synset) over distinct synsets with a definition of 3+ words.
 *
 * @example
 * ```ts
 * const queries = reverseDictionaryQueries(synsets, 500, seededRandom(2));
 * ```
 */
export function reverseDictionaryQueries(synsets: readonly Synset[], count: number, random: () => number): HeldOutQuery[] {
  return pick(synsets, count, random, (synset) => synset.definition.split(" ").length >= 3).map((target) => {
    const synset = synsets[target]!;
    return { query: synset.definition, target, indexedText: text(synset.lemmas, "", synset.examples), indexed: { ...synset, definition: "" } };
  });
}

function pick(synsets: readonly Synset[], count: number, random: () => number, eligible: (synset: Synset) => boolean): number[] {
  const chosen = new Set<number>();
  const candidates = synsets.flatMap((synset, index) => (eligible(synset) ? [index] : []));
  while (chosen.size < Math.min(count, candidates.length)) chosen.add(candidates[Math.floor(random() * candidates.length)]!);
  return [...chosen];
}
