/**
 * bench/protocols: the same one-executor flow (gateway → no-op executor in its own process) called over each
 * gateway protocol with the jina-ts Client, in one run: gRPC (`JinaRPC/Call`), HTTP (`POST /post`), WebSocket
 * (`ws /`, bytes subprotocol) and Connect (`process_single_data` on the HTTP port). Baseline: a direct gRPC call
 * to the executor (no gateway). Each case runs `Client.post` of one document at concurrency 1 and 16, with one
 * client (and its connection) per case. Prints p50, p99, req/s and each protocol's p50 and req/s relative to gRPC
 * and to the direct call. Run: `npx tsx bench/protocols.ts` (BENCH_REQUESTS to change the count).
 */
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Client, type ClientProtocol } from "../client/mod.ts";
import { createDataRequest, Document, DocumentArray } from "../docarray/mod.ts";
import { JinaSingleDataRequestRPC } from "../proto/gen/jina_pb.ts";
import { getEnv, spawnScript } from "../runtime/mod.ts";
import { measure, type Measurement, printTable } from "./measure.ts";

const requests = Number(getEnv("BENCH_REQUESTS") ?? 1000);
const child = spawnScript(new URL("./serve-flow.ts", import.meta.url));
const ports = await child.waitForLine((line) =>
  line.startsWith("BENCH_READY ") ? JSON.parse(line.slice("BENCH_READY ".length)) as Record<string, number> : undefined
);
const docs = () => new DocumentArray([new Document({ id: "bench-doc", text: "hello jina-ts", tags: { n: 1 } })]);
const cases: [string, ClientProtocol, number][] = [
  ["gRPC", "grpc", ports.gateway!],
  ["HTTP", "http", ports.http!],
  ["WebSocket", "websocket", ports.websocket!],
  ["Connect", "connect", ports.http!],
];
try {
  const executor = createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: `http://127.0.0.1:${ports.executor}` }));
  const request = createDataRequest({ endpoint: "/search", docs: docs() });
  const rows: Measurement[] = [];
  for (const concurrency of [1, 16]) {
    const options = { concurrency, requests };
    rows.push(await measure("direct gRPC to executor", () => executor.process_single_data(request, { headers: { endpoint: "/search" } }), options));
    for (const [name, protocol, port] of cases) {
      const client = new Client({ port, protocol });
      rows.push(await measure(`flow over ${name}`, () => client.post("/search", docs()), options));
      client.close();
    }
  }
  printTable(rows);
  console.log("");
  for (const concurrency of [1, 16]) {
    const [direct, grpc, ...others] = rows.filter((row) => row.concurrency === concurrency);
    for (const row of [grpc!, ...others]) {
      console.log(
        `concurrency ${concurrency}, ${row.name}: p50 ÷ gRPC = ${(row.p50Ms / grpc!.p50Ms).toFixed(2)}, ÷ direct = ${(row.p50Ms / direct!.p50Ms).toFixed(2)}; ` +
          `req/s ÷ gRPC = ${(row.rps / grpc!.rps).toFixed(2)}, ÷ direct = ${(row.rps / direct!.rps).toFixed(2)}`,
      );
    }
  }
} finally {
  await child.stop();
}
