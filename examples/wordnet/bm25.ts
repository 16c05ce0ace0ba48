/**
 * Okapi BM25 over lower-cased words: the lexical baseline the encoder is measured against (`eval.ts`).
 *
 * @module
 */
import { words } from "./text-features.ts";

/**
 * An in-memory BM25 index (k1 = 1.2, b = 0.75, Lucene's IDF `ln(1 + (N − df + 0.5) / (df + 0.5))`).
 *
 * @example
 * ```ts
 * const bm25 = new Bm25Index(["a cat", "a large body of water"]);
 * bm25.search("water", 1); // [{ index: 1, score: 0.98… }]
 * ```
 */
export class Bm25Index {
  readonly #postings = new Map<string, { docs: number[]; tfs: number[] }>();
  readonly #lengths: Uint32Array;
  readonly #averageLength: number;
  readonly #k1: number;
  readonly #b: number;

  constructor(texts: readonly string[], options: { k1?: number; b?: number } = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
    this.#lengths = new Uint32Array(texts.length);
    let total = 0;
    texts.forEach((text, doc) => {
      const tokens = words(text);
      this.#lengths[doc] = tokens.length;
      total += tokens.length;
      const counts = new Map<string, number>();
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [token, tf] of counts) {
        let posting = this.#postings.get(token);
        if (!posting) this.#postings.set(token, (posting = { docs: [], tfs: [] }));
        posting.docs.push(doc);
        posting.tfs.push(tf);
      }
    });
    this.#averageLength = total / Math.max(1, texts.length);
  }

  /** The `limit` best documents for a query, best first (ties by index). */
  search(query: string, limit: number): { index: number; score: number }[] {
    const scores = new Map<number, number>();
    const n = this.#lengths.length;
    for (const token of new Set(words(query))) {
      const posting = this.#postings.get(token);
      if (!posting) continue;
      const idf = Math.log(1 + (n - posting.docs.length + 0.5) / (posting.docs.length + 0.5));
      posting.docs.forEach((doc, i) => {
        const tf = posting.tfs[i]!;
        const norm = this.#k1 * (1 - this.#b + (this.#b * this.#lengths[doc]!) / this.#averageLength);
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (this.#k1 + 1)) / (tf + norm));
      });
    }
    return [...scores].map(([index, score]) => ({ index, score }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, limit);
  }
}
