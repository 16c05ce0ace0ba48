import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray } from "../../docarray/mod.ts";

const index = new DocumentArray([
  { id: "x", embedding: new Float32Array([1, 0]), tags: { lang: "en" }, matches: [{ id: "old" }] },
  { id: "y", embedding: new Float32Array([0, 1]), tags: { lang: "de" } },
  { id: "xy", embedding: new Float32Array([1, 1]), tags: { lang: "en" } },
  { id: "far", embedding: new Float32Array([-3, -4]), tags: { lang: "en" } },
]);

const close = (a: number | undefined, b: number) => assert.ok(Math.abs((a ?? Number.NaN) - b) < 1e-6, `${a} ≈ ${b}`);

test("find by vector, cosine: ascending 1 - cos similarity, limited", () => {
  const hits = index.find([1, 0.1], { metric: "cosine", limit: 3 });
  assert.equal(hits.ids, ["x", "xy", "y"]);
  close(hits.at(0)?.scores.cosine?.value, 1 - 1 / Math.hypot(1, 0.1));
  close(hits.at(1)?.scores.cosine?.value, 1 - 1.1 / (Math.SQRT2 * Math.hypot(1, 0.1)));
});

test("matches are copies without their own matches", () => {
  const hit = index.find(new Float32Array([1, 0]), { limit: 1 }).at(0) as Document;
  assert.is(hit.id, "x");
  assert.is(hit.matches.length, 0);
  assert.is.not(hit.proto, index.get("x")?.proto);
  assert.is(index.get("x")?.matches.length, 1, "the index is not modified");
  assert.is(Object.keys(index.get("x")?.scores ?? {}).length, 0);
});

test("euclidean and sqeuclidean", () => {
  const euclidean = index.find([0, 0], { metric: "euclidean", limit: 10 });
  assert.equal(euclidean.ids, ["x", "y", "xy", "far"]);
  close(euclidean.at(2)?.scores.euclidean?.value, Math.SQRT2);
  close(euclidean.at(3)?.scores.euclidean?.value, 5);
  const squared = index.find([0, 0], { metric: "sqeuclidean", limit: 10 });
  close(squared.at(3)?.scores.sqeuclidean?.value, 25);
});

test("find with a Document query and a filter", () => {
  const query = new Document({ embedding: [1, 0.2] });
  assert.equal(index.find(query, { filter: { tags__lang: "en" }, limit: 2 }).ids, ["x", "xy"]);
  assert.equal(index.find({ tags__lang: "de" }).ids, ["y"]);
});

test("match fills each query's matches (replacing old ones) with scores[metric]", () => {
  const queries = new DocumentArray([
    { id: "q1", embedding: [0, 2], matches: [{ id: "stale" }] },
    { id: "q2", embedding: [-1, -1] },
  ]);
  const out = queries.match(index, { metric: "euclidean", limit: 2 });
  assert.is(out, queries);
  assert.equal(queries.at(0)?.matches.ids, ["y", "xy"]);
  close(queries.at(0)?.matches.at(0)?.scores.euclidean?.value, 1);
  assert.equal(queries.at(1)?.matches.ids, ["x", "y"]);
  assert.equal(queries.at(0)?.matches.at(0)?.matches.ids, []);
});

test("match with excludeSelf skips the query itself; ties keep index order", () => {
  const docs = new DocumentArray([
    { id: "a", embedding: [1, 0] },
    { id: "b", embedding: [1, 0] },
    { id: "c", embedding: [0, 1] },
  ]);
  docs.match(docs, { excludeSelf: true, limit: 5 });
  assert.equal(docs.at(0)?.matches.ids, ["b", "c"]);
  assert.equal(docs.at(1)?.matches.ids, ["a", "c"]);
});

test("bad metric, missing embedding and dimension mismatch are InvalidArgument errors", () => {
  assert.throws(() => index.find([1, 0], { metric: "manhattan" as never }), /unknown metric "manhattan"/);
  assert.throws(() => new DocumentArray([{ id: "n" }]).find([1, 0]), /document 0 \(id n\) of the index has no embedding/);
  assert.throws(() => index.find([1, 0, 0]), /has 2 values but the query has 3/);
  assert.throws(() => new DocumentArray([{ id: "q" }]).match(index), /match: document 0 \(id q\) has no embedding/);
});

test.run();
