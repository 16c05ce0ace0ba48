/**
 * `SimpleIndexer`: Jina's SimpleIndexer — keeps documents in a DocumentArray in memory or in sqlite under the
 * executor's workspace, and answers `/search` by exact nearest-neighbour search.
 *
 * @module
 */
import { DocumentArray, type Metric } from "../docarray/mod.ts";
import type { ExecutorOptions } from "../executor/mod.ts";
import { checkOptions, option } from "./indexer-core.ts";
import { StorageIndexer } from "./storage-indexer.ts";

const known = ["storage", "tableName", "connection", "metric", "limit"];

/**
 * Indexes documents (`/index`), searches them (`/search` with `limit`, `filter`, `metric`), deletes (`/delete`),
 * updates (`/update`) and reports counts (`/status`). Options (`uses_with`): `storage` (`sqlite`, the default,
 * in `<workspace>/index.db`; or `memory`), `tableName`, `connection` (another file), `metric` (cosine), `limit`
 * (20).
 *
 * @example
 * ```ts
 * import { Flow } from "jina-ts";
 * import { SimpleIndexer } from "jina-ts/executors";
 * const flow = new Flow().add({ name: "indexer", uses: SimpleIndexer, usesWith: { storage: "sqlite", limit: 5 } });
 * ```
 */
export class SimpleIndexer extends StorageIndexer {
  readonly docs: DocumentArray;

  constructor(options: ExecutorOptions = {}) {
    super(options, option<Metric>(options, "metric"));
    checkOptions("SimpleIndexer", options, known);
    const storage = option<string>(options, "storage") ?? "sqlite";
    this.docs = storage === "memory"
      ? new DocumentArray()
      : new DocumentArray({
        storage: storage as "sqlite",
        config: {
          connection: option<string>(options, "connection") ?? `${this.workspace}/index.db`,
          tableName: option<string>(options, "tableName") ?? "docs",
        },
      });
  }
}
