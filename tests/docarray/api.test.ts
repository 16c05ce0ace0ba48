import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { Document, DocumentArray } from "../../docarray/mod.ts";
import { tempDir } from "../storage/_tmp.ts";

const tmp = tempDir("jina-da-api-");
test.after(tmp.remove);

const tree = () =>
  new DocumentArray([
    { id: "a", text: "A", tags: { lang: "en", n: { deep: 1 } }, chunks: [{ id: "a1" }, { id: "a2", matches: [{ id: "a2m" }] }], matches: [{ id: "am" }] },
    { id: "b", text: "B", tags: { lang: "de", n: { deep: 2 } }, chunks: [{ id: "b1" }] },
    { id: "c", tags: { lang: "fr" } },
  ]);

test("empty(n), fromNdarray (tensor by default, or embedding), base64 round trip", () => {
  const empty = DocumentArray.empty(3);
  assert.is(empty.length, 3);
  assert.is(new Set(empty.ids).size, 3);
  const rows = DocumentArray.fromNdarray([[1, 2], [3, 4], [5, 6]]);
  assert.equal(rows.tensors?.shape, [3, 2]);
  assert.equal(DocumentArray.fromNdarray([[1, 2], [3, 4]], { field: "embedding" }).embeddings?.shape, [2, 2]);
  const docs = tree();
  const again = DocumentArray.fromBase64(docs.toBase64());
  assert.equal(again.toJSON(), docs.toJSON());
  assert.throws(() => DocumentArray.fromBase64("not base64!"), /not base64/);
});

test("fromCsv: header fields, fieldResolver, tags, quotes, a file path", () => {
  const csv = 'id,question,lang,weight\na,"hello, world",en,0.5\nb,"say ""hi""",de,1\n';
  const docs = DocumentArray.fromCsv(csv, { fieldResolver: { question: "text" } });
  assert.equal(docs.ids, ["a", "b"]);
  assert.equal(docs.texts, ["hello, world", 'say "hi"']);
  assert.equal(docs.getAttributes("tags__lang"), ["en", "de"]);
  assert.equal(docs.getAttributes("weight"), [0.5, 1]);
  const file = tmp.file("docs.csv");
  writeFileSync(file, csv);
  assert.is(DocumentArray.fromCsv({ path: file }, { size: 1 }).length, 1);
  assert.throws(() => DocumentArray.fromCsv("id,text\na\n"), /CSV line 2: 1 fields, the header has 2/);
});

test("fromFiles: globs with *, ** and {a,b}; readMode r and rb", () => {
  mkdirSync(tmp.file("files/sub"), { recursive: true });
  writeFileSync(tmp.file("files/one.txt"), "one");
  writeFileSync(tmp.file("files/two.md"), "two");
  writeFileSync(tmp.file("files/sub/three.txt"), "three");
  assert.equal(DocumentArray.fromFiles(`${tmp.path}/files/*.txt`, { readMode: "r" }).texts, ["one"]);
  assert.equal(DocumentArray.fromFiles(`${tmp.path}/files/**/*.txt`, { readMode: "r" }).texts.sort(), ["one", "three"]);
  assert.is(DocumentArray.fromFiles(`${tmp.path}/files/*.{txt,md}`).length, 2);
  const blobs = DocumentArray.fromFiles(`${tmp.path}/files/two.md`, { readMode: "rb" });
  assert.equal([...(blobs.at(0)?.blob ?? [])], [...new TextEncoder().encode("two")]);
  assert.match(blobs.at(0)?.uri ?? "", /files\/two\.md$/);
  assert.is(DocumentArray.fromFiles(`${tmp.path}/nowhere/*.txt`).length, 0);
});

test("attribute selection, traversal paths, boolean masks, pick by index and id", () => {
  const docs = tree();
  assert.equal(docs.get(["id", "text"]), [["a", "b", "c"], ["A", "B", ""].map((t) => t || undefined)]);
  assert.equal(docs.getAttributes("tags__n__deep"), [1, 2, undefined]);
  assert.throws(() => docs.getAttributes("colour"), /unknown document attribute "colour"/);
  assert.equal(docs.traverseFlat("@r").ids, ["a", "b", "c"]);
  assert.equal(docs.traverseFlat("@c").ids, ["a1", "a2", "b1"]);
  assert.equal(docs.traverseFlat("@m").ids, ["am"]);
  assert.equal(docs.traverseFlat("@cm").ids, ["a2m"]);
  assert.equal(docs.traverseFlat("@r[:2]").ids, ["a", "b"]);
  assert.equal(docs.traverseFlat("@r[-1]").ids, ["c"]);
  assert.equal(docs.traverseFlat("@c[0]").ids, ["a1", "b1"]);
  assert.equal(docs.traverseFlat("@r[:1],c").ids, ["a", "a1", "a2", "b1"]);
  assert.throws(() => docs.traverseFlat("@x"), /cannot read "x"/);
  assert.equal(docs.pick([true, false, true]).ids, ["a", "c"]);
  assert.equal(docs.pick([2, 0]).ids, ["c", "a"]);
  assert.equal(docs.pick(["b"]).ids, ["b"]);
  assert.throws(() => docs.pick([true]), /mask: got 1 values for 3 documents/);
});

test("embed in batches, mapBatch and apply with concurrency", async () => {
  const docs = new DocumentArray(Array.from({ length: 10 }, (_, i) => ({ text: "x".repeat(i) })));
  const sizes: number[] = [];
  await docs.embed((batch) => {
    sizes.push(batch.length);
    return batch.texts.map((t) => [t.length, 1]);
  }, { batchSize: 4 });
  assert.equal(sizes, [4, 4, 2]);
  assert.equal(docs.embeddings?.shape, [10, 2]);
  assert.is(docs.at(9)?.embedding?.toList()[0], 9);
  let running = 0;
  let peak = 0;
  const lengths = await docs.mapBatch(async (batch) => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return batch.length;
  }, { batchSize: 3, concurrency: 2 });
  assert.equal(lengths, [3, 3, 3, 1]);
  assert.is(peak, 2);
  await docs.apply(async (doc, i) => {
    doc.tags = { i };
  }, { concurrency: 3 });
  assert.equal(docs.getAttributes("tags__i"), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("evaluate: recall, precision, ndcg, reciprocal rank, hit rate; evaluations stored per doc", () => {
  const results = new DocumentArray([
    { id: "q1", matches: [{ id: "x" }, { id: "y" }, { id: "z" }] },
    { id: "q2", matches: [{ id: "n" }, { id: "m" }] },
  ]);
  const truth = new DocumentArray([
    { id: "q1", matches: [{ id: "y" }, { id: "z" }, { id: "w" }, { id: "v" }] },
    { id: "q2", matches: [{ id: "o" }] },
  ]);
  const scores = results.evaluate(truth, { metrics: ["recall_at_k", "precision_at_k", "ndcg_at_k", "reciprocal_rank", "hit_at_k"], k: 3 });
  const near = (a: number | undefined, b: number) => assert.ok(Math.abs((a ?? NaN) - b) < 1e-9, `${a} ≈ ${b}`);
  near(scores.recall_at_k, (2 / 4 + 0) / 2);
  near(scores.precision_at_k, (2 / 3 + 0) / 2);
  near(scores.reciprocal_rank, (1 / 2 + 0) / 2);
  near(scores.hit_at_k, 0.5);
  const idealDcg = 1 + 1 / Math.log2(2);
  near(scores.ndcg_at_k, ((1 / Math.log2(2) + 1 / Math.log2(3)) / idealDcg + 0) / 2);
  near(results.at(0)?.evaluations.recall_at_k?.value, 0.5);
  const custom = results.evaluate(truth, { metrics: [["first_is_relevant", (r) => r[0] ?? 0]] });
  near(custom.first_is_relevant, 0);
  assert.throws(() => results.evaluate(truth, { metrics: ["nope"] }), /unknown metric "nope"/);
});

test("find: onlyId, a callable metric with its name, on a traversal path", () => {
  const docs = new DocumentArray([
    { id: "a", embedding: [0, 0], text: "big text", chunks: [{ id: "a-c", embedding: [10, 10] }] },
    { id: "b", embedding: [3, 4], chunks: [{ id: "b-c", embedding: [1, 1] }] },
  ]);
  const slim = docs.find([0, 1], { metric: "euclidean", limit: 1, onlyId: true }).at(0) as Document;
  assert.is(slim.id, "a");
  assert.is(slim.text, undefined);
  assert.ok(slim.scores.euclidean !== undefined);
  const manhattan = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + Math.abs(x - (b[i] as number)), 0);
  const hits = docs.find([3, 3], { metric: manhattan, limit: 2 });
  assert.equal(hits.ids, ["b", "a"]);
  assert.is(hits.at(0)?.scores.manhattan?.value, 1);
  assert.is(docs.find([3, 3], { metric: (a, b) => Math.abs((a[0] as number) - (b[0] as number)), metricName: "dx", limit: 1 }).at(0)?.scores.dx?.value, 0);
  assert.equal(docs.find([1, 1], { metric: "euclidean", limit: 1, on: "@c" }).ids, ["b-c"]);
  const queries = new DocumentArray([{ id: "q", embedding: [9, 9] }]);
  queries.match(docs, { metric: "euclidean", limit: 1, on: "@c", onlyId: true });
  assert.is(queries.at(0)?.matches.at(0)?.id, "a-c");
});

test("the same API on a sqlite array", () => {
  const docs = new DocumentArray({ storage: "sqlite", config: { connection: tmp.file("api.db") } });
  docs.push(...tree());
  assert.equal(docs.get(["id"]), [["a", "b", "c"]]);
  assert.equal(docs.traverseFlat("@c").ids, ["a1", "a2", "b1"]);
  assert.equal(docs.pick([false, true, false]).ids, ["b"]);
  docs.close();
});

test.run();
