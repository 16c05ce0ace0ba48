import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray } from "../../docarray/mod.ts";
import { lentDocumentLimit } from "../../docarray/storage/stored-document-array.ts";
import { tempDir } from "./_tmp.ts";

const tmp = tempDir("jina-sqlite-");
test.after(tmp.remove);

const open = (name: string, tableName = "docs") => new DocumentArray({ storage: "sqlite", config: { connection: tmp.file(name), tableName } });
const make = (i: number) => new Document({ id: `d${i}`, text: `doc ${i}`, embedding: Float32Array.of(i, 1, 0), tags: { i, even: i % 2 === 0 } });

test("push, length, index and id access, slices, iteration: as in memory", () => {
  const docs = open("basic.db");
  const memory = new DocumentArray();
  for (let i = 0; i < 5; i++) {
    docs.push(make(i));
    memory.push(make(i));
  }
  assert.is(docs.storage, "sqlite");
  assert.is(docs.length, 5);
  assert.is(docs.at(0)?.text, "doc 0");
  assert.is(docs.at(-1)?.id, "d4");
  assert.is(docs.at(9), undefined);
  assert.is(docs.get("d3")?.tags.i, 3);
  assert.ok(docs.has("d2"));
  assert.not.ok(docs.has("nope"));
  assert.equal(docs.slice(1, 3).ids, memory.slice(1, 3).ids);
  assert.equal(docs.slice(-2).ids, memory.slice(-2).ids);
  assert.equal([...docs].map((d) => d.id), memory.ids);
  assert.equal(docs.ids, memory.ids);
  assert.equal(docs.texts, memory.texts);
  assert.equal(docs.embeddings?.shape, [5, 3]);
  docs.close();
});

test("delete by id and index, update in place, set; persisted by flush and reopen", () => {
  const docs = open("mutate.db");
  docs.push(...[0, 1, 2, 3, 4].map(make));
  assert.is(docs.remove("d1"), 1);
  assert.is(docs.removeAt(0)?.id, "d0");
  assert.equal(docs.ids, ["d2", "d3", "d4"]);
  const doc = docs.at(0) as Document;
  doc.text = "changed";
  doc.tags = { ...doc.tags, touched: true };
  docs.set("d4", { id: "d4", text: "replaced", embedding: Float32Array.of(4, 4, 4) });
  docs.set(1, { id: "d3b", text: "by index", embedding: Float32Array.of(3, 3, 3) });
  docs.push({ id: "d2", text: "pushed again replaces", embedding: Float32Array.of(2, 2, 2) });
  docs.flush();
  docs.close();
  const again = open("mutate.db");
  assert.equal(again.ids, ["d2", "d3b", "d4"]);
  assert.is(again.get("d2")?.text, "pushed again replaces");
  assert.is(again.get("d4")?.text, "replaced");
  assert.is(again.at(1)?.text, "by index");
  again.close();
});

test("a document read and changed in place is written back at flush", () => {
  const docs = open("inplace.db");
  docs.push(make(0), make(1));
  docs.flush();
  for (const doc of docs) doc.tags = { ...doc.tags, seen: true };
  (docs.get("d1") as Document).text = "edited";
  docs.close();
  const again = open("inplace.db");
  assert.equal([...again].map((d) => d.tags.seen), [true, true]);
  assert.is(again.get("d1")?.text, "edited");
  again.close();
});

test("reading many documents holds a bounded number for write-back, and changes to all of them still persist", () => {
  const docs = open("many-reads.db");
  const count = lentDocumentLimit * 3 + 5;
  docs.push(...Array.from({ length: count }, (_, i) => make(i)));
  docs.flush();
  const store = (docs as unknown as { store: { upsert(protos: unknown[]): void } }).store;
  const upsert = store.upsert.bind(store);
  const writes: number[] = [];
  store.upsert = (protos) => {
    if (protos.length > 0) writes.push(protos.length);
    upsert(protos);
  };
  for (const doc of docs) doc.text = `seen ${doc.tags.i}`; // read-and-change every document, no explicit write
  assert.ok(writes.length >= 2, `changes written back in batches while reading (${writes.length} batches)`);
  assert.ok(Math.max(...writes) <= lentDocumentLimit, `at most ${lentDocumentLimit} held at once (largest batch ${Math.max(...writes)})`);
  docs.flush();
  writes.length = 0;
  for (let i = 0; i < count; i++) docs.get(`d${i}`); // reads only: nothing to write
  assert.equal(writes, []);
  docs.close();
  const again = open("many-reads.db");
  assert.is(again.length, count);
  assert.equal([0, lentDocumentLimit, count - 1].map((i) => again.get(`d${i}`)?.text), [0, lentDocumentLimit, count - 1].map((i) => `seen ${i}`));
  again.close();
});

test("find by filter and by vector, match, summary", () => {
  const docs = open("find.db");
  docs.push(...[0, 1, 2, 3].map(make));
  assert.equal(docs.find({ tags__even: { $eq: true } }).ids, ["d0", "d2"]);
  const hits = docs.find(Float32Array.of(3, 1, 0), { metric: "euclidean", limit: 2 });
  assert.equal(hits.ids, ["d3", "d2"]);
  assert.is(hits.at(0)?.scores.euclidean?.value, 0);
  const filtered = docs.find(Float32Array.of(3, 1, 0), { metric: "euclidean", limit: 2, filter: { tags__even: true } });
  assert.equal(filtered.ids, ["d2", "d0"]);
  const queries = new DocumentArray([{ embedding: Float32Array.of(0, 1, 0) }]);
  queries.match(docs, { metric: "euclidean", limit: 1 });
  assert.is(queries.at(0)?.matches.at(0)?.id, "d0");
  assert.match(docs.summary(), /DocumentArray: 4 documents/);
  assert.match(docs.summary(), /storage: sqlite, file .*find\.db, table docs/);
  docs.close();
});

test("await using closes; two tables in one file; unflushed changes are not visible to a second reader", async () => {
  const file = "tables.db";
  {
    await using a = open(file, "a");
    await using b = open(file, "b");
    a.push(make(1));
    a.flush(); // one writer per file at a time: b waits for a's transaction otherwise
    b.push(make(2), make(3));
    b.flush();
  }
  const a = open(file, "a");
  const b = open(file, "b");
  assert.is(a.length, 1);
  assert.is(b.length, 2);
  b.push(make(9));
  const reader = open(file, "b");
  assert.is(reader.length, 2, "the open write transaction is not visible");
  b.flush();
  assert.is(reader.length, 3);
  a.close();
  b.close();
  reader.close();
});

test("embed, filter results and batches write back at flush; the cached snapshot follows every change", async () => {
  const docs = open("embed.db");
  docs.push(...[0, 1, 2].map((i) => ({ id: `e${i}`, text: "t".repeat(i + 1) })));
  await docs.embed((batch) => batch.texts.map((t) => [t.length, 0]), { batchSize: 2 });
  for (const doc of docs.find({ id: { $eq: "e1" } })) doc.tags = { picked: true };
  assert.equal(docs.embeddings?.shape, [3, 2], "the snapshot sees the written-back embeddings");
  docs.close();
  const again = open("embed.db");
  assert.equal(again.embeddings?.toList(), [[1, 0], [2, 0], [3, 0]]);
  assert.is(again.get("e1")?.tags.picked, true);
  again.push({ id: "e3", embedding: [4, 0] });
  assert.is(again.protos.length, 4);
  again.remove("e0");
  assert.equal(again.protos.map((p) => p.id), ["e1", "e2", "e3"]);
  const queries = new DocumentArray([{ id: "q", embedding: [4, 0] }]);
  queries.match(again, { metric: "euclidean", limit: 1 });
  assert.is(queries.at(0)?.matches.at(0)?.id, "e3");
  again.close();
});

test("memory storage is the plain array", () => {
  const docs = new DocumentArray({ storage: "memory" });
  docs.push({ text: "x" });
  assert.is(docs.storage, "memory");
  assert.is(docs.length, 1);
});

test.run();
