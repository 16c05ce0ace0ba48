/**
 * Measures retrieval quality through the served path: held-out queries built from WordNet (see `eval-queries.ts`),
 * a corpus of all synsets with each query's part removed from its target, fitted and indexed by the real flow
 * (`flow.yml`: encoder → 2 indexer shards, HNSW + BM25F → ranker, started by `prepareWordnet` as `npm start` does),
 * and every query sent through `flow.search` with `limit: 10`. It reports recall@10 and MRR@10 of the flow as served
 * (both candidate sources), of each source alone (per-request `lexical: 0` / `candidates: 0`, the same re-ranker),
 * and of a BM25 baseline over the synsets' text (`bm25.ts`, exact, in this process), on the same corpus and queries.
 * Both tasks share one index: a synset is the target of at most one query.
 *
 * Run: `npm run eval` (`--queries N` per task, default 200; `--workspace DIR` keeps the index there and reuses it
 * when it was built for the same queries, default a temporary folder removed at the end).
 *
 * @module
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Flow } from "../../mod.ts";
import { commandArgs } from "../../runtime/mod.ts";
import { Bm25Index } from "./bm25.ts";
import { type HeldOutQuery, heldOutLemmaQueries, reverseDictionaryQueries, seededRandom } from "./eval-queries.ts";
import { loadSynsets } from "./loader.ts";
import { prepareWordnet } from "./serve.ts";
import { type Synset, synsetText } from "./synset.ts";

const args = commandArgs();
const value = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const queryCount = Number(value("queries") ?? 200);
const kept = value("workspace");
const workspace = kept ?? mkdtempSync(join(tmpdir(), "wordnet-eval-"));

/** Recall@10 and MRR@10 of ranked answers (synset ids) against each query's target. */
function score(queries: HeldOutQuery[], ranked: string[][], ids: string[]): { recall: number; mrr: number } {
  let hits = 0;
  let reciprocal = 0;
  queries.forEach((query, i) => {
    const rank = ranked[i]!.slice(0, 10).indexOf(ids[query.target]!);
    if (rank >= 0) {
      hits++;
      reciprocal += 1 / (rank + 1);
    }
  });
  return { recall: hits / queries.length, mrr: reciprocal / queries.length };
}

/** Each query's top 10 through the flow, in batches of 16, with extra `/search` parameters. */
async function served(flow: Flow, queries: HeldOutQuery[], parameters: Record<string, number>): Promise<{ ranked: string[][]; msPerQuery: number }> {
  const ranked: string[][] = [];
  const started = performance.now();
  for (let i = 0; i < queries.length; i += 16) {
    const batch = queries.slice(i, i + 16).map((query, j) => ({ id: `q${i + j}`, text: query.query }));
    const answers = await flow.search(batch, { parameters: { limit: 10, ...parameters } });
    const byId = new Map([...answers].map((doc) => [doc.id, [...doc.matches].map((match) => match.id)]));
    for (const doc of batch) ranked.push(byId.get(doc.id) ?? []);
  }
  return { ranked, msPerQuery: (performance.now() - started) / queries.length };
}

const synsets: Synset[] = [];
for await (const synset of loadSynsets()) synsets.push(synset);
const ids = synsets.map((synset) => synset.id);
const lemmaTask = heldOutLemmaQueries(synsets, queryCount, seededRandom(13));
const taken = new Set(lemmaTask.map((query) => query.target));
const reverseTask = reverseDictionaryQueries(synsets, queryCount + 50, seededRandom(31)).filter((query) => !taken.has(query.target)).slice(0, queryCount);
const tasks: [string, HeldOutQuery[]][] = [["held-out lemma", lemmaTask], ["reverse dictionary", reverseTask]];
const indexed = [...synsets];
for (const [, queries] of tasks) for (const query of queries) indexed[query.target] = query.indexed;

// an index kept with --workspace is reused only for the same queries
const fingerprint = JSON.stringify({ queries: queryCount, targets: tasks.map(([, queries]) => queries.map((query) => query.target)) });
const marker = join(workspace, "eval-queries.json");
const reindex = existsSync(marker) ? readFileSync(marker, "utf8") !== fingerprint : true;
console.log(`${synsets.length} synsets; ${lemmaTask.length} + ${reverseTask.length} queries; workspace ${workspace}${reindex ? "" : " (reused)"}`);
const started = performance.now();
const flow = await prepareWordnet({ workspace, ports: [0, 0, 0], reindex, synsets: () => indexed, log: (line) => console.log(line) });
try {
  writeFileSync(marker, fingerprint);
  console.log(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const bm25 = new Bm25Index(indexed.map(synsetText));
  console.log("| task | queries | the flow (HNSW 50 + BM25F 50 per shard, re-ranked) | vector candidates only | lexical candidates only | BM25 baseline |");
  console.log("|---|---|---|---|---|---|");
  for (const [task, queries] of tasks) {
    const cells: string[] = [];
    for (const parameters of [{}, { lexical: 0 }, { candidates: 0 }]) {
      const { ranked, msPerQuery } = await served(flow, queries, parameters);
      const { recall, mrr } = score(queries, ranked, ids);
      cells.push(`${(100 * recall).toFixed(1)}% / ${mrr.toFixed(3)} <!-- ${msPerQuery.toFixed(1)} ms/query -->`);
    }
    const base = score(queries, queries.map((query) => bm25.search(query.query, 10).map((hit) => ids[hit.index]!)), ids);
    console.log(`| ${task} | ${queries.length} | ${cells.join(" | ")} | ${(100 * base.recall).toFixed(1)}% / ${base.mrr.toFixed(3)} |`);
  }
} finally {
  await flow.close();
  if (!kept) rmSync(workspace, { recursive: true, force: true });
}
