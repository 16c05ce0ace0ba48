import { test } from "uvu";
import * as assert from "uvu/assert";
import { Document, DocumentArray, Flow } from "../../mod.ts";
import { BranchA, BranchB, Encoder, Joiner } from "./fixtures/executors.ts";

const fixtures = "./tests/flow/fixtures/executors.ts";

function diamond(inProcess: boolean): Flow {
  const uses = (cls: { name: string }) => (inProcess ? (cls as never) : `${fixtures}#${cls.name}`);
  return new Flow()
    .add({ name: "encoder", uses: uses(Encoder) })
    .add({ name: "a", uses: uses(BranchA), needs: "encoder" })
    .add({ name: "b", uses: uses(BranchB), needs: "encoder" })
    .add({ name: "joiner", uses: uses(Joiner), needs: ["a", "b"] });
}

function summarise(docs: DocumentArray) {
  return docs.map((doc) => ({
    id: doc.id,
    text: doc.text,
    tags: doc.tags,
    modality: doc.modality,
    embedding: Array.from(doc.embedding?.toFloat64() ?? []),
    matches: doc.matches.map((match) => ({ id: match.id, score: match.scores.cosine?.value })).sort((x, y) => x.id.localeCompare(y.id)),
  }));
}

const inputs = () => new DocumentArray(["hello", "world", "jina"].map((text, i) => new Document({ id: `d${i}`, text })));

test("the diamond graph is encoder → (a, b) → joiner → end-gateway", () => {
  assert.equal(diamond(true).build(), {
    "start-gateway": ["encoder"],
    encoder: ["a", "b"],
    a: ["joiner"],
    b: ["joiner"],
    joiner: ["end-gateway"],
  });
});

test("encoder → (a, b) → joiner gives the same reduced docs in one process and in one process per executor", async () => {
  const results = [];
  for (const inProcess of [true, false]) {
    const flow = await diamond(inProcess).start();
    try {
      results.push(summarise(await flow.post("/index", inputs())));
    } finally {
      await flow.close();
    }
  }
  const [local, spawned] = results;
  assert.equal(local, spawned);
  const first = local![0]!;
  assert.equal(first.tags, { a: true, joined: true });
  assert.is(first.modality, "text");
  assert.equal(first.embedding, [5, 104, 1, 0.5]);
  assert.equal(first.matches, [{ id: "a-d0", score: 0.25 }, { id: "b-d0", score: 0.75 }]);
  assert.equal(local!.map((doc) => doc.id), ["d0", "d1", "d2"]);
});

test.run();
