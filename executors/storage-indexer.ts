/**
 * `StorageIndexer`: the endpoints SimpleIndexer and AnnIndexer share over one DocumentArray — `/index`,
 * `/search` (`limit`, `filter`, `metric`), `/delete`, `/update`, `/status`. Subclasses only open the array.
 * Every handler that writes flushes before it returns, so an acknowledged request is on disk.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { DocumentArray, Metric } from "../docarray/mod.ts";
import { Executor, requests } from "../executor/mod.ts";
import type { ExecutorOptions, HandlerArgs } from "../executor/mod.ts";
import { deleteFrom, option, searchInto, updateIn } from "./indexer-core.ts";

/**
 * The indexer endpoints over `this.docs`, which a subclass opens in its constructor.
 *
 * @example
 * ```ts
 * class MyIndexer extends StorageIndexer {
 *   readonly docs = new DocumentArray({ storage: "sqlite", config: { connection: "my.db" } });
 * }
 * ```
 */
export abstract class StorageIndexer extends Executor {
  abstract readonly docs: DocumentArray;
  readonly #limit: number;
  readonly #metric: Metric | undefined;

  constructor(options: ExecutorOptions = {}, metric?: Metric) {
    super(options);
    this.#limit = Number(option(options, "limit") ?? 20);
    this.#metric = metric;
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
