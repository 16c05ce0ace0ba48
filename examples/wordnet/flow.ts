/**
 * The WordNet search flow: an encoder (2 replicas, in this process) → a vector indexer with 2 shards (each its own
 * process; `/index` goes to one shard, every other endpoint to all of them) → a re-ranker that merges the shards'
 * matches; served on gRPC, HTTP (with the playground at `/`) and WebSocket.
 *
 * @module
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Flow } from "../../mod.ts";
import { currentDir } from "../../runtime/mod.ts";
import { EmbeddingEncoder } from "./encoder.ts";
import { Ranker } from "./ranker.ts";

/**
 * Options of {@link wordnetFlow}.
 *
 * @example
 * ```ts
 * const options: WordnetFlowOptions = { model: ".workspace/wordnet/frequencies.bin", workspace: ".workspace/wordnet", ports: [0, 0, 0] };
 * ```
 */
export interface WordnetFlowOptions {
  /** The hashed TF-IDF model's document-frequency table. */
  model: string;
  /** Where the indexer shards keep their documents (`<workspace>/indexer/<shard>`). */
  workspace: string;
  /** gRPC, HTTP and WebSocket ports (0 picks free ones). */
  ports: [number, number, number];
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Embedding length; default 512. */
  dim?: number;
}

/**
 * Builds (does not start) the WordNet flow.
 *
 * @example
 * ```ts
 * await using flow = await wordnetFlow({ model, workspace, ports: [0, 0, 0] }).start();
 * ```
 */
export function wordnetFlow(options: WordnetFlowOptions): Flow {
  // Relative to the working directory, as a `uses` path usually is (it also labels the node in the flow's graph).
  const indexer = `./${relative(currentDir(), fileURLToPath(new URL("./vector-indexer.ts", import.meta.url)))}`;
  return new Flow({
    protocol: ["grpc", "http", "websocket"],
    port: options.ports,
    host: options.host ?? "127.0.0.1",
    workspace: options.workspace,
    title: "WordNet semantic search",
    description: "WordNet 3.1 synsets, searched by meaning: POST /search with a text",
    monitoring: true,
  })
    .add({ name: "encoder", uses: EmbeddingEncoder, usesWith: { model: options.model, dim: options.dim ?? 512 }, replicas: 2, monitoring: false })
    .add({ name: "indexer", uses: `${indexer}#VectorIndexer`, shards: 2, polling: { "/index": "ANY", "*": "ALL" }, monitoring: false })
    .add({ name: "ranker", uses: Ranker, monitoring: false });
}
