/**
 * `AnnIndexer`: Jina's AnnLiteIndexer — documents in sqlite and an HNSW index under the executor's workspace,
 * `/search` by approximate nearest neighbours with `filter` on declared columns.
 *
 * @module
 */
import { type AnnConfig, type AnnMetric, DocumentArray } from "../docarray/mod.ts";
import type { ExecutorOptions } from "../executor/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { checkOptions, option } from "./indexer-core.ts";
import { StorageIndexer } from "./storage-indexer.ts";

const known = ["nDim", "metric", "dataPath", "efConstruction", "efSearch", "maxConnection", "columns", "limit"];

/**
 * An HNSW indexer. Options (`uses_with`): `nDim` (required), `metric` (`cosine`, `euclidean`,
 * `inner_product`), `efConstruction` (200), `efSearch` (256), `maxConnection` (16), `columns`
 * (`{ price: "float" }`, filterable in `/search`'s `parameters.filter`), `dataPath` (default the workspace),
 * `limit` (20).
 *
 * @example
 * ```ts
 * import { Flow } from "jina-ts";
 * import { AnnIndexer, MatchMerger } from "jina-ts/executors";
 * const flow = new Flow().add({
 *   name: "ann", uses: AnnIndexer, usesWith: { nDim: 128, metric: "cosine" },
 *   shards: 2, polling: { "/search": "ALL" }, usesAfter: MatchMerger,
 * });
 * ```
 */
export class AnnIndexer extends StorageIndexer {
  readonly docs: DocumentArray;

  constructor(options: ExecutorOptions = {}) {
    super(options);
    checkOptions("AnnIndexer", options, known);
    const nDim = Number(option(options, "nDim"));
    if (!(Number.isInteger(nDim) && nDim > 0)) {
      throw new JinaError(`AnnIndexer: uses_with.nDim (the embedding size) is required, got ${JSON.stringify(option(options, "nDim"))}`, ErrorCode.InvalidArgument);
    }
    const config: AnnConfig = { nDim, dataPath: option<string>(options, "dataPath") ?? `${this.workspace}/ann` };
    const metric = option<AnnMetric>(options, "metric");
    if (metric) config.metric = metric;
    for (const key of ["efConstruction", "efSearch", "maxConnection"] as const) {
      const value = option<number>(options, key);
      if (value !== undefined) config[key] = Number(value);
    }
    const columns = option<AnnConfig["columns"]>(options, "columns");
    if (columns) config.columns = columns;
    this.docs = new DocumentArray({ storage: "ann", config });
  }
}
