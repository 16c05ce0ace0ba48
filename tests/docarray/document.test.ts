import { create } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { DocumentArrayProtoSchema, DocumentProtoSchema, NdArrayProtoSchema } from "../../proto/gen/docarray_pb.ts";
import { Document, DocumentArray, NdArray } from "../../docarray/mod.ts";
import { newDocumentProto } from "../../docarray/document-proto.ts";

test("ids default to 32 random lowercase hex characters", () => {
  const a = new Document();
  const b = new Document();
  assert.match(a.id, /^[0-9a-f]{32}$/);
  assert.is.not(a.id, b.id);
  assert.is(new Document({ id: "mine" }).id, "mine");
});

test("newDocumentProto makes what create(DocumentProtoSchema, { id }) makes, key for key (a schema change shows here)", () => {
  const made = newDocumentProto("x");
  const created = create(DocumentProtoSchema, { id: "x" });
  assert.equal(Object.keys(made).sort(), Object.keys(created).sort());
  assert.equal(made, created);
  assert.is(Object.getPrototypeOf(made), Object.getPrototypeOf(created));
  assert.is.not(newDocumentProto("x").chunks, made.chunks, "fresh lists each time");
});

test("newDocumentProto with content and an embedding makes what setting them on create()'s document makes, keys in order", () => {
  const embedding = create(NdArrayProtoSchema, { clsName: "numpy" });
  const content = { case: "text" as const, value: "hi" };
  const made = newDocumentProto("x", content, embedding);
  const created = create(DocumentProtoSchema, { id: "x" });
  created.content = content;
  created.embedding = embedding;
  assert.equal(Object.keys(made), Object.keys(created));
  assert.equal(made, created);
  assert.equal(Object.keys(newDocumentProto("x", content)), Object.keys(create(DocumentProtoSchema, { id: "x" })));
  assert.is(newDocumentProto("x", content).content, content);
});

test("a Document is a view: getters and setters read and write the proto", () => {
  const proto = create(DocumentProtoSchema, { id: "x", uri: "file://a" });
  const doc = Document.fromProto(proto);
  assert.is(doc.proto, proto);
  assert.is(doc.uri, "file://a");
  doc.mimeType = "text/plain";
  doc.weight = 2;
  doc.granularity = 1;
  doc.location = [1, 2];
  assert.is(proto.mimeType, "text/plain");
  assert.is(proto.weight, 2);
  assert.is(proto.granularity, 1);
  assert.equal(proto.location, [1, 2]);
  proto.parentId = "p";
  assert.is(doc.parentId, "p");
  assert.is(Document.fromProto(proto), doc, "the same message gives the same wrapper");
});

test("text, blob and tensor share the content oneof: setting one replaces the others", () => {
  const doc = new Document({ text: "hi" });
  assert.equal(doc.proto.content, { case: "text", value: "hi" });
  doc.blob = new Uint8Array([1, 2]);
  assert.is(doc.text, undefined);
  assert.equal([...(doc.blob ?? [])], [1, 2]);
  doc.tensor = [[1, 2], [3, 4]];
  assert.is(doc.blob, undefined);
  assert.is(doc.proto.content.case, "tensor");
  assert.equal(doc.tensor?.toList(), [[1, 2], [3, 4]]);
  doc.text = undefined; // clearing another kind is a no-op
  assert.is(doc.proto.content.case, "tensor");
  doc.tensor = undefined;
  assert.is(doc.proto.content.case, undefined);
});

test("embedding: a Float32Array gives <f4 [n], numbers give <f8, undefined clears", () => {
  const doc = new Document({ embedding: new Float32Array([0.5, 1]) });
  assert.is(doc.embedding?.dtype, "<f4");
  assert.equal(doc.embedding?.shape, [2]);
  assert.is(doc.proto.embedding?.clsName, "numpy");
  doc.embedding = [1, 2, 3];
  assert.is(doc.embedding?.dtype, "<f8");
  doc.embedding = undefined;
  assert.is(doc.proto.embedding, undefined);
  assert.is(doc.embedding, undefined);
});

test("tags are never undefined and write into the message; set replaces", () => {
  const doc = new Document();
  const before = doc.toBytes();
  assert.equal(doc.tags, {});
  assert.is(doc.tags.missing, undefined);
  assert.is(doc.proto.tags, undefined, "reading unset tags does not attach a Struct");
  assert.equal([...doc.toBytes()], [...before]);
  doc.tags.a = 1;
  assert.equal(doc.proto.tags, { a: 1 });
  doc.tags = { b: "x" };
  assert.equal(doc.proto.tags, { b: "x" });
});

test("scores accept plain NamedScore objects, by init, by setter and by assignment", () => {
  const doc = new Document({ scores: { cosine: { value: 0.5, opName: "cos" } } });
  assert.is(doc.scores.cosine?.$typeName, "docarray.NamedScoreProto");
  assert.is(doc.scores.cosine?.opName, "cos");
  doc.scores.l2 = { value: 3 } as never;
  assert.is(doc.proto.scores.l2?.$typeName, "docarray.NamedScoreProto");
  doc.evaluations = { precision: { value: 1 } };
  assert.is(doc.proto.evaluations.precision?.value, 1);
  assert.is(Document.fromBytes(doc.toBytes()).scores.l2?.value, 3);
});

test("matches and chunks are DocumentArray views over proto.matches / proto.chunks", () => {
  const doc = new Document({ chunks: [{ id: "c1", text: "part" }] });
  assert.is(doc.proto.chunks[0]?.id, "c1");
  doc.matches.push({ id: "m1", scores: { cosine: { value: 0.5 } } });
  assert.is(doc.proto.matches.length, 1);
  assert.is(doc.proto.matches[0]?.scores.cosine?.value, 0.5);
  assert.is(doc.matches, doc.matches, "the view is cached");
  doc.proto.matches = []; // the view follows a reassigned field
  assert.is(doc.matches.length, 0);
  doc.matches = [new Document({ id: "m2" })];
  assert.equal(doc.matches.ids, ["m2"]);
  const nested = doc.chunks.at(0) as Document;
  nested.matches.push({ id: "deep" });
  assert.is(doc.proto.chunks[0]?.matches[0]?.id, "deep");
});

test("clone is deep and independent", () => {
  const doc = new Document({ text: "a", tags: { k: 1 }, embedding: new Float32Array([1]), matches: [{ id: "m" }] });
  const copy = doc.clone();
  copy.tags.k = 2;
  (copy.embedding as NdArray).data[0] = 5;
  copy.matches.push({ id: "n" });
  assert.is(doc.tags.k, 1);
  assert.is(doc.embedding?.data[0], 1);
  assert.is(doc.matches.length, 1);
  assert.is(copy.id, doc.id);
});

test("DocumentArray: construction, at, get, has, push, remove, iteration", () => {
  const shared = new Document({ id: "b", text: "B" });
  const docs = new DocumentArray([{ id: "a", text: "A" }, shared]);
  assert.is(docs.length, 2);
  assert.is(docs.at(1), shared);
  assert.is(docs.at(-1)?.id, "b");
  assert.is(docs.at(5), undefined);
  assert.is(docs.get("a")?.text, "A");
  assert.ok(docs.has("b"));
  assert.is(docs.push({ id: "c" }, new Document({ id: "a" })), 4);
  assert.is(docs.remove("a"), 2);
  assert.equal(docs.ids, ["b", "c"]);
  assert.equal([...docs].map((d) => d.id), ["b", "c"]);
  assert.equal(docs.map((d, i) => `${i}${d.id}`), ["0b", "1c"]);
});

test("DocumentArray.fromProto is a view over a DocumentArrayProto and over a plain list", () => {
  const proto = create(DocumentArrayProtoSchema);
  const docs = DocumentArray.fromProto(proto);
  docs.push({ id: "x" });
  assert.is(proto.docs[0]?.id, "x");
  assert.is(docs.toProto(), proto);
  proto.docs = [create(DocumentProtoSchema, { id: "y" })];
  assert.equal(docs.ids, ["y"]);
  const list = [create(DocumentProtoSchema, { id: "z" })];
  const view = DocumentArray.fromProto(list);
  assert.is(view.protos, list);
  assert.is(view.toProto().docs, list);
});

test("filter, slice, batch and concat share documents; clone copies them", () => {
  const docs = new DocumentArray(Array.from({ length: 5 }, (_, i) => ({ id: `d${i}`, tags: { i } })));
  const odd = docs.filter((d) => (d.tags.i as number) % 2 === 1);
  assert.equal(odd.ids, ["d1", "d3"]);
  (odd.at(0) as Document).text = "changed";
  assert.is(docs.at(1)?.text, "changed");
  assert.equal(docs.slice(1, 3).ids, ["d1", "d2"]);
  assert.equal([...docs.batch(2)].map((b) => b.ids), [["d0", "d1"], ["d2", "d3"], ["d4"]]);
  assert.throws(() => [...docs.batch(0)], /batch size must be a positive integer/);
  const all = docs.concat(odd, [{ id: "new" }]);
  assert.equal(all.ids, ["d0", "d1", "d2", "d3", "d4", "d1", "d3", "new"]);
  assert.is(docs.length, 5);
  const copy = docs.clone();
  (copy.at(0) as Document).text = "copy";
  assert.is(docs.at(0)?.text, undefined);
});

test("texts and embeddings get and set in bulk", () => {
  const docs = new DocumentArray([{ text: "a" }, {}, { text: "c" }]);
  assert.equal(docs.texts, ["a", "", "c"]);
  docs.texts = ["x", "y", "z"];
  assert.is(docs.at(1)?.text, "y");
  assert.is(docs.embeddings, undefined);
  docs.embeddings = [[1, 2], [3, 4], [5, 6]];
  const matrix = docs.embeddings as unknown as NdArray;
  assert.equal(matrix.shape, [3, 2]);
  assert.is(matrix.dtype, "<f8");
  assert.equal(matrix.toList(), [[1, 2], [3, 4], [5, 6]]);
  for (const doc of docs) doc.embedding = new Float32Array([1, 0]);
  assert.is(docs.embeddings?.dtype, "<f4");
  assert.throws(() => (docs.texts = ["only one"]), /texts: got 1 values for 3 documents/);
});

test("toBytes / fromBytes round trip a DocumentArrayProto", () => {
  const docs = new DocumentArray([
    { id: "a", text: "hello", tags: { n: 1, nested: { x: [1, "y", null, true] } } },
    { id: "b", blob: new Uint8Array([0, 255]), embedding: new Float32Array([0.25]), chunks: [{ id: "c" }] },
  ]);
  const back = DocumentArray.fromBytes(docs.toBytes());
  assert.equal(back.toJSON(), docs.toJSON());
  assert.equal(back.at(0)?.tags, { n: 1, nested: { x: [1, "y", null, true] } });
});

test("summary is a short table of what the documents hold", () => {
  const docs = new DocumentArray([{ text: "a", embedding: new Float32Array(3) }, { text: "b" }]);
  const summary = docs.summary();
  assert.match(summary, "DocumentArray: 2 documents");
  assert.match(summary, /text\s+2/);
  assert.match(summary, /embedding\s+1/);
  assert.match(summary, "shape [3], dtype <f4");
  assert.is.not(summary.includes("blob"), true);
});

test.run();
