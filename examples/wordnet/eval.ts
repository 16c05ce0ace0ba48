/**
 * Measures retrieval quality on held-out queries built from WordNet (see `eval-queries.ts`): recall@10 and MRR@10
 * of the hashed TF-IDF encoder (exact cosine top-10 over the embeddings), of the flow's pipeline (the embeddings'
 * top 100, re-scored by the ranker's exact TF-IDF cosine) and of a BM25 baseline, on the same corpus and queries.
 *
 * Run: `npm run eval` (all 117k synsets; `--queries N` per task, default 500; `--dim D`, default 512; `--probes P`,
 * default 4; `--subword-weight W`, default 0; `--lemma-only` runs the first task only).
 *
 * @module
 */
import { commandArgs } from "../../runtime/mod.ts";
import { Bm25Index } from "./bm25.ts";
import { DocumentFrequencies } from "./document-frequencies.ts";
import { HashedTfidfEmbedder, sparseCosine } from "./embedder.ts";
import { type HeldOutQuery, heldOutLemmaQueries, reverseDictionaryQueries, seededRandom } from "./eval-queries.ts";
import { loadSynsets } from "./loader.ts";
import { type Synset, synsetText } from "./synset.ts";
import { textFeatures } from "./text-features.ts";
import { topK } from "../../docarray/mod.ts";

const args = commandArgs();
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const tasks = args.includes("--lemma-only") ? 1 : 2;
const queryCount = option("queries", 500);
const dim = option("dim", 512);
const subwordWeight = option("subword-weight", 0);
const probes = option("probes", 4);

function makeEmbedder(texts: string[]): HashedTfidfEmbedder {
  const options = { dim, subwordWeight, probes };
  const frequencies = new DocumentFrequencies();
  for (const text of texts) frequencies.add(textFeatures(text, options));
  return new HashedTfidfEmbedder(frequencies, options);
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
  const texts = synsets.map(synsetText);
  for (const query of queries) texts[query.target] = query.indexedText;

  let started = performance.now();
  const bm25 = new Bm25Index(texts);
  const bm25Ranked = queries.map((query) => bm25.search(query.query, 10).map((hit) => hit.index));
  const bm25Seconds = (performance.now() - started) / 1000;

  started = performance.now();
  const embedder = makeEmbedder(texts);
  const matrix = new Float32Array(texts.length * dim);
  texts.forEach((text, i) => matrix.set(embedder.embedOne(text), i * dim));
  const encoded = (performance.now() - started) / 1000;
  const candidates = queries.map((query) => [...topK(matrix, dim, embedder.embedOne(query.query), 100, "dot")[0]!.rows]);
  const ranked = candidates.map((list) => list.slice(0, 10));
  // The flow's re-ranker: 50 candidates per shard (2 shards: the vector's top 100), re-scored by exact TF-IDF cosine.
  const reranked = queries.map((query, i) => {
    const wanted = embedder.sparse(query.query);
    return candidates[i]!.map((index) => ({ index, score: sparseCosine(wanted, embedder.sparse(texts[index]!)) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10)
      .map((hit) => hit.index);
  });
  const vector = score(queries, ranked);
  const flow = score(queries, reranked);
  const base = score(queries, bm25Ranked);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(
    `| ${task} | ${queries.length} | ${pct(vector.recall)} / ${vector.mrr.toFixed(3)} | ${pct(flow.recall)} / ${flow.mrr.toFixed(3)} |` +
      ` ${pct(base.recall)} / ${base.mrr.toFixed(3)} | <!-- encode ${encoded.toFixed(1)} s, bm25 ${bm25Seconds.toFixed(1)} s -->`,
  );
}

const synsets: Synset[] = [];
for await (const synset of loadSynsets()) synsets.push(synset);
console.log(`${synsets.length} synsets; hashed TF-IDF, dim ${dim}, ${probes} probes, sub-word weight ${subwordWeight}; ${queryCount} queries per task\n`);
console.log("| task | queries | hashed vector: recall@10 / MRR@10 | + exact re-rank of top 100 (the flow) | BM25 |");
console.log("|---|---|---|---|---|");
await evaluate("held-out lemma", synsets, heldOutLemmaQueries(synsets, queryCount, seededRandom(13)));
if (tasks > 1) await evaluate("reverse dictionary", synsets, reverseDictionaryQueries(synsets, queryCount, seededRandom(31)));
