/**
 * The issue-14 load probe at its original size, outside CI (it takes minutes): a 3-executor flow, each executor in
 * its own process, then 100,000 HTTP requests at 256 connections and 20,000 gRPC calls at 64 (or the counts given).
 * Every HTTP answer must be 200; every gRPC answer is checked to carry the work of all three executors. Prints the
 * figures and exits 1 on any failure.
 *
 *   npm run reliability:full [-- httpRequests grpcCalls]
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, Flow } from "../mod.ts";
import { httpPoster } from "../bench/http-load.ts";
import { load } from "./load.ts";

const [httpTotal = 100_000, grpcTotal = 20_000] = process.argv.slice(2).map(Number);
const fixtures = "./tests/flow/fixtures/executors.ts";
const workspace = mkdtempSync(join(tmpdir(), "jina-full-load-"));
const flow = new Flow({ protocol: ["http", "grpc"], workspace })
  .add({ name: "encoder", uses: `${fixtures}#Encoder` })
  .add({ name: "branch", uses: `${fixtures}#BranchA` })
  .add({ name: "where", uses: `${fixtures}#WhereAmI` });
await flow.start();
const [httpPort, grpcPort] = flow.ports as [number, number];

/** {@link load}, timed. */
async function timedLoad(send: () => Promise<void>, total: number, concurrency: number): Promise<{ failed: number; ms: number }> {
  const started = Date.now();
  const failed = await load(send, total, concurrency);
  return { failed, ms: Date.now() - started };
}

let wrong = 0;
const poster = httpPoster(httpPort, "/post", JSON.stringify({ data: [{ id: "q", text: "q" }] }), 256);
const http = await timedLoad(() => poster.post(), httpTotal, 256);
poster.close();

const client = new Client({ host: "127.0.0.1", port: grpcPort, protocol: "grpc" });
const grpc = await timedLoad(async () => {
  const [doc] = await client.post("/", [{ id: "q", text: "q" }]);
  const ranAll = doc?.embedding?.size === 4 && doc.tags.a === true && doc.matches.at(0)?.id === "a-q" && String(doc.tags.pod).startsWith("where");
  if (!ranAll) wrong++;
}, grpcTotal, 64);
client.close();
await flow.close();
rmSync(workspace, { recursive: true, force: true });

console.log(`HTTP: ${httpTotal - http.failed} of ${httpTotal} answered 200 at 256 connections (${http.failed} failed, ${http.ms} ms, ${Math.round(httpTotal / (http.ms / 1000))} req/s)`);
console.log(`gRPC: ${grpcTotal - grpc.failed} of ${grpcTotal} answered at 64 (${grpc.failed} failed, ${wrong} wrong, ${grpc.ms} ms, ${Math.round(grpcTotal / (grpc.ms / 1000))} req/s)`);
process.exit(http.failed + grpc.failed + wrong === 0 ? 0 : 1);
