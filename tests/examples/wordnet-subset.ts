/**
 * WordNet subsets for tests, so they index in seconds yet search among distractors:
 *
 * - `subset` (about 900 synsets, the browser test's): every noun synset whose lemmas include one of a few words the
 *   tests query, plus one in a hundred of the others;
 * - `querySubset` (about 2,000, `wordnet-flow.test.ts`'s): nouns and adjectives, every synset with a lemma word of the
 *   three queries the issue names ("car", "feline", "a large body of water") or of their answers (cable car, elevator
 *   car, body of water, water, sea lion, cat's-paw, large, …) and every one whose definition mentions a car, a feline
 *   or a body of water — the hardest distractors there are — plus one in a hundred of the rest.
 */
import type { Synset } from "../../examples/wordnet/synset.ts";
import { words } from "../../examples/wordnet/text-features.ts";

const kept = new Set(["cat", "car", "sea", "lake", "ocean", "dog", "bicycle", "river", "house", "tree"]);

export const subset = {
  files: ["data.noun"],
  filter: (synset: Synset) => synset.lemmas.some((lemma) => kept.has(lemma)) || Number.parseInt(synset.id, 10) % 100 === 0,
};

const queryWords = new Set(["car", "feline", "felid", "cat", "water", "sea", "ocean", "lake", "body", "large"]);

export const querySubset = {
  files: ["data.noun", "data.adj"],
  filter: (synset: Synset) =>
    synset.lemmas.some((lemma) => words(lemma).some((word) => queryWords.has(word))) ||
    /\b(car|cars|feline|felid|body of water)\b/.test(synset.definition) ||
    Number.parseInt(synset.id, 10) % 100 === 0,
};

/** Synset ids the tests expect among the results. */
export const expected = {
  cat: "02124272-n",
  car: "02961779-n",
  sea: "09449666-n",
  ocean: "09399110-n",
  lake: "09351810-n",
  /** feline, felid (the family's member: any of various lithe-bodied roundheaded fissiped mammals). */
  felid: "02123649-n",
  /** feline (the adjective: of or relating to cats). */
  felineAdjective: "02893192-a",
};
