/**
 * The WordNet flow's indexer, a hybrid search: the package's {@link AnnIndexer} (documents in sqlite, an HNSW index
 * over their embeddings, both in the shard's workspace) and, beside it, a {@link LexicalIndex} (BM25F in an SQLite
 * FTS5 table, `lexical.db` in the same workspace). `/search` answers the union of both candidate lists per query, so
 * the re-ranker after it re-scores what either found: the graph is approximate and the hashed vectors are noisy, so
 * a synset named by the query ("car") can be missing from the vectors' neighbours, never from the lexical hits.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { type DocumentStore, type StoredDocumentArray } from "../../docarray/mod.ts";
import { Document, type ExecutorOptions, requests } from "../../mod.ts";
import type { HandlerArgs } from "../../executor/mod.ts";
import { AnnIndexer } from "../../executors/mod.ts";
import { LexicalIndex, type LexicalWeights } from "./lexical-index.ts";
import { synsetFields } from "./loader.ts";
import type { SynsetFields } from "./text-features.ts";

/** The most candidates a request may ask of either source, per shard. */
const maxCandidates = 1000;

/**
 * The indexer's own `usesWith` (every other option is AnnIndexer's: `nDim`, `metric`, `efSearch`, …).
 *
 * @example
 * ```ts
 * const options: CandidateIndexerOptions = { candidates: 50, lexical: 50 };
 * ```
 */
export interface CandidateIndexerOptions extends ExecutorOptions {
  /** Nearest neighbours by vector per query and shard (at least the request's `limit`); default 0. */
  candidates?: number;
  /** Lexical (BM25F) hits per query and shard; default 0, no lexical index. */
  lexical?: number;
  /** BM25 weights of the lexical index's columns (`{ name, lemma, definition, example }`). */
  bm25?: LexicalWeights;
}

/** A per-request override of a candidate count (`parameters.candidates`, `parameters.lexical`), bounded. */
function count(value: unknown, fallback: number): number {
  const n = value === undefined || value === null ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 0) return fallback;
  return Math.min(n, maxCandidates);
}

/**
 * AnnIndexer plus a lexical index (see the module doc). `/search` answers, per query, the
 * `max(limit, candidates)` nearest by vector and the `lexical` best by BM25F (the synsets with the query as a lemma
 * first), each once and without embeddings; a match found lexically has score `bm25` (higher is better), one found
 * by vector keeps `cosine` (a distance), one found by both has both. A request may set `parameters.candidates` and
 * `parameters.lexical` (at most 1000 each; 0 turns a source off). `/index`, `/delete` and `/update` keep the
 * lexical index in step; on start it is rebuilt from the stored documents when its count differs from theirs (a
 * crash between the two commits).
 *
 * @example
 * ```ts
 * new Flow().add({ name: "indexer", uses: CandidateIndexer, usesWith: { nDim: 256, candidates: 50, lexical: 50 }, shards: 2 });
 * ```
 */
export class CandidateIndexer extends AnnIndexer {
  readonly #candidates: number;
  readonly #lexicalCount: number;
  readonly #lexical: LexicalIndex | undefined;

  constructor({ candidates, lexical, bm25, ...options }: CandidateIndexerOptions = {}) {
    super(options);
    this.#candidates = count(candidates, 0);
    this.#lexicalCount = count(lexical, 0);
    if (this.#lexicalCount === 0) return;
    this.#lexical = new LexicalIndex(`${this.workspace}/lexical.db`, bm25);
    if (this.#lexical.count !== this.docs.length) this.#rebuildLexical();
  }

  @requests("/index")
  override index(args: HandlerArgs): JsonObject {
    const answer = super.index(args);
    this.#lexical?.add(lexicalEntries(args.docs));
    return answer;
  }

  @requests("/delete")
  override delete(args: HandlerArgs): JsonObject {
    const ids = Array.isArray(args.parameters.ids) ? args.parameters.ids.map(String) : args.docs.ids;
    const answer = super.delete(args);
    this.#lexical?.remove(ids);
    return answer;
  }

  @requests("/update")
  override update(args: HandlerArgs): JsonObject {
    const answer = super.update(args);
    this.#lexical?.add(lexicalEntries([...args.docs].filter((doc) => this.docs.has(doc.id))));
    return answer;
  }

  @requests("/search")
  override search(args: HandlerArgs): void {
    const candidates = count(args.parameters.candidates, this.#candidates);
    const lexical = count(args.parameters.lexical, this.#lexicalCount);
    // a request's `candidates: 0` turns the vector side off; otherwise it answers at least the request's limit
    const limit = args.parameters.candidates === 0 ? 0 : Math.max(Number(args.parameters.limit ?? 0), candidates);
    if (limit > 0) super.search({ ...args, parameters: { ...args.parameters, limit } });
    else for (const query of args.docs) query.matches = [];
    for (const query of args.docs) {
      // the stored embeddings stay here: the ranker re-scores by the synsets' fields, and 50 × 256 floats per shard
      // would be a third of the response's bytes
      for (const match of query.matches) match.embedding = undefined;
      if (this.#lexical && lexical > 0 && query.text) this.#addLexical(query, this.#lexical, lexical);
    }
  }

  get #store(): DocumentStore {
    return (this.docs as StoredDocumentArray).store;
  }

  override close(): void {
    this.#lexical?.close();
    super.close();
  }

  #addLexical(query: Document, index: LexicalIndex, limit: number): void {
    const byId = new Map(query.matches.map((match) => [match.id, match]));
    const added: Document[] = [];
    for (const hit of index.search(query.text!, limit)) {
      let match = byId.get(hit.id);
      if (!match) {
        // read from the store itself: the array would lend the document (keeping its bytes to write it back if changed)
        const proto = this.#store.byId(hit.id);
        if (!proto) continue;
        match = Document.fromProto(proto);
        match.embedding = undefined;
        byId.set(hit.id, match);
        added.push(match);
      }
      match.scores = { ...match.scores, bm25: { value: hit.score, opName: "BM25F over lemmas, definition and examples (similarity)" } };
    }
    if (added.length) query.matches = [...query.matches, ...added];
  }

  #rebuildLexical(): void {
    const index = this.#lexical!;
    index.clear();
    for (let start = 0; ; start += 1024) {
      const page = this.#store.range(start, start + 1024);
      index.add(lexicalEntries(page.map((proto) => Document.fromProto(proto))));
      if (page.length < 1024) return;
    }
  }
}

/** The lexical index's entries for documents: synsets by their fields, other documents by their text as definition. */
function lexicalEntries(docs: Iterable<Document>): { id: string; fields: SynsetFields }[] {
  return [...docs].map((doc) => ({ id: doc.id, fields: synsetFields(doc) ?? { lemmas: [], definition: doc.text ?? "", examples: [] } }));
}
