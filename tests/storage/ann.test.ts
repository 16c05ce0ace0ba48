import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray } from "../../docarray/mod.ts";
import { tempDir } from "./_tmp.ts";

const tmp = tempDir("jina-ann-");
test.after(tmp.remove);

const config = (name: string) => ({
  nDim: 2,
  metric: "euclidean" as const,
  dataPath: tmp.file(name),
  columns: { price: "float" as const, color: "str" as const },
});
const point = (i: number) =>
  new Document({ id: `p${i}`, embedding: Float32Array.of(i, 0), tags: { price: i * 10, color: i % 2 ? "red" : "blue" } });

test("find uses the HNSW index; scores carry the metric; filter on columns during the search", () => {
  const docs = new DocumentArray({ storage: "ann", config: config("a") });
  assert.is(docs.storage, "ann");
  docs.push(...Array.from({ length: 60 }, (_, i) => point(i)));
  const hits = docs.find(Float32Array.of(10.2, 0), { limit: 3 });
  assert.equal(hits.ids, ["p10", "p11", "p9"]);
  assert.ok(Math.abs((hits.at(0)?.scores.euclidean?.value ?? 0) - 0.2) < 1e-5);
  const cheapRed = docs.find(Float32Array.of(10, 0), { limit: 3, filter: { color: { $eq: "red" }, price: { $lt: 100 } } });
  assert.equal(cheapRed.ids, ["p9", "p7", "p5"]);
  const tagsForm = docs.find(Float32Array.of(10, 0), { limit: 2, filter: { tags__price: { $gte: 500 } } });
  assert.equal(tagsForm.ids, ["p50", "p51"]);
  assert.throws(() => docs.find(Float32Array.of(1, 0), { filter: { size: { $gt: 1 } } }), /"size" is not a column .*declare it in config.columns/);
  assert.match(docs.summary(), /storage: ann \(HNSW\).*60 vectors of 2 \(euclidean\)/);
  docs.close();
});

test("persisted beside the sqlite store: reopen finds the same; delete and update are reflected", () => {
  const first = new DocumentArray({ storage: "ann", config: config("b") });
  first.push(...Array.from({ length: 30 }, (_, i) => point(i)));
  first.remove("p5");
  first.set("p6", { id: "p6", embedding: Float32Array.of(100, 0), tags: { price: 1, color: "red" } });
  first.close();
  const again = new DocumentArray({ storage: "ann", config: config("b") });
  assert.is(again.length, 29);
  const near5 = again.find(Float32Array.of(5, 0), { limit: 2 }).ids;
  assert.ok(!near5.includes("p5") && !near5.includes("p6"), String(near5));
  assert.equal(again.find(Float32Array.of(99, 0), { limit: 1 }).ids, ["p6"]);
  again.close();
});

test("a stale index file (crash between the commit and the index write) is rebuilt from the documents", async () => {
  const { copyFileSync } = await import("node:fs");
  const cfg = config("c");
  const docs = new DocumentArray({ storage: "ann", config: cfg });
  docs.push(point(1), point(2));
  docs.flush();
  copyFileSync(`${cfg.dataPath}/index.hnsw`, `${cfg.dataPath}/old.hnsw`);
  docs.push(point(3));
  docs.close();
  copyFileSync(`${cfg.dataPath}/old.hnsw`, `${cfg.dataPath}/index.hnsw`);
  const again = new DocumentArray({ storage: "ann", config: cfg });
  assert.equal(again.find(Float32Array.of(3, 0), { limit: 1 }).ids, ["p3"]);
  again.close();
});

test("a changed maxConnection or efConstruction rebuilds the graph with it; left out, the file's are kept", () => {
  const open = (graph: { maxConnection?: number; efConstruction?: number }) => new DocumentArray({ storage: "ann", config: { ...config("graph"), ...graph } });
  const settings = (docs: DocumentArray) => /M (\d+), efConstruction (\d+)/.exec(docs.summary())?.slice(1).map(Number);
  const opened = (docs: DocumentArray) => (docs as unknown as { store: { indexFiles: { opened: string } } }).store.indexFiles.opened;
  const first = open({ maxConnection: 8, efConstruction: 40 });
  first.push(...Array.from({ length: 40 }, (_, i) => point(i)));
  first.close();
  const same = open({});
  assert.equal([settings(same), opened(same)], [[8, 40], "files"]);
  same.close();
  const changed = open({ maxConnection: 12 });
  assert.equal([settings(changed), opened(changed)], [[12, 40], "rebuilt"]);
  assert.equal(changed.find(Float32Array.of(7.1, 0), { limit: 2 }).ids, ["p7", "p8"]);
  changed.close();
  const kept = open({ maxConnection: 12, efConstruction: 40 });
  assert.equal([settings(kept), opened(kept)], [[12, 40], "files"]);
  kept.close();
});

test("dimension mismatch, NaN and a missing embedding are JinaErrors naming the folder", () => {
  const cfg = config("d");
  const docs = new DocumentArray({ storage: "ann", config: cfg });
  docs.push(point(1));
  assert.throws(() => docs.push({ id: "x", embedding: Float32Array.of(1, 2, 3) }), (e: Error) => e.message.includes(cfg.dataPath) && /3-d embedding but the store holds 2-d/.test(e.message));
  assert.throws(() => docs.push({ id: "x", embedding: Float32Array.of(1, Number.NaN) }), /NaN at embedding position 1/);
  assert.throws(() => docs.push({ id: "x", text: "no vector" }), /has no embedding/);
  assert.throws(() => docs.find(Float32Array.of(1, 2, 3)), /find: the query has a 3-d embedding/);
  assert.is(docs.length, 1, "nothing stored is lost");
  docs.close();
});

test("a filter that leaves fewer than limit in the graph search falls back to the exact scan (each metric)", () => {
  for (const metric of ["cosine", "euclidean", "inner_product"] as const) {
    const docs = new DocumentArray({ storage: "ann", config: { nDim: 3, metric, efSearch: 4, dataPath: tmp.file(`exact-${metric}`), columns: { rare: "bool" } } });
    docs.push(...Array.from({ length: 300 }, (_, i) =>
      new Document({ id: `n${i}`, embedding: Float32Array.of(Math.cos(i), Math.sin(i), i / 300), tags: { rare: i % 97 === 0 } })));
    docs.remove("n97");
    const query = Float32Array.of(1, 0.2, 0.5);
    const hits = docs.find(query, { limit: 5, filter: { rare: { $eq: true } } });
    assert.equal([...hits.ids].sort(), ["n0", "n194", "n291"], metric);
    const scoreKey = metric === "inner_product" ? "inner_product" : metric;
    const values = [...hits].map((doc) => doc.scores[scoreKey]?.value ?? Number.NaN);
    for (let i = 1; i < values.length; i++) assert.ok((values[i] as number) >= (values[i - 1] as number), `${metric}: sorted`);
    const plain = new DocumentArray([...hits].map((doc) => ({ id: doc.id, embedding: doc.embedding })));
    const exact = plain.find(query, { limit: 3, metric: metric === "inner_product" ? "dot" : metric });
    assert.equal(hits.ids, exact.ids, metric);
    docs.close();
  }
});

test.run();
