/**
 * `npm start`: semantic search over WordNet 3.1 (117,791 synsets), served on gRPC, HTTP (with the playground at
 * http://127.0.0.1:54322/) and WebSocket until Ctrl-C.
 *
 * encoder (hashed TF-IDF, 2 replicas) → indexer (2 shards, each its own process) → ranker
 *
 * The first start fits the encoder's model (document frequencies) and indexes the corpus with a progress line
 * (docs/s, time left); the shards save their documents in the workspace, so later starts reuse them and are ready in
 * seconds. `--reindex` starts from scratch.
 *
 * Flags (and environment): `--grpc-port` (JINA_GRPC_PORT, 54321), `--http-port` (JINA_HTTP_PORT, 54322),
 * `--websocket-port` (JINA_WEBSOCKET_PORT, 54323), `--host` (JINA_HOST, 127.0.0.1), `--workspace`
 * (JINA_WORKSPACE, .workspace/wordnet), `--limit N` (index only the first N synsets), `--reindex`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { commandArgs, exit, getEnv } from "../runtime/mod.ts";
import { prepareWordnet, queryWordnet } from "./wordnet/serve.ts";

const { values } = parseArgs({
  args: commandArgs(),
  options: {
    "grpc-port": { type: "string", default: getEnv("JINA_GRPC_PORT") ?? "54321" },
    "http-port": { type: "string", default: getEnv("JINA_HTTP_PORT") ?? "54322" },
    "websocket-port": { type: "string", default: getEnv("JINA_WEBSOCKET_PORT") ?? "54323" },
    host: { type: "string", default: getEnv("JINA_HOST") ?? "127.0.0.1" },
    workspace: { type: "string", default: getEnv("JINA_WORKSPACE") ?? ".workspace/wordnet" },
    limit: { type: "string" },
    reindex: { type: "boolean", default: false },
  },
});

/** Each port flag with the environment variable that sets it, for the one-line answer to a port clash. */
const portSettings = [
  ["grpc-port", "JINA_GRPC_PORT"],
  ["http-port", "JINA_HTTP_PORT"],
  ["websocket-port", "JINA_WEBSOCKET_PORT"],
] as const;

/** A port already in use becomes one line naming the variable to change, instead of an error dump. */
function explainPortClash(error: unknown): string | undefined {
  const port = /Port (\d+) on \S+ is already in use/.exec(String((error as Error)?.message))?.[1];
  const setting = portSettings.find(([flag]) => values[flag] === port);
  return setting && `Port ${port} is already in use: set ${setting[1]} (or --${setting[0]}) to a free port, or stop what holds it.`;
}

const started = performance.now();
const flow = await prepareWordnet({
  ports: [Number(values["grpc-port"]), Number(values["http-port"]), Number(values["websocket-port"])],
  host: values.host,
  workspace: values.workspace,
  reindex: values.reindex,
  ...(values.limit ? { limit: Number(values.limit) } : {}),
  log: (line) => console.log(line),
}).catch((error: unknown) => {
  const clash = explainPortClash(error);
  if (!clash) throw error;
  console.error(clash);
  return exit(1);
});
console.log(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const text of ["car", "feline", "a large body of water"]) {
  const [best] = await queryWordnet(flow, text, 1);
  console.log(`  "${text}" → ${best ? `${best.id} ${best.text?.slice(0, 90)}` : "nothing"}`);
}
const http = flow.ports[1];
console.log(`
Serving on gRPC ${values.host}:${flow.ports[0]}, HTTP http://${values.host}:${http} (the playground), WebSocket ws://${values.host}:${flow.ports[2]} — Ctrl-C to stop. Try:
  curl -s http://${values.host}:${http}/search -H 'content-type: application/json' \\
    -d '{"data": [{"text": "a large body of water"}], "parameters": {"limit": 3}}'
`);
await flow.block();
console.log("stopped");
