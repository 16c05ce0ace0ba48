/**
 * bench/fanout: what the gateway's shard fan-out costs. In one run, p50 of `/search` (polling ALL: every shard,
 * then the reduce by id) through `gateway.handle` on a deployment of 1, 2, 4 and 8 shards of a no-op executor,
 * each shard in memory (`createExecutorTransport`, no sockets), so the figures are the gateway's own work:
 * fan-out, one call per shard, reduce. Prints p50, p99, req/s and each p50 as a ratio to the 1-shard figure.
 * Run: `npx tsx bench/fanout.ts` (BENCH_REQUESTS per case, default 1000; BENCH_DOCS per request, default 10).
 */
import { createDataRequest, Document, DocumentArray } from "../docarray/mod.ts";
import { createExecutorTransport } from "../executor/mod.ts";
import { createGateway } from "../gateway/mod.ts";
import { getEnv } from "../runtime/mod.ts";
import { measure, type Measurement, printTable } from "./measure.ts";
import { Noop } from "./noop-executor.ts";

const requests = Number(getEnv("BENCH_REQUESTS") ?? 1000);
const docCount = Number(getEnv("BENCH_DOCS") ?? 10);
const shardCounts = [1, 2, 4, 8];
const concurrency = 1;

const docs = new DocumentArray(Array.from({ length: docCount }, (_, i) => new Document({ id: `q${i}`, text: `query ${i}`, tags: { n: i } })));
const request = () => createDataRequest({ endpoint: "/search", docs });

const rows: Measurement[] = [];
for (const shards of shardCounts) {
  const gateway = createGateway({
    graph: { "start-gateway": ["noop"], noop: ["end-gateway"] },
    deployments: [{ name: "noop", shards: Array.from({ length: shards }, () => [createExecutorTransport(new Noop())]) }],
  });
  try {
    await gateway.endpoints(); // discovery done before measuring
    rows.push(await measure(`/search ALL, ${shards} shard${shards > 1 ? "s" : ""}`, () => gateway.handle(request()), { concurrency, requests }));
  } finally {
    await gateway.close();
  }
}

console.log(`${docCount} docs per request, concurrency ${concurrency}, ${requests} requests per case (in memory, no sockets)\n`);
printTable(rows);
console.log("");
const base = rows[0]!;
for (const row of rows) {
  console.log(`${row.name}: p50 ${row.p50Ms.toFixed(3)} ms = ${(row.p50Ms / base.p50Ms).toFixed(2)} × the 1-shard p50`);
}
