/**
 * An in-memory vector index: `/index` stores documents, `/search` fills each query's matches with the nearest
 * stored documents by cosine distance, `/delete` removes by id.
 *
 * @module
 */
import { DocumentArray, Executor, requests } from "../../mod.ts";

/** Keeps indexed documents in memory and answers nearest-neighbour searches. */
export class Indexer extends Executor {
  #index = new DocumentArray();

  @requests("/index")
  index({ docs }: { docs: DocumentArray }): void {
    for (const doc of docs) this.#index.push(doc.clone());
  }

  @requests("/search")
  search({ docs, parameters }: { docs: DocumentArray; parameters: Record<string, unknown> }): void {
    const limit = typeof parameters.limit === "number" ? parameters.limit : 3;
    docs.match(this.#index, { metric: "cosine", limit });
  }

  @requests("/delete")
  remove({ docs }: { docs: DocumentArray }): void {
    const ids = new Set(docs.ids);
    this.#index = this.#index.filter((doc) => !ids.has(doc.id));
  }

  @requests("/count")
  count(): { count: number } {
    return { count: this.#index.length };
  }
}
