/**
 * p50/p99 of `/search` on a running WordNet flow (`npm start`) over HTTP, beside the same gateway's `GET /` (the
 * HTTP hop alone, no executor) as the baseline; prints both, their ratio, and the median time of each executor
 * from the responses' routes. Queries are WordNet lemmas in turn.
 *
 * With `--workspace W` (the flow's workspace) it also times, in this process on a copy of shard 0, what one shard
 * does per query: the query's embedding, the HNSW search for 50 candidates (AnnIndexer's store, documents read from
 * sqlite), and the exact scan of the same vectors (the flow's indexer before AnnIndexer), so the flow's figure
 * sits beside its parts.
 *
 * Run: `npm start` in one terminal, then `npx tsx bench/wordnet-search.ts [--port 54322] [--requests 200]
 * [--workspace .workspace/wordnet]`.
 *
 * @module
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type AnnStore, DocumentArray, type StoredDocumentArray, topK } from "../docarray/mod.ts";
import { commandArgs } from "../runtime/mod.ts";
import { DocumentFrequencies } from "../examples/wordnet/document-frequencies.ts";
import { HashedTfidfEmbedder } from "../examples/wordnet/embedder.ts";
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
const search = async () => {
  const response = await fetch(`${base}/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data: [{ text: next() }], parameters: { limit: 10 } }),
  });
  if (!response.ok) throw new Error(`/search answered ${response.status}`);
  const body = (await response.json()) as { routes?: { executor: string; startTime: string; endTime: string }[] };
  for (const route of body.routes ?? []) {
    const list = executorMs.get(route.executor) ?? [];
    list.push(Date.parse(route.endTime) - Date.parse(route.startTime));
    executorMs.set(route.executor, list);
  }
};
const hop = async () => void (await (await fetch(`${base}/`)).arrayBuffer());

const rows: Measurement[] = [
  await measure("GET / (HTTP hop, baseline)", hop, { concurrency: 1, requests }),
  await measure("POST /search (encoder → 2 shards → ranker)", search, { concurrency: 1, requests, warmup: 10 }),
];
const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1] ?? NaN;
const routes = [...executorMs].map(([executor, list]) => `${executor} ${median(list)} ms`).join(", ");

if (values.workspace) {
  const copy = mkdtempSync(join(tmpdir(), "wordnet-bench-"));
  try {
    cpSync(join(values.workspace, "indexer", "0", "ann"), copy, { recursive: true });
    const embedder = new HashedTfidfEmbedder(await DocumentFrequencies.load(join(values.workspace, "frequencies.bin")), { dim: 256 });
    const shard = new DocumentArray({ storage: "ann", config: { nDim: 256, metric: "cosine", maxConnection: 12, efConstruction: 64, efSearch: 128, dataPath: copy } });
    const store = (shard as StoredDocumentArray).store as AnnStore;
    const vectors = store.index.vectors.subarray(0, store.index.count * 256);
    const inProcess = (name: string, call: () => unknown) => measure(name, async () => void call(), { concurrency: 1, requests, warmup: 10 });
    rows.push(
      await inProcess("in-process: embed the query", () => embedder.embedOne(next())),
      await inProcess(`in-process: HNSW top 50 of shard 0 (${store.index.size} docs, from sqlite)`, () => store.search(embedder.embedOne(next()), 50, undefined)),
      await inProcess(`in-process: exact scan top 50 of the same ${store.index.count} vectors`, () => topK(vectors, 256, embedder.embedOne(next()), 50, "dot")),
    );
    shard.close();
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
printTable(rows);
console.log(`\n/search p50 is ${(rows[1]!.p50Ms / rows[0]!.p50Ms).toFixed(1)}× the bare hop's; per executor (median of the routes): ${routes}`);
if (rows.length > 4) console.log(`exact scan ÷ HNSW (one shard, p50): ${(rows[4]!.p50Ms / rows[3]!.p50Ms).toFixed(1)}×`);
