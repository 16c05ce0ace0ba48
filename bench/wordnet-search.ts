/**
 * p50/p99 of `/search` on a running WordNet flow (`npm start`) over HTTP, beside the same gateway's `GET /` (the
 * HTTP hop alone, no executor) as the baseline; prints both and their ratio. Queries are WordNet lemmas in turn.
 *
 * Run: `npm start` in one terminal, then `npx tsx bench/wordnet-search.ts [--port 54322] [--requests 200]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { commandArgs } from "../runtime/mod.ts";
import { loadSynsets } from "../examples/wordnet/loader.ts";
import { measure, printTable } from "./measure.ts";

const { values } = parseArgs({ args: commandArgs(), options: { port: { type: "string", default: "54322" }, requests: { type: "string", default: "200" } } });
const base = `http://127.0.0.1:${values.port}`;
const requests = Number(values.requests);

const queries: string[] = [];
for await (const synset of loadSynsets({ files: ["data.noun"], filter: (s) => Number.parseInt(s.id, 10) % 97 === 0, limit: requests })) {
  queries.push(synset.lemmas[0]!);
}
let turn = 0;
const search = async () => {
  const response = await fetch(`${base}/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data: [{ text: queries[turn++ % queries.length] }], parameters: { limit: 10 } }),
  });
  if (!response.ok) throw new Error(`/search answered ${response.status}`);
  await response.arrayBuffer();
};
const hop = async () => void (await (await fetch(`${base}/`)).arrayBuffer());

const rows = [
  await measure("GET / (HTTP hop, baseline)", hop, { concurrency: 1, requests }),
  await measure("POST /search (encoder → 2 shards → ranker)", search, { concurrency: 1, requests, warmup: 10 }),
];
printTable(rows);
console.log(`\n/search p50 is ${(rows[1]!.p50Ms / rows[0]!.p50Ms).toFixed(1)}× the bare hop's`);
