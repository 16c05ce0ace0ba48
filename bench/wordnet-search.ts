/**
 * p50/p99 of `/search` on a running WordNet flow (`npm start`) over HTTP, beside the same gateway's `GET /` (the
 * HTTP hop alone, no executor) as the baseline, and beside `/search` with the lexical candidates off (`lexical: 0`,
 * the flow before its hybrid search); prints them, their ratios, and the median time of each executor from the
 * responses' routes. Queries are WordNet lemmas in turn.
 *
 * With `--workspace W` (the flow's workspace) it also times, in this process on a copy of shard 0, what one shard
 * does per query: the query's embedding, the HNSW search for 50 candidates (AnnIndexer's store, documents read from
 * sqlite), the BM25F search for 50 (its lexical index), and the exact scan of the same vectors (the flow's indexer
 * before AnnIndexer), so the flow's figure sits beside its parts.
 *
 * Run: `npm start` in one terminal, then `npx tsx bench/wordnet-search.ts [--port 54322] [--requests 200]
 * [--workspace .workspace/wordnet]`.
 *
 * @module
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type AnnStore, DocumentArray, type StoredDocumentArray, topK } from "../docarray/mod.ts";
import { commandArgs } from "../runtime/mod.ts";
import { DocumentFrequencies } from "../examples/wordnet/document-frequencies.ts";
import { HashedTfidfEmbedder } from "../examples/wordnet/embedder.ts";
import { LexicalIndex } from "../examples/wordnet/lexical-index.ts";
import { loadSynsets } from "../examples/wordnet/loader.ts";
import { type Measurement, measure, printTable } from "./measure.ts";

const { values } = parseArgs({
  args: commandArgs(),
  options: { port: { type: "string", default: "54322" }, requests: { type: "string", default: "200" }, workspace: { type: "string" } },
});
const base = `http://127.0.0.1:${values.port}`;
const requests = Number(values.requests);

const queries: string[] = [];
for await (const synset of loadSynsets({ files: ["data.noun"], filter: (s) => Number.parseInt(s.id, 10) % 97 === 0, limit: requests, frequencies: false })) {
  queries.push(synset.lemmas[0]!);
}
let turn = 0;
const next = () => queries[turn++ % queries.length]!;
const executorMs = new Map<string, number[]>();
const search = (parameters: Record<string, number>, timeRoutes: boolean) => async () => {
  const response = await fetch(`${base}/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data: [{ text: next() }], parameters: { limit: 10, ...parameters } }),
  });
  if (!response.ok) throw new Error(`/search answered ${response.status}`);
  const body = (await response.json()) as { routes?: { executor: string; startTime: string; endTime: string }[] };
  if (timeRoutes) for (const route of body.routes ?? []) {
    const list = executorMs.get(route.executor) ?? [];
    list.push(Date.parse(route.endTime) - Date.parse(route.startTime));
    executorMs.set(route.executor, list);
  }
};
const hop = async () => void (await (await fetch(`${base}/`)).arrayBuffer());

const rows: Measurement[] = [
  await measure("GET / (HTTP hop, baseline)", hop, { concurrency: 1, requests }),
  await measure("POST /search (encoder → 2 shards, HNSW + BM25F → ranker)", search({}, true), { concurrency: 1, requests, warmup: 10 }),
  await measure("POST /search, lexical: 0 (HNSW candidates only, the flow before)", search({ lexical: 0 }, false), { concurrency: 1, requests, warmup: 10 }),
];
const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1] ?? NaN;
const routes = [...executorMs].map(([executor, list]) => `${executor} ${median(list)} ms`).join(", ");

if (values.workspace) {
  const copy = mkdtempSync(join(tmpdir(), "wordnet-bench-"));
  try {
    cpSync(join(values.workspace, "indexer", "0", "ann"), copy, { recursive: true });
    for (const file of ["lexical.db", "lexical.db-wal"]) {
      const from = join(values.workspace, "indexer", "0", file);
      if (existsSync(from)) cpSync(from, join(copy, file));
    }
    const lexical = new LexicalIndex(join(copy, "lexical.db"));
    const embedder = new HashedTfidfEmbedder(await DocumentFrequencies.load(join(values.workspace, "frequencies.bin")), { dim: 256 });
    const shard = new DocumentArray({ storage: "ann", config: { nDim: 256, metric: "cosine", maxConnection: 12, efConstruction: 64, efSearch: 128, dataPath: copy } });
    const store = (shard as StoredDocumentArray).store as AnnStore;
    const vectors = store.index.vectors.subarray(0, store.index.count * 256);
    const inProcess = (name: string, call: () => unknown) => measure(name, async () => void call(), { concurrency: 1, requests, warmup: 10 });
    rows.push(
      await inProcess("in-process: embed the query", () => embedder.embedOne(next())),
      await inProcess(`in-process: HNSW top 50 of shard 0 (${store.index.size} docs, from sqlite)`, () => store.search(embedder.embedOne(next()), 50, undefined)),
      await inProcess(`in-process: BM25F top 50 of shard 0 (${lexical.count} docs, ids only)`, () => lexical.search(next(), 50)),
      await inProcess(`in-process: exact scan top 50 of the same ${store.index.count} vectors`, () => topK(vectors, 256, embedder.embedOne(next()), 50, "dot")),
    );
    shard.close();
    lexical.close();
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
printTable(rows);
console.log(`\n/search p50 is ${(rows[1]!.p50Ms / rows[0]!.p50Ms).toFixed(1)}× the bare hop's and ${(rows[1]!.p50Ms / rows[2]!.p50Ms).toFixed(2)}× that without lexical candidates; per executor (median of the routes): ${routes}`);
if (rows.length > 6) console.log(`exact scan ÷ HNSW (one shard, p50): ${(rows[6]!.p50Ms / rows[4]!.p50Ms).toFixed(1)}×`);
