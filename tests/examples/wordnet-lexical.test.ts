import { rmSync } from "node:fs";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, Flow } from "../../mod.ts";
import { CandidateIndexer } from "../../examples/wordnet/candidate-indexer.ts";
import { LexicalIndex, lexicalQuery } from "../../examples/wordnet/lexical-index.ts";
import { synsetDocument } from "../../examples/wordnet/loader.ts";
import type { Synset } from "../../examples/wordnet/synset.ts";
import { tempDir } from "../storage/_tmp.ts";

const tmp = tempDir("jina-wordnet-lexical-");
test.after(tmp.remove);

const synset = (id: string, lemmas: string[], definition: string, examples: string[] = []): Synset => ({ id, lemmas, pos: "noun", definition, examples });
const synsets = [
  synset("car", ["car", "auto", "automobile", "machine", "motorcar"], "a motor vehicle with four wheels; usually propelled by an internal combustion engine", ["he needs a car to get to work"]),
  synset("elevator-car", ["car", "elevator car"], "where passengers ride up and down"),
  synset("sports-car", ["sports car", "sport car"], "a small low car with a high-powered engine; a car car car"),
  synset("ocean", ["ocean"], "a large body of water constituting a principal part of the hydrosphere"),
  synset("sea", ["sea"], "a division of an ocean or a large body of salt water partially enclosed by land"),
  synset("body-of-water", ["body of water", "water"], "the part of the earth's surface covered with water"),
  synset("felid", ["feline", "felid"], "any of various lithe-bodied roundheaded fissiped mammals"),
];
const entries = synsets.map((s) => ({ id: s.id, fields: s }));

test("lexicalQuery: words OR-ed and quoted, English stop words dropped unless nothing else is left", () => {
  assert.is(lexicalQuery("a large body of water"), '"large" OR "body" OR "water"');
  assert.is(lexicalQuery("The AND of"), '"the" OR "and" OR "of"');
  assert.is(lexicalQuery('car" OR NEAR('), '"car" OR "near"');
  assert.is(lexicalQuery("  ,; "), "");
});

test("LexicalIndex: the synsets named by the query first, then BM25F; replace, remove, reopen, clear", () => {
  const file = tmp.file("lexical.db");
  const index = new LexicalIndex(file);
  index.add(entries);
  assert.is(index.count, synsets.length);
  const car = index.search("car", 10).map((hit) => hit.id);
  assert.equal(car.slice(0, 2).sort(), ["car", "elevator-car"], `named "car" first (sports car repeats the word more): ${car}`);
  assert.ok(car.includes("sports-car"));
  assert.equal(index.search("body of water", 1).map((hit) => hit.id), ["body-of-water"], "a whole lemma of several words");
  const water = index.search("a large body of water", 3).map((hit) => hit.id);
  assert.ok(water.includes("ocean") && water.includes("sea"), `${water}`);
  assert.ok(index.search("feline", 1)[0]!.score > 0, "scores are similarities");
  assert.ok(index.search("of the", 10).some((hit) => hit.id === "body-of-water"), "a query of stop words only still searches by them");
  assert.equal(index.search("", 10), []);

  index.add([{ id: "ocean", fields: synset("ocean", ["ocean"], "the briny deep") }]);
  assert.is(index.count, synsets.length, "re-adding an id replaces it");
  assert.equal(index.search("briny", 5).map((hit) => hit.id), ["ocean"]);
  assert.ok(!index.search("hydrosphere", 5).some((hit) => hit.id === "ocean"), "the old text is gone");
  assert.is(index.remove(["sea", "nowhere"]), 1);
  assert.ok(!index.search("salt", 5).some((hit) => hit.id === "sea"));
  index.close();

  const reopened = new LexicalIndex(file);
  assert.is(reopened.count, synsets.length - 1);
  assert.equal(reopened.search("briny", 5).map((hit) => hit.id), ["ocean"]);
  reopened.clear();
  assert.is(reopened.count, 0);
  assert.equal(reopened.search("car", 5), []);
  reopened.close();
});

const embedding = (i: number) => Float32Array.of(Math.cos(i), Math.sin(i), 1, 0.5);
const docs = () => synsets.map((s, i) => Object.assign(synsetDocument(s), { embedding: embedding(i) }));
const usesWith = { nDim: 4, metric: "cosine", candidates: 2, lexical: 3 };

test("CandidateIndexer: /search answers vector and lexical candidates; per-request counts; /delete; a lost lexical index is rebuilt", async () => {
  const workspace = tmp.file("indexer");
  const flow = () => new Flow({ workspace }).add({ name: "indexer", uses: CandidateIndexer, usesWith: usesWith as never });
  const query = () => new Document({ id: "q", text: "car", embedding: embedding(3) });
  {
    await using running = await flow().start();
    await running.post("/index", docs());
    const [hit] = await running.post("/search", [query()], { parameters: { limit: 1 } });
    const ids = hit!.matches.ids;
    assert.ok(ids.includes("ocean"), `the vector's nearest (ocean, embedding 3): ${ids}`);
    assert.ok(ids.includes("car") && ids.includes("elevator-car"), `the lexical hits: ${ids}`);
    assert.is(new Set(ids).size, ids.length, "each candidate once");
    for (const match of hit!.matches) {
      assert.is(match.embedding, undefined);
      assert.ok(match.scores.cosine !== undefined || match.scores.bm25!.value > 0, match.id);
    }
    const [vectorOnly] = await running.post("/search", [query()], { parameters: { limit: 1, lexical: 0 } });
    assert.equal(vectorOnly!.matches.ids.length, 2);
    assert.ok([...vectorOnly!.matches].every((match) => match.scores.bm25 === undefined));
    const [lexicalOnly] = await running.post("/search", [query()], { parameters: { limit: 1, candidates: 0 } });
    assert.ok(lexicalOnly!.matches.length > 0 && [...lexicalOnly!.matches].every((match) => match.scores.cosine === undefined && match.scores.bm25!.value > 0));
    await running.post("/delete", [new Document({ id: "elevator-car" })]);
    const [deleted] = await running.post("/search", [query()], { parameters: { limit: 1, candidates: 0 } });
    assert.not.ok(deleted!.matches.ids.includes("elevator-car"));
    // the stored documents are unchanged by a search (the store lends documents; the indexer answers copies)
    const [again] = await running.post("/search", [query()], { parameters: { limit: 1, candidates: 0 } });
    assert.ok(again!.matches.ids.includes("car"));
  }
  rmSync(`${workspace}/indexer/0/lexical.db`);
  {
    await using running = await flow().start();
    const [hit] = await running.post("/search", [query()], { parameters: { limit: 1, candidates: 0 } });
    assert.equal(hit!.matches.ids.sort(), ["car", "sports-car"], "rebuilt from the stored documents, without the deleted one");
  }
});

test.run();
