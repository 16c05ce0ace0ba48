/**
 * The WordNet search flow, loaded from `flow.yml` beside this file: an encoder (2 replicas, in this process) → a
 * vector indexer with 2 shards (each its own process; `/index` goes to one shard, every other endpoint to all of
 * them) → a re-ranker that merges the shards' matches; served on gRPC, HTTP (with the playground at `/`) and
 * WebSocket.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { Flow } from "../../mod.ts";

/**
 * Options of {@link wordnetFlow}: the values of the YAML's `${{ CONTEXT.* }}` variables.
 *
 * @example
 * ```ts
 * const options: WordnetFlowOptions = { model: ".workspace/wordnet/frequencies.bin", workspace: ".workspace/wordnet", ports: [0, 0, 0] };
 * ```
 */
export interface WordnetFlowOptions {
  /** The hashed TF-IDF model's document-frequency table. */
  model: string;
  /** Where the indexer shards keep their documents (`<workspace>/indexer/shard-<id>/<id>`). */
  workspace: string;
  /** gRPC, HTTP and WebSocket ports (0 picks free ones). */
  ports: [number, number, number];
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Embedding length; default 256. */
  dim?: number;
}

/** The flow's YAML file. */
export const wordnetFlowYaml: string = fileURLToPath(new URL("./flow.yml", import.meta.url));

/**
 * Loads (does not start) the WordNet flow.
 *
 * @example
 * ```ts
 * await using flow = await (await wordnetFlow({ model, workspace, ports: [0, 0, 0] })).start();
 * ```
 */
export async function wordnetFlow(options: WordnetFlowOptions): Promise<Flow> {
  const [grpc, http, websocket] = options.ports;
  return await Flow.load(wordnetFlowYaml, {
    context: {
      grpc_port: grpc,
      http_port: http,
      websocket_port: websocket,
      host: options.host ?? "127.0.0.1",
      workspace: options.workspace,
      model: options.model,
      dim: options.dim ?? 256,
    },
  });
}
