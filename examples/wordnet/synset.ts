/**
 * One line of a WordNet 3.1 `data.<pos>` file, parsed into a synset (see `wndb(5WN)`):
 *
 * `offset lex_filenum ss_type w_cnt word lex_id [word lex_id…] p_cnt [ptr…] [frames…] | gloss`
 *
 * `w_cnt` is two hex digits, `p_cnt` three decimal digits, each pointer four fields; the gloss is a definition
 * followed by examples in double quotes, separated by "; ".
 *
 * @module
 */

/** WordNet's synset types (`ss_type`) by name. */
const partsOfSpeech: Readonly<Record<string, string>> = { n: "noun", v: "verb", a: "adjective", s: "adjective satellite", r: "adverb" };

/**
 * A WordNet synset: its id (`<offset>-<pos letter>`, the form NLTK and the Open Multilingual Wordnet use), lemmas
 * (underscores turned into spaces, adjective markers such as "(a)" removed), part of speech, definition and examples.
 *
 * @example
 * ```ts
 * const synset: Synset = { id: "02124272-n", lemmas: ["cat", "true cat"], pos: "noun", definition: "feline mammal …", examples: [] };
 * ```
 */
export interface Synset {
  id: string;
  lemmas: string[];
  pos: string;
  definition: string;
  examples: string[];
  /** How often its senses were tagged in WordNet's semantic concordance (`index.sense`), when read. */
  frequency?: number;
}

/**
 * Parses one line of a `data.<pos>` file; returns undefined for the licence header (lines starting with two spaces)
 * and blank lines. Throws an Error naming the offset when a line is malformed.
 *
 * @example
 * ```ts
 * parseSynsetLine("02124272 05 n 02 cat 0 true_cat 0 000 | feline mammal; \"a cat sat\"");
 * // { id: "02124272-n", lemmas: ["cat", "true cat"], pos: "noun", definition: "feline mammal", examples: ["a cat sat"] }
 * ```
 */
export function parseSynsetLine(line: string): Synset | undefined {
  if (line.length === 0 || line.startsWith(" ")) return undefined;
  const bar = line.indexOf(" | ");
  const fields = (bar < 0 ? line : line.slice(0, bar)).split(" ");
  const [offset, , type, wordCount] = fields;
  const count = Number.parseInt(wordCount ?? "", 16);
  const pos = partsOfSpeech[type ?? ""];
  if (!offset || !pos || !Number.isInteger(count) || fields.length < 4 + 2 * count) {
    throw new Error(`Malformed WordNet data line (offset ${offset ?? "?"}): ${line.slice(0, 80)}`);
  }
  const lemmas: string[] = [];
  for (let i = 0; i < count; i++) {
    const lemma = fields[4 + 2 * i]!.replace(/\([a-z]+\)$/, "").replaceAll("_", " ");
    if (!lemmas.includes(lemma)) lemmas.push(lemma);
  }
  const { definition, examples } = splitGloss(bar < 0 ? "" : line.slice(bar + 3).trim());
  return { id: `${offset}-${type}`, lemmas, pos, definition, examples };
}

/**
 * Splits a gloss into its definition and its quoted examples.
 *
 * @example
 * ```ts
 * splitGloss('draw air into the lungs; "I can breathe better"; "The patient is respiring"');
 * // { definition: "draw air into the lungs", examples: ["I can breathe better", "The patient is respiring"] }
 * ```
 */
export function splitGloss(gloss: string): { definition: string; examples: string[] } {
  const examples = [...gloss.matchAll(/"([^"]*)"/g)].map((match) => match[1]!.trim()).filter(Boolean);
  const quote = gloss.indexOf('"');
  const definition = (quote < 0 ? gloss : gloss.slice(0, quote)).trim().replace(/[;:,\s]+$/, "");
  return { definition, examples };
}

/**
 * The text a synset is indexed and shown with: `lemma, lemma: definition; "example"`.
 *
 * @example
 * ```ts
 * synsetText({ id: "x", lemmas: ["cat", "true cat"], pos: "noun", definition: "feline mammal", examples: [] });
 * // "cat, true cat: feline mammal"
 * ```
 */
export function synsetText(synset: Synset): string {
  const examples = synset.examples.map((example) => `; "${example}"`).join("");
  return `${synset.lemmas.join(", ")}: ${synset.definition}${examples}`;
}
