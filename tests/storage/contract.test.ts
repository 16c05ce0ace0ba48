// One script of operations run on every backend (the plain in-memory array, the memory store, sqlite, ann): the
// observable results must be the same.
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, MemoryStore, StoredDocumentArray } from "../../docarray/mod.ts";
import { tempDir } from "./_tmp.ts";

const tmp = tempDir("jina-contract-");
test.after(tmp.remove);

const backends: Record<string, () => DocumentArray> = {
  "plain array": () => new DocumentArray(),
  "memory store": () => new StoredDocumentArray(new MemoryStore()),
  sqlite: () => new DocumentArray({ storage: "sqlite", config: { connection: tmp.file("contract.db") } }),
  ann: () => new DocumentArray({ storage: "ann", config: { nDim: 2, metric: "euclidean", dataPath: tmp.file("contract-ann"), columns: { n: "int" } } }),
};

const doc = (i: number) => new Document({ id: `d${i}`, text: `t${i}`, embedding: Float32Array.of(i, 0), tags: { n: i } });

function script(docs: DocumentArray): unknown[] {
  const seen: unknown[] = [];
  docs.push(...[0, 1, 2, 3, 4, 5].map(doc));
  seen.push(docs.length, docs.ids, docs.at(-2)?.id, docs.get("d3")?.text, docs.has("d9"));
  seen.push(docs.slice(1, 3).ids, docs.slice(-2).ids);
  (docs.at(0) as Document).text = "changed in place";
  docs.flush();
  seen.push(docs.at(0)?.text);
  docs.set(1, { id: "d1", text: "set by index", embedding: Float32Array.of(1, 0), tags: { n: 1 } });
  docs.set("d2", { id: "d2", text: "set by id", embedding: Float32Array.of(2, 0), tags: { n: 2 } });
  seen.push(docs.remove("d3"), docs.removeAt(0)?.id, docs.ids, docs.texts);
  seen.push([...docs].map((d) => d.tags.n));
  seen.push(docs.find({ tags__n: { $gte: 4 } }).ids);
  seen.push(docs.find(Float32Array.of(4.2, 0), { metric: "euclidean", limit: 2 }).ids);
  seen.push(docs.find(Float32Array.of(4.2, 0), { metric: "euclidean", limit: 2, filter: { tags__n: { $lt: 3 } } }).ids);
  seen.push(docs.find(Float32Array.of(4.2, 0), { metric: "euclidean", limit: 1, onlyId: true }).at(0)?.text);
  seen.push(docs.pick([true, false, true, false]).ids, docs.get(["id"]));
  seen.push(docs.summary().split("\n")[0]);
  docs.close();
  return seen;
}

const expected = script(backends["plain array"]!());

for (const [name, open] of Object.entries(backends).slice(1)) {
  test(`${name} behaves like the plain in-memory array`, () => {
    assert.equal(script(open()), expected);
  });
}

test.run();
