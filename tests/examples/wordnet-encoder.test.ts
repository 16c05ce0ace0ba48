import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray } from "../../mod.ts";
import { Bm25Index } from "../../examples/wordnet/bm25.ts";
import { DocumentFrequencies } from "../../examples/wordnet/document-frequencies.ts";
import { HashedTfidfEmbedder, sparseCosine } from "../../examples/wordnet/embedder.ts";
import { EmbeddingEncoder, loadEmbedder } from "../../examples/wordnet/encoder.ts";
import { Ranker } from "../../examples/wordnet/ranker.ts";
import { heldOutLemmaQueries, reverseDictionaryQueries, seededRandom } from "../../examples/wordnet/eval-queries.ts";
import { lemmaHash, queryFeatures, synsetFeatures, textFeatures, words } from "../../examples/wordnet/text-features.ts";
import { tagCounts } from "../../examples/wordnet/tag-counts.ts";
import { synsetDocument, wordnetDir } from "../../examples/wordnet/loader.ts";
import { topK } from "../../docarray/mod.ts";

const corpus = [
  "cat, true cat: feline mammal usually having thick soft fur and no ability to roar",
  "car, auto, automobile, machine, motorcar: a motor vehicle with four wheels",
  "sea: a division of an ocean or a large body of salt water partially enclosed by land",
  "lake: a body of (usually fresh) water surrounded by land",
  "dog, domestic dog: a member of the genus Canis that has been domesticated by man",
  "bicycle, bike, wheel, cycle: a wheeled vehicle that has two wheels and is moved by foot pedals",
];

function fitted(options = {}): HashedTfidfEmbedder {
  const frequencies = new DocumentFrequencies();
  for (const text of corpus) frequencies.add(textFeatures(text, options));
  return new HashedTfidfEmbedder(frequencies, { dim: 1024, ...options });
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

test("words are lower-cased letters and digits; features add up per hash", () => {
  assert.equal(words("A large body of Water, 2 x"), ["a", "large", "body", "of", "water", "2", "x"]);
  assert.equal([...textFeatures("cat cat").values()], [2]);
  const withGrams = textFeatures("cat", { subwordWeight: 1 });
  assert.ok(withGrams.size > 1);
  assert.ok(Math.abs([...withGrams.values()].reduce((a, b) => a + b, 0) - 2) < 1e-9, "the word weighs 1, its n-grams 1 in all");
});

test("the embedding is L2-normalised and the same text gets the same vector", () => {
  const embedder = fitted();
  const [a, b] = embedder.embed(["a large body of water", "a large body of water"]);
  assert.ok(Math.abs(cosine(a!, a!) - 1) < 1e-5);
  assert.equal([...a!], [...b!]);
  assert.is(embedder.embed([""])[0]!.every((value) => value === 0), true);
});

test("queries land nearest the synsets they describe", () => {
  for (const options of [{}, { subwordWeight: 0.5 }]) {
  const embedder = fitted(options);
  const matrix = new Float32Array(corpus.length * embedder.dim);
  corpus.forEach((text, i) => matrix.set(embedder.embedOne(text), i * embedder.dim));
  const best = (query: string) => topK(matrix, embedder.dim, embedder.embedOne(query), 1, "dot")[0]!.rows[0];
  assert.is(best("feline"), 0);
  assert.is(best("car"), 1);
  assert.is(best("a large body of salt water"), 2);
  if (options.subwordWeight) assert.is(best("automobiles"), 1, "sub-words meet a plural");
  }
});

test("the document-frequency table saves and loads", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wordnet-df-"));
  try {
    const frequencies = new DocumentFrequencies();
    for (const text of corpus) frequencies.add(textFeatures(text));
    await frequencies.save(join(dir, "sub", "df.bin"));
    const loaded = await DocumentFrequencies.load(join(dir, "sub", "df.bin"));
    assert.is(loaded.documents, corpus.length);
    assert.equal(loaded.counts, frequencies.counts);
    const embedder = await loadEmbedder({ model: join(dir, "sub", "df.bin"), dim: 1024 });
    assert.equal([...(await embedder.embed(["cat"]))[0]!], [...fitted().embed(["cat"])[0]!]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the encoder fills embeddings, and a user's embedder module replaces the model", async () => {
  const module = fileURLToPath(new URL("./fixtures/constant-embedder.ts", import.meta.url));
  const encoder = new EmbeddingEncoder({ embedder: `${module}#createEmbedder`, dim: 3 });
  const docs = new DocumentArray([new Document({ text: "hello" }), new Document({})]);
  await encoder.encode({ docs });
  assert.equal([...docs.at(0)!.embedding!.toFloat64()], [1, 0, 0]);
  assert.is(docs.at(1)!.embedding, undefined);
  let failure: unknown;
  await loadEmbedder({}).catch((error: unknown) => (failure = error));
  assert.match(String(failure), /needs "model"/);
});

test("the ranker re-scores candidates by exact TF-IDF cosine, drops duplicates, keeps limit, and keeps the vector's score", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wordnet-ranker-"));
  try {
    const frequencies = new DocumentFrequencies();
    for (const text of corpus) frequencies.add(textFeatures(text));
    await frequencies.save(join(dir, "df.bin"));
    const ranker = new Ranker({ model: join(dir, "df.bin") });
    const query = new Document({ text: "a large body of salt water" });
    query.matches = [
      new Document({ id: "lake", text: corpus[3], scores: { cosine: { value: 0.2 } } }),
      new Document({ id: "car", text: corpus[1], scores: { cosine: { value: 0.1 } } }),
      new Document({ id: "sea", text: corpus[2], scores: { cosine: { value: 0.3 } } }),
      new Document({ id: "sea", text: corpus[2], scores: { cosine: { value: 0.3 } } }),
    ];
    const docs = new DocumentArray([query]);
    await ranker.rank({ docs, parameters: { limit: 2 } });
    const matches = [...docs.at(0)!.matches];
    assert.equal(matches.map((match) => match.id), ["sea", "lake"]);
    assert.ok(matches[0]!.scores.cosine!.value < matches[1]!.scores.cosine!.value);
    assert.is(matches[0]!.scores.vector_cosine!.value.toFixed(1), "0.3");
    const embedder = fitted();
    assert.ok(Math.abs(sparseCosine(embedder.sparse("cat"), embedder.sparse("cat")) - 1) < 1e-9);
    assert.is(sparseCosine(embedder.sparse("cat"), embedder.sparse("")), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fielded features: lemma words and whole lemmas weigh 2, definition words 1, example words 0.5; a short query is also a lemma", () => {
  const features = synsetFeatures({ lemmas: ["car", "motor car"], definition: "a motor vehicle", examples: ["my car"] });
  const hash = (word: string) => textFeatures(word).keys().next().value!;
  assert.is(features.get(hash("car")), 2 + 2 + 0.5);
  assert.is(features.get(hash("motor")), 2 + 1);
  assert.is(features.get(hash("vehicle")), 1);
  assert.is(features.get(lemmaHash("motor car")), 2);
  assert.is(queryFeatures("Motor  car").get(lemmaHash("motor car")), 2);
  assert.is(queryFeatures("a motor vehicle with four wheels and a roof").has(lemmaHash("a motor vehicle with four wheels and a roof")), false);
});

test("tag counts: the automobile sense of car was tagged far more often than the elevator cabin", async () => {
  const counts = await tagCounts(wordnetDir());
  assert.ok(counts.get("02961779-n")! > 50, "car, auto, automobile");
  assert.is(counts.get("02963788-n"), 0, "car, elevator car");
  assert.ok(counts.has("00003699-s"), "satellites keep their s");
});

test("the ranker reads synset fields from the tags, applies the frequency prior and drops the candidates' embeddings", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wordnet-ranker-"));
  try {
    const synsets = [
      { id: "elevator", lemmas: ["car", "elevator car"], pos: "noun", definition: "where passengers ride up and down", examples: [], frequency: 0 },
      { id: "auto", lemmas: ["car", "auto", "automobile", "machine", "motorcar"], pos: "noun", definition: "a motor vehicle with four wheels; usually propelled by an internal combustion engine", examples: ["he needs a car to get to work"], frequency: 89 },
      { id: "other", lemmas: ["bicycle"], pos: "noun", definition: "a wheeled vehicle that has two wheels", examples: [], frequency: 30 },
    ];
    const frequencies = new DocumentFrequencies();
    for (const synset of synsets) frequencies.add(synsetFeatures(synset));
    await frequencies.save(join(dir, "df.bin"));
    const rank = async (prior: number) => {
      const query = new Document({ text: "car" });
      query.matches = synsets.map((synset) => Object.assign(synsetDocument(synset), { embedding: new Float32Array([1, 0]) }));
      const docs = new DocumentArray([query]);
      await new Ranker({ model: join(dir, "df.bin"), prior }).rank({ docs, parameters: { limit: 3 } });
      return [...docs.at(0)!.matches];
    };
    assert.is((await rank(0))[0]!.id, "elevator", "without the prior the shorter synset wins");
    const ranked = await rank(0.2);
    assert.equal(ranked.map((match) => match.id), ["auto", "elevator", "other"]);
    assert.ok(ranked.every((match) => match.embedding === undefined));
    assert.ok(ranked[0]!.scores.relevance!.value > ranked[1]!.scores.relevance!.value);
    assert.ok(ranked[0]!.scores.cosine!.value > ranked[1]!.scores.cosine!.value, "cosine stays the plain TF-IDF distance");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("BM25 ranks the document with the rarer shared word first", () => {
  const bm25 = new Bm25Index(corpus);
  assert.is(bm25.search("feline", 1)[0]!.index, 0);
  assert.is(bm25.search("body of water", 2).map((hit) => hit.index).sort().join(), "2,3");
  assert.equal(bm25.search("zzz", 3), []);
});

test("held-out queries: the query part is removed from the target's text; the same seed picks the same queries", () => {
  const synsets = [
    { id: "1-n", lemmas: ["car", "auto"], pos: "noun", definition: "a motor vehicle with four wheels", examples: [] },
    { id: "2-n", lemmas: ["lake"], pos: "noun", definition: "a body of water surrounded by land", examples: ["we swam in the lake"] },
  ];
  const lemma = heldOutLemmaQueries(synsets, 5, seededRandom(1));
  assert.is(lemma.length, 1, "only synsets with two lemmas");
  assert.is(lemma[0]!.target, 0);
  assert.not.ok(words(lemma[0]!.indexedText).includes(lemma[0]!.query));
  assert.equal(heldOutLemmaQueries(synsets, 5, seededRandom(1)), lemma);
  const reverse = reverseDictionaryQueries(synsets, 2, seededRandom(2));
  assert.is(reverse.length, 2);
  for (const query of reverse) assert.not.ok(query.indexedText.includes(query.query));
});

test.run();
