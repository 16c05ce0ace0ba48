/**
 * A small WordNet subset for tests: every noun synset whose lemmas include one of a few words the tests query,
 * plus one in a hundred of the others (about 900 synsets), so tests index in seconds yet search among distractors.
 */
import type { Synset } from "../../examples/wordnet/synset.ts";

const kept = new Set(["cat", "car", "sea", "lake", "ocean", "dog", "bicycle", "river", "house", "tree"]);

export const subset = {
  files: ["data.noun"],
  filter: (synset: Synset) => synset.lemmas.some((lemma) => kept.has(lemma)) || Number.parseInt(synset.id, 10) % 100 === 0,
};

/** Synset ids the tests expect among the results. */
export const expected = { cat: "02124272-n", car: "02961779-n", sea: "09449666-n", ocean: "09399110-n", lake: "09351810-n" };
