/**
 * Measures retrieval quality on held-out queries built from WordNet (see `eval-queries.ts`): recall@10 and MRR@10
 * of the hashed fielded TF-IDF encoder (exact cosine top-10 over the embeddings), of the flow's pipeline (the
 * embeddings' top 100 — what 2 shards × 50 candidates give — re-scored by the ranker: exact fielded TF-IDF cosine ×
 * frequency prior) and of a BM25 baseline over the synsets' text, on the same corpus and queries. The flow's
 * indexer is HNSW, an approximation of the exact top 100 used here.
 *
 * Run: `npm run eval` (all 117k synsets; `--queries N` per task, default 500; `--dim D`, default 256; `--probes P`,
 * default 4; `--subword-weight W`, default 0; `--prior λ`, default 0.2; `--dense-phrase W`, the weight of whole
 * lemmas in the vectors, default 1 as the flow's encoder; `--lemma-only` runs the first task only).
 *
 * @module
 */
import { commandArgs } from "../../runtime/mod.ts";
import { Bm25Index } from "./bm25.ts";
import { DocumentFrequencies } from "./document-frequencies.ts";
import { HashedTfidfEmbedder } from "./embedder.ts";
import { type HeldOutQuery, heldOutLemmaQueries, reverseDictionaryQueries, seededRandom } from "./eval-queries.ts";
import { loadSynsets, synsetDocument } from "./loader.ts";
import { relevance } from "./ranker.ts";
import { type Synset, synsetText } from "./synset.ts";
import { synsetFeatures } from "./text-features.ts";
import { topK } from "../../docarray/mod.ts";

const args = commandArgs();
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const tasks = args.includes("--lemma-only") ? 1 : 2;
const queryCount = option("queries", 500);
const dim = option("dim", 256);
const subwordWeight = option("subword-weight", 0);
const probes = option("probes", 4);
const prior = option("prior", 0.2);
const densePhrase = option("dense-phrase", 1);

/** The encoder's model (whole lemmas weigh `--dense-phrase`, as the flow's encoder) and the ranker's (default weights), over one table. */
function makeModels(synsets: Synset[]): { encoder: HashedTfidfEmbedder; ranker: HashedTfidfEmbedder } {
  const options = { dim, subwordWeight, probes };
  const frequencies = new DocumentFrequencies();
  for (const synset of synsets) frequencies.add(synsetFeatures(synset, options));
  return { encoder: new HashedTfidfEmbedder(frequencies, { ...options, phrase: densePhrase }), ranker: new HashedTfidfEmbedder(frequencies, options) };
}

/** Recall@10 and MRR@10 of ranked answers (lists of synset indexes) against the targets. */
function score(queries: HeldOutQuery[], ranked: number[][]): { recall: number; mrr: number } {
  let hits = 0;
  let reciprocal = 0;
  queries.forEach((query, i) => {
    const rank = ranked[i]!.slice(0, 10).indexOf(query.target);
    if (rank >= 0) {
      hits++;
      reciprocal += 1 / (rank + 1);
    }
  });
  return { recall: hits / queries.length, mrr: reciprocal / queries.length };
}

async function evaluate(task: string, synsets: Synset[], queries: HeldOutQuery[]): Promise<void> {
  const indexed = [...synsets];
  for (const query of queries) indexed[query.target] = query.indexed;

  let started = performance.now();
  const bm25 = new Bm25Index(indexed.map(synsetText));
  const bm25Ranked = queries.map((query) => bm25.search(query.query, 10).map((hit) => hit.index));
  const bm25Seconds = (performance.now() - started) / 1000;

  started = performance.now();
  const { encoder: embedder, ranker } = makeModels(indexed);
  const matrix = new Float32Array(indexed.length * dim);
  indexed.forEach((synset, i) => matrix.set(embedder.embedFields(synset), i * dim));
  const encoded = (performance.now() - started) / 1000;
  const wanted = new Float32Array(queries.length * dim);
  queries.forEach((query, i) => wanted.set(embedder.embedOne(query.query), i * dim));
  const candidates = topK(matrix, dim, wanted, 100, "dot").map((hits) => [...hits.rows]);
  const ranked = candidates.map((list) => list.slice(0, 10));
  // The flow's re-ranker over the candidates: exact fielded TF-IDF cosine × frequency prior.
  const reranked = queries.map((query, i) => {
    const sparse = ranker.sparse(query.query);
    return candidates[i]!.map((index) => ({ index, score: relevance(ranker, sparse, synsetDocument(indexed[index]!), prior).relevance }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10)
      .map((hit) => hit.index);
  });
  const inCandidates = queries.filter((query, i) => candidates[i]!.includes(query.target)).length / queries.length;
  const vector = score(queries, ranked);
  const flow = score(queries, reranked);
  const base = score(queries, bm25Ranked);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(
    `| ${task} | ${queries.length} | ${pct(vector.recall)} / ${vector.mrr.toFixed(3)} | ${pct(flow.recall)} / ${flow.mrr.toFixed(3)} |` +
      ` ${pct(base.recall)} / ${base.mrr.toFixed(3)} | ${pct(inCandidates)} | <!-- encode ${encoded.toFixed(1)} s, bm25 ${bm25Seconds.toFixed(1)} s -->`,
  );
}

const synsets: Synset[] = [];
for await (const synset of loadSynsets()) synsets.push(synset);
console.log(`${synsets.length} synsets; hashed fielded TF-IDF, dim ${dim}, ${probes} probes, sub-word weight ${subwordWeight}, whole lemmas in the vectors ×${densePhrase}, prior ${prior}; ${queryCount} queries per task\n`);
console.log("| task | queries | hashed vector: recall@10 / MRR@10 | the flow: top 100 re-ranked | BM25 | target in the top 100 |");
console.log("|---|---|---|---|---|---|");
await evaluate("held-out lemma", synsets, heldOutLemmaQueries(synsets, queryCount, seededRandom(13)));
if (tasks > 1) await evaluate("reverse dictionary", synsets, reverseDictionaryQueries(synsets, queryCount, seededRandom(31)));
