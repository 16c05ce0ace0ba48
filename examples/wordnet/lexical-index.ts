/**
 * The lexical half of the WordNet indexer's hybrid search: a BM25F index over the synsets' fields in an SQLite FTS5
 * table beside the shard's documents (`bm25()` is FTS5's own Okapi BM25, k1 = 1.2, b = 0.75, with a weight per
 * column). Its columns are the whole lemmas (each one token: `body_of_water`), the lemmas' words, the definition and
 * the examples. A query matches any of its words except English stop words (Lucene's list: "a", "of", "the", … match
 * half the corpus, weigh almost nothing in BM25, and cost 100 ms a query to score), and the synsets that have the
 * whole query as a lemma come first whatever their BM25 score ("car" → every synset named car). The table is
 * contentless (it stores the index, not the text).
 *
 * @module
 */
import { openSqlite, type SqliteDatabase, type SqliteValue } from "../../runtime/sqlite.ts";
import { type SynsetFields, words } from "./text-features.ts";

/**
 * BM25 weights of the columns (a lemma names the synset, a definition describes it, an example only uses it).
 *
 * @example
 * ```ts
 * const weights: LexicalWeights = { name: 4, lemma: 2, definition: 1, example: 0.5 };
 * ```
 */
export interface LexicalWeights {
  /** A whole lemma equal to the query (or to one of its words); default 4. */
  name?: number;
  /** A word of a lemma; default 2. */
  lemma?: number;
  /** A word of the definition; default 1. */
  definition?: number;
  /** A word of an example; default 0.5. */
  example?: number;
}

/**
 * One lexical hit: the document id and its BM25 score (higher is better).
 *
 * @example
 * ```ts
 * const hit: LexicalHit = { id: "02961779-n", score: 12.4 };
 * ```
 */
export interface LexicalHit {
  id: string;
  score: number;
}

/** Lucene's English stop words (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`). */
const stopWords = new Set(
  "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(" "),
);

/** A lemma as one token: its words joined by `_` (the table's tokenizer keeps `_` inside tokens). */
function nameToken(text: string): string {
  return words(text).join("_");
}

/**
 * The FTS5 query for a text: its words but stop words (all of them when it has nothing else), OR-ed and quoted, so no
 * word is read as FTS5 syntax. Empty when the text has no word.
 *
 * @example
 * ```ts
 * lexicalQuery("a large body of water"); // '"large" OR "body" OR "water"'
 * ```
 */
export function lexicalQuery(text: string): string {
  const all = new Set(words(text));
  const terms = [...all].filter((word) => !stopWords.has(word));
  return (terms.length ? terms : [...all]).map((term) => `"${term}"`).join(" OR ");
}

/**
 * A BM25F index of synsets in an SQLite file (see the module doc). Writes go in one transaction per {@link add} or
 * {@link remove}; `count` says how many documents it holds, so an owner can rebuild it when it disagrees with the
 * documents it mirrors.
 *
 * @example
 * ```ts
 * const index = new LexicalIndex(":memory:");
 * index.add([{ id: "02961779-n", fields: { lemmas: ["car", "auto"], definition: "a motor vehicle", examples: [] } }]);
 * index.search("car", 10); // [{ id: "02961779-n", score: … }]
 * index.close();
 * ```
 */
export class LexicalIndex {
  readonly #db: SqliteDatabase;
  readonly #weights: string;

  constructor(file: string, weights: LexicalWeights = {}) {
    this.#db = openSqlite(file);
    const { name = 4, lemma = 2, definition = 1, example = 0.5 } = weights;
    this.#weights = [name, lemma, definition, example].map(Number).join(", ");
    this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec("PRAGMA synchronous = NORMAL");
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS lexical_ids (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
      CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5(
        names, lemmas, definition, examples, content = '', contentless_delete = 1, tokenize = "unicode61 tokenchars '_'"
      );
    `);
  }

  /** How many documents the index holds. */
  get count(): number {
    return Number(this.#db.prepare("SELECT COUNT(*) AS n FROM lexical_ids").get()?.n ?? 0);
  }

  /** Indexes documents (one transaction); a document whose id is already indexed is replaced. */
  add(docs: Iterable<{ id: string; fields: SynsetFields }>): void {
    this.#transaction(() => {
      const find = this.#db.prepare("SELECT rowid FROM lexical_ids WHERE id = ?");
      const insertId = this.#db.prepare("INSERT INTO lexical_ids (id) VALUES (?) RETURNING rowid");
      const drop = this.#db.prepare("DELETE FROM lexical WHERE rowid = ?");
      const insert = this.#db.prepare("INSERT INTO lexical (rowid, names, lemmas, definition, examples) VALUES (?, ?, ?, ?, ?)");
      for (const { id, fields } of docs) {
        let rowid = find.get(id)?.rowid;
        if (rowid === undefined) rowid = insertId.get(id)!.rowid!;
        else drop.run(rowid);
        insert.run(rowid, fields.lemmas.map(nameToken).join(" "), fields.lemmas.join(" "), fields.definition, fields.examples.join(" "));
      }
    });
  }

  /** Removes documents by id (one transaction); returns how many were indexed. */
  remove(ids: Iterable<string>): number {
    let removed = 0;
    this.#transaction(() => {
      const find = this.#db.prepare("SELECT rowid FROM lexical_ids WHERE id = ?");
      for (const id of ids) {
        const rowid = find.get(id)?.rowid;
        if (rowid === undefined || rowid === null) continue;
        this.#db.prepare("DELETE FROM lexical WHERE rowid = ?").run(rowid);
        this.#db.prepare("DELETE FROM lexical_ids WHERE rowid = ?").run(rowid);
        removed++;
      }
    });
    return removed;
  }

  /** Removes every document. */
  clear(): void {
    this.#transaction(() => {
      this.#db.exec("DELETE FROM lexical_ids");
      this.#db.exec("INSERT INTO lexical (lexical) VALUES ('delete-all')");
    });
  }

  /**
   * The synsets that have the whole text as a lemma (up to `limit`), then the `limit` best by BM25, best first, without
   * repeats; none for a text without words.
   */
  search(text: string, limit: number): LexicalHit[] {
    const query = lexicalQuery(text);
    if (!query || limit <= 0) return [];
    // FTS5's bm25() is negated so that ascending order is best first
    const hits = new Map<string, number>();
    const name = nameToken(text);
    for (const row of this.#select(`names : "${name}"`, limit)) hits.set(String(row.id), -Number(row.score));
    for (const row of this.#select(query, limit)) if (!hits.has(String(row.id))) hits.set(String(row.id), -Number(row.score));
    return [...hits].map(([id, score]) => ({ id, score }));
  }

  #select(query: string, limit: number): Record<string, SqliteValue>[] {
    return this.#db.prepare(
      `SELECT i.id AS id, m.score AS score FROM (
         SELECT rowid, bm25(lexical, ${this.#weights}) AS score FROM lexical WHERE lexical MATCH ? ORDER BY score LIMIT ?
       ) m JOIN lexical_ids i ON i.rowid = m.rowid ORDER BY m.score`,
    ).all(query, limit);
  }

  close(): void {
    this.#db.close();
  }

  #transaction(write: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      write();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}
