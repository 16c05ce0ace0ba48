/**
 * `npm start`: a text-search flow served on gRPC and HTTP until Ctrl-C.
 *
 * gateway → encoder (2 replicas, in this process) → indexer (its own process)
 *
 * It indexes a small corpus, runs one search to show it works, then prints how to query it with curl.
 * Ports: JINA_GRPC_PORT (default 54321) and JINA_HTTP_PORT (default 54322).
 *
 * @module
 */
import { Document, DocumentArray, Flow } from "../mod.ts";
import { getEnv } from "../runtime/mod.ts";
import { corpus } from "./text-search/corpus.ts";
import { HashEncoder } from "./text-search/encoder.ts";

const grpcPort = Number(getEnv("JINA_GRPC_PORT") ?? 54321);
const httpPort = Number(getEnv("JINA_HTTP_PORT") ?? 54322);

const flow = new Flow({ protocol: ["grpc", "http"], port: [grpcPort, httpPort], title: "jina-ts text search" })
  .add({ name: "encoder", uses: HashEncoder, usesWith: { dim: 256 }, replicas: 2 })
  .add({ name: "indexer", uses: "./examples/text-search/indexer.ts#Indexer" });

await flow.start();
await flow.index(new DocumentArray(corpus.map((text) => new Document({ text }))));
const [query] = await flow.search([new Document({ text: "how do I serve a model" })], { parameters: { limit: 2 } });
console.log(`indexed ${corpus.length} documents; "how do I serve a model" matches:`);
for (const match of query?.matches ?? []) {
  console.log(`  ${match.scores.cosine?.value.toFixed(3)}  ${match.text}`);
}
console.log(`
Serving on gRPC 127.0.0.1:${flow.ports[0]} and HTTP http://127.0.0.1:${flow.ports[1]} — Ctrl-C to stop. Try:
  curl -s http://127.0.0.1:${flow.ports[1]}/search -H 'content-type: application/json' \\
    -d '{"data": [{"text": "vector search"}], "parameters": {"limit": 2}}'
`);
await flow.block();
console.log("stopped");
