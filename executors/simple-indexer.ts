/**
 * `SimpleIndexer`: Jina's SimpleIndexer — keeps documents in a DocumentArray in memory or in sqlite under the
 * executor's workspace, and answers `/search` by exact nearest-neighbour search.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { DocumentArray, type Metric } from "../docarray/mod.ts";
import { Executor, requests } from "../executor/mod.ts";
import type { ExecutorOptions, HandlerArgs } from "../executor/mod.ts";
import { checkOptions, deleteFrom, option, searchInto, updateIn } from "./indexer-core.ts";

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
export class SimpleIndexer extends Executor {
  readonly docs: DocumentArray;
  readonly #metric: Metric | undefined;
  readonly #limit: number;

  constructor(options: ExecutorOptions = {}) {
    super(options);
    checkOptions("SimpleIndexer", options, known);
    const storage = option<string>(options, "storage") ?? "sqlite";
    this.#metric = option<Metric>(options, "metric");
    this.#limit = Number(option(options, "limit") ?? 20);
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

  @requests("/index")
  index({ docs }: HandlerArgs): JsonObject {
    this.docs.push(...docs);
    this.docs.flush();
    return { indexed: docs.length };
  }

  @requests("/search")
  search({ docs, parameters }: HandlerArgs): void {
    searchInto(this.docs, docs, parameters, { limit: this.#limit, ...(this.#metric ? { metric: this.#metric } : {}) });
  }

  @requests("/delete")
  delete({ docs, parameters }: HandlerArgs): JsonObject {
    return deleteFrom(this.docs, docs, parameters);
  }

  @requests("/update")
  update({ docs }: HandlerArgs): JsonObject {
    return updateIn(this.docs, docs);
  }

  @requests("/status")
  status(): JsonObject {
    return { count: this.docs.length, storage: this.docs.storage, shardId: this.runtimeArgs.shardId };
  }

  override close(): void {
    this.docs.close();
  }
}
