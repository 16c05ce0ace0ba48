/**
 * bench/hop: what a gateway hop costs. In one run, at concurrency 1 and 32:
 *   (a) a raw node:http2 echo of the same bytes (the baseline),
 *   (b) a direct gRPC call to one no-op executor (its own process),
 *   (c) the same request through a flow: client → gateway → that executor.
 * Servers run in child processes; this process only runs the clients. Prints p50, p99, req/s and the ratios
 * (c)/(a) and (c)/(b). Run: `npm run bench` (BENCH_REQUESTS to change the count).
 */
import { toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import { createDataRequest, Document, DocumentArray } from "../docarray/mod.ts";
import { DataRequestProtoSchema, JinaSingleDataRequestRPC } from "../proto/gen/jina_pb.ts";
import { getEnv, spawnScript, type ChildHandle } from "../runtime/mod.ts";
import { measure, type Measurement, printTable } from "./measure.ts";

const requests = Number(getEnv("BENCH_REQUESTS") ?? 2000);

async function startChild(file: string): Promise<{ child: ChildHandle; info: Record<string, number> }> {
  const child = spawnScript(new URL(file, import.meta.url));
  const info = await child
    .waitForLine((line) => (line.startsWith("BENCH_READY ") ? JSON.parse(line.slice("BENCH_READY ".length)) as Record<string, number> : undefined))
    .catch((error: unknown) => {
      throw new Error(`${file}: ${error instanceof Error ? error.message : error}\n${child.lastOutput()}`);
    });
  return { child, info };
}

const docs = new DocumentArray([new Document({ id: "bench-doc", text: "hello jina-ts", tags: { n: 1 } })]);
const request = createDataRequest({ endpoint: "/search", docs });
const body = toBinary(DataRequestProtoSchema, request);

const raw = await startChild("./serve-raw-echo.ts");
const flow = await startChild("./serve-flow.ts");
try {
  const session = http2.connect(`http://127.0.0.1:${raw.info.port}`);
  const rawCall = () =>
    new Promise<void>((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": "/echo", "content-type": "application/octet-stream" });
      stream.on("data", () => {});
      stream.on("end", () => resolve());
      stream.on("error", reject);
      stream.end(body);
    });
  const executor = createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: `http://127.0.0.1:${flow.info.executor}` }));
  const gateway = createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: `http://127.0.0.1:${flow.info.gateway}` }));
  const rows: Measurement[] = [];
  for (const concurrency of [1, 32]) {
    const options = { concurrency, requests };
    rows.push(await measure("(a) raw http2 echo", rawCall, options));
    rows.push(await measure("(b) direct gRPC to executor", () => executor.process_single_data(request, { headers: { endpoint: "/search" } }), options));
    rows.push(await measure("(c) flow: gateway → executor", () => gateway.process_single_data(request), options));
  }
  printTable(rows);
  console.log("");
  for (const concurrency of [1, 32]) {
    const [a, b, c] = rows.filter((row) => row.concurrency === concurrency);
    console.log(
      `concurrency ${concurrency}: p50 (c)/(a) = ${(c!.p50Ms / a!.p50Ms).toFixed(2)}, (c)/(b) = ${(c!.p50Ms / b!.p50Ms).toFixed(2)}; ` +
        `req/s (c)/(a) = ${(c!.rps / a!.rps).toFixed(2)}, (c)/(b) = ${(c!.rps / b!.rps).toFixed(2)}`,
    );
  }
  session.close();
} finally {
  await Promise.all([raw.child.stop(), flow.child.stop()]);
}
