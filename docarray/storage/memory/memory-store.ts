/**
 * The memory backend as a {@link DocumentStore}: the reference the contract tests hold sqlite and ann to.
 * `new DocumentArray({ storage: "memory" })` itself is the plain in-memory DocumentArray (no store, no copies);
 * this store keeps copies of the messages so that it behaves like the persistent backends (a document read from
 * it is independent of the stored one until written back).
 *
 * @module
 */
import { clone } from "@bufbuild/protobuf";
import { type DocumentProto, DocumentProtoSchema } from "../../../proto/gen/docarray_pb.ts";
import type { DocumentStore } from "../contract.ts";
import { checkEmbeddings } from "../validate.ts";

/**
 * A {@link DocumentStore} in memory.
 *
 * @example
 * ```ts
 * const docs = new StoredDocumentArray(new MemoryStore());
 * docs.push({ text: "a" });
 * ```
 */
export class MemoryStore implements DocumentStore {
  readonly backend = "memory";
  readonly location = "memory";
  version = 0;
  #docs: DocumentProto[] = [];
  #dim: number | undefined;

  get dim(): number | undefined {
    return this.#dim;
  }

  count(): number {
    return this.#docs.length;
  }

  at(index: number): DocumentProto | undefined {
    const proto = this.#docs[index];
    return proto && clone(DocumentProtoSchema, proto);
  }

  byId(id: string): DocumentProto | undefined {
    const proto = this.#docs.find((p) => p.id === id);
    return proto && clone(DocumentProtoSchema, proto);
  }

  range(start: number, end: number): DocumentProto[] {
    return this.#docs.slice(start, end).map((p) => clone(DocumentProtoSchema, p));
  }

  ids(): string[] {
    return this.#docs.map((p) => p.id);
  }

  upsert(protos: DocumentProto[]): void {
    this.#dim = checkEmbeddings(protos, this.#dim, this.location, "push");
    this.version++;
    for (const proto of protos) {
      const copy = clone(DocumentProtoSchema, proto);
      const at = this.#docs.findIndex((p) => p.id === proto.id);
      if (at >= 0) this.#docs[at] = copy;
      else this.#docs.push(copy);
    }
  }

  replaceAt(index: number, proto: DocumentProto): void {
    checkEmbeddings([proto], this.#dim, this.location, "update");
    this.version++;
    const target = this.#docs[index];
    if (!target) return;
    this.#docs = this.#docs.filter((p) => p === target || p.id !== proto.id);
    this.#docs[this.#docs.indexOf(target)] = clone(DocumentProtoSchema, proto);
  }

  deleteIds(ids: string[]): number {
    const drop = new Set(ids);
    const before = this.#docs.length;
    this.version++;
    this.#docs = this.#docs.filter((p) => !drop.has(p.id));
    if (this.#docs.length === 0) this.#dim = undefined;
    return before - this.#docs.length;
  }

  flush(): void {}

  close(): void {}

  describe(): string[] {
    return ["storage: memory (a store of copies)"];
  }
}
