import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, reduceAll, reduceDocs } from "../../docarray/mod.ts";

test("absent docs are appended in order, present ones merged; the target is mutated and returned", () => {
  const left = new DocumentArray([{ id: "a", text: "left" }, { id: "b" }]);
  const right = new DocumentArray([{ id: "c", text: "new" }, { id: "a", text: "right" }]);
  const out = reduceDocs(left, right);
  assert.is(out, left);
  assert.equal(left.ids, ["a", "b", "c"]);
  assert.is(left.get("a")?.text, "left", "the left doc keeps its own non-empty field");
  assert.is(left.get("c"), right.get("c"), "appended docs are shared, not copied");
});

test("fields set only in the later doc are copied in; id and parent_id are kept", () => {
  const left = new DocumentArray([{ id: "a", parentId: "p1", weight: 2 }]);
  const right = new DocumentArray([
    {
      id: "a",
      parentId: "p2",
      weight: 5,
      text: "t",
      uri: "u",
      mimeType: "m",
      modality: "text",
      granularity: 1,
      adjacency: 2,
      offset: 3,
      location: [1],
      embedding: [1, 2],
      tags: { x: 1 },
      scores: { s: { value: 1 } },
      evaluations: { e: { value: 2 } },
    },
  ]);
  reduceDocs(left, right);
  const doc = left.at(0) as Document;
  assert.is(doc.parentId, "p1");
  assert.is(doc.weight, 2);
  assert.is(doc.text, "t");
  assert.is(doc.uri, "u");
  assert.is(doc.mimeType, "m");
  assert.is(doc.modality, "text");
  assert.is(doc.granularity, 1);
  assert.is(doc.adjacency, 2);
  assert.is(doc.offset, 3);
  assert.equal(doc.location, [1]);
  assert.equal(doc.embedding?.toList(), [1, 2]);
  assert.equal(doc.tags, { x: 1 });
  assert.is(doc.scores.s?.value, 1);
  assert.is(doc.evaluations.e?.value, 2);
});

test("whole-field priority: tags are not deep-merged, embeddings and content are not replaced", () => {
  const left = new DocumentArray([{ id: "a", tags: { a: 1 }, embedding: [1], blob: new Uint8Array([1]) }]);
  reduceDocs(left, new DocumentArray([{ id: "a", tags: { b: 2 }, embedding: [9], text: "x" }]));
  const doc = left.at(0) as Document;
  assert.equal(doc.tags, { a: 1 });
  assert.equal(doc.embedding?.toList(), [1]);
  assert.equal([...(doc.blob ?? [])], [1]);
  assert.is(doc.text, undefined);
});

test("matches and chunks are reduced recursively by id, keeping match order", () => {
  const left = new DocumentArray([
    { id: "q", matches: [{ id: "m1", scores: { s: { value: 0.1 } } }, { id: "m2" }], chunks: [{ id: "c1", matches: [{ id: "x" }] }] },
  ]);
  const right = new DocumentArray([
    {
      id: "q",
      matches: [{ id: "m3" }, { id: "m2", text: "from right" }, { id: "m1", scores: { s: { value: 0.9 } } }],
      chunks: [{ id: "c1", text: "c", matches: [{ id: "y" }] }, { id: "c2" }],
    },
  ]);
  reduceDocs(left, right);
  const q = left.at(0) as Document;
  assert.equal(q.matches.ids, ["m1", "m2", "m3"]);
  assert.is(q.matches.get("m1")?.scores.s?.value, 0.1);
  assert.is(q.matches.get("m2")?.text, "from right");
  assert.equal(q.chunks.ids, ["c1", "c2"]);
  assert.is(q.chunks.at(0)?.text, "c");
  assert.equal(q.chunks.at(0)?.matches.ids, ["x", "y"]);
});

test("reduceAll reduces left to right into the first array", () => {
  const a = new DocumentArray([{ id: "1" }]);
  const b = new DocumentArray([{ id: "1", text: "b" }, { id: "2", text: "b" }]);
  const c = new DocumentArray([{ id: "2", text: "c", tags: { c: true } }, { id: "3" }]);
  const out = reduceAll([a, b, c]);
  assert.is(out, a);
  assert.equal(a.ids, ["1", "2", "3"]);
  assert.is(a.get("1")?.text, "b");
  assert.is(a.get("2")?.text, "b");
  assert.equal(a.get("2")?.tags, { c: true });
  assert.is(reduceAll([]).length, 0);
});

test.run();
