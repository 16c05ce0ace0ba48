import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, Executor, Flow, requests } from "../../mod.ts";
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

/** A floating deployment: blocks until the test releases it, then records what it saw. */
class Blocker extends Executor {
  static release: () => void = () => {};
  static released = new Promise<void>((resolve) => (Blocker.release = resolve));
  static seen: string[] = [];
  static finished = false;

  @requests()
  async block({ docs }: { docs: DocumentArray }) {
    Blocker.seen.push(...docs.map((doc) => `${doc.id}:${JSON.stringify(doc.tags)}`));
    await Promise.race([Blocker.released, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    for (const doc of docs) doc.tags = { ...doc.tags, floating: true };
    Blocker.finished = true;
  }
}

/** An inspect deployment: records the docs it saw and writes an evaluation. */
class Inspector extends Executor {
  static seen: string[] = [];

  @requests()
  inspect({ docs }: { docs: DocumentArray }) {
    for (const doc of docs) {
      Inspector.seen.push(`${this.metas.name}:${doc.id}:${JSON.stringify(doc.tags)}`);
      doc.evaluations = { [this.metas.name]: { value: 1 } };
    }
  }
}

const waitFor = async (what: string, condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

test("needsAll() joins every deployment without a successor (floating ones excepted); join() is needs()", () => {
  const all = new Flow()
    .add({ name: "a", needs: "gateway" })
    .add({ name: "b", needs: "gateway" })
    .add({ name: "side", needs: "gateway", floating: true })
    .needsAll();
  assert.equal(all.build(), {
    "start-gateway": ["a", "b", "side"],
    a: ["joiner"],
    b: ["joiner"],
    side: [],
    joiner: ["end-gateway"],
  });
  const joined = new Flow().add({ name: "a", needs: "gateway" }).add({ name: "b", needs: "gateway" }).join(["a", "b"], { name: "merge" });
  assert.equal(joined.build(), { "start-gateway": ["a", "b"], a: ["merge"], b: ["merge"], merge: ["end-gateway"] });
  assert.equal(new Flow().needsAll().build(), { "start-gateway": ["joiner"], joiner: ["end-gateway"] });
});

test("needsAll() and join() reduce the branches' answers", async () => {
  for (const build of [
    (flow: Flow) => flow.needsAll(),
    (flow: Flow) => flow.join(["a", "b"], { name: "merge", uses: Joiner }),
  ]) {
    await using flow = await build(
      new Flow().add({ name: "a", uses: BranchA, needs: "gateway" }).add({ name: "b", uses: BranchB, needs: "gateway" }),
    ).start();
    const docs = await flow.post("/index", inputs());
    assert.equal(docs.ids, ["d0", "d1", "d2"]);
    const first = docs.at(0)!;
    assert.is(first.tags.a, true);
    assert.is(first.modality, "text");
    assert.equal(first.matches.ids.sort(), ["a-d0", "b-d0"]);
  }
});

test("a floating deployment runs, but the answer neither waits for it nor contains its result", async () => {
  Blocker.seen = [];
  Blocker.finished = false;
  const flow = new Flow()
    .add({ name: "encoder", uses: Encoder })
    .add({ name: "side", uses: Blocker, floating: true })
    .add({ name: "a", uses: BranchA });
  assert.equal(flow.build(), { "start-gateway": ["encoder"], encoder: ["side", "a"], side: [], a: ["end-gateway"] });
  await using running = await flow.start();
  try {
    const docs = await running.post("/index", inputs());
    assert.not.ok(Blocker.finished, "the answer came while the floating deployment was still blocked");
    assert.equal(docs.map((doc) => doc.tags), [{ a: true }, { a: true }, { a: true }]);
    await waitFor("the floating deployment to see the docs", () => Blocker.seen.length === 3);
    assert.equal(Blocker.seen, ["d0:{}", "d1:{}", "d2:{}"], "it got the encoder's output");
  } finally {
    Blocker.release();
  }
  await waitFor("the floating deployment to finish", () => Blocker.finished);
});

test("inspect() hangs a floating deployment on the last one; the next add() still follows the main path", () => {
  const flow = new Flow()
    .add({ name: "encoder" })
    .inspect({ name: "check_encoder" })
    .add({ name: "indexer" })
    .inspect({ name: "check_indexer" });
  assert.equal(flow.build(), {
    "start-gateway": ["encoder"],
    encoder: ["check_encoder", "indexer"],
    check_encoder: [],
    indexer: ["check_indexer", "end-gateway"],
    check_indexer: [],
  });
  assert.equal(new Flow().inspect().build(), { "start-gateway": ["inspect", "end-gateway"], inspect: [] });
  assert.throws(() => new Flow().add({ name: "a" }).inspect().inspect(), /"inspect" is already in the flow/);
});

test("gatherInspect() joins every inspect deployment and the last main one (or not, with includeLastDeployment: false)", () => {
  const base = () => new Flow().add({ name: "encoder" }).inspect({ name: "ie" }).add({ name: "indexer" }).inspect({ name: "ii" });
  assert.equal(base().gatherInspect().build(), {
    "start-gateway": ["encoder"],
    encoder: ["ie", "indexer"],
    ie: ["gather_inspect"],
    indexer: ["ii", "gather_inspect"],
    ii: ["gather_inspect"],
    gather_inspect: ["end-gateway"],
  });
  assert.equal(base().gatherInspect({ name: "evals", includeLastDeployment: false }).build(), {
    "start-gateway": ["encoder"],
    encoder: ["ie", "indexer"],
    ie: ["evals"],
    indexer: ["ii"],
    ii: ["evals"],
    evals: ["end-gateway"],
  });
  const without = new Flow().add({ name: "a" }).gatherInspect();
  assert.equal(without.build(), { "start-gateway": ["a"], a: ["end-gateway"] }, "no inspect deployment: nothing added");
});

test("inspect() sees the last deployment's docs without changing the answer; gatherInspect() merges its evaluations in", async () => {
  for (const gather of [false, true]) {
    Inspector.seen = [];
    let flow = new Flow().add({ name: "a", uses: BranchA }).inspect({ name: "evaluate", uses: Inspector });
    if (gather) flow = flow.gatherInspect();
    await using running = await flow.start();
    const docs = await running.post("/index", inputs());
    await waitFor("the inspect deployment", () => Inspector.seen.length === 3);
    assert.equal(Inspector.seen.sort(), ['evaluate:d0:{"a":true}', 'evaluate:d1:{"a":true}', 'evaluate:d2:{"a":true}']);
    assert.equal(docs.map((doc) => doc.tags), [{ a: true }, { a: true }, { a: true }]);
    assert.equal(docs.map((doc) => doc.evaluations.evaluate?.value), gather ? [1, 1, 1] : [undefined, undefined, undefined]);
  }
});

test.run();
