import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { indexedCount, prepareWordnet, queryWordnet } from "../../examples/wordnet/serve.ts";
import { expected, querySubset } from "./wordnet-subset.ts";

const workspace = mkdtempSync(join(tmpdir(), "wordnet-flow-"));
const options = { ...querySubset, workspace, ports: [0, 0, 0] as [number, number, number], progress: false };

test.after(() => rmSync(workspace, { recursive: true, force: true }));

// The three queries, on a subset (about 2,000 nouns and adjectives: every synset sharing a lemma word with the
// queries or their answers, every definition mentioning a car, a feline or a body of water, and one in a hundred of the
// rest; see wordnet-subset.ts). The full corpus is checked by hand with curl (README, "Quality, measured").
test("first start indexes the subset across both shards; the issue's three queries find their synsets in the top 3", async () => {
  const lines: string[] = [];
  const flow = await prepareWordnet({ ...options, log: (line) => lines.push(line) });
  try {
    assert.match(lines.join("\n"), /fitted the encoder's document frequencies on \d+ synsets/);
    const count = await indexedCount(flow);
    assert.ok(count > 1500, `indexed ${count}`);
    const top3 = async (text: string) => (await queryWordnet(flow, text, 10)).slice(0, 3).map((doc) => doc.id);
    const car = await top3("car");
    assert.ok(car.includes(expected.car), `car → car, auto, automobile, machine, motorcar in the top 3: ${car}`);
    const feline = await top3("feline");
    assert.ok(feline.includes(expected.felid) || feline.includes(expected.felineAdjective), `feline → feline/felid in the top 3: ${feline}`);
    const water = await top3("a large body of water");
    assert.ok([expected.sea, expected.ocean, expected.lake].some((id) => water.includes(id)), `a large body of water → sea, ocean or lake in the top 3: ${water}`);
    const [automobile] = (await queryWordnet(flow, "car", 10)).filter((doc) => doc.id === expected.car);
    assert.ok(automobile!.scores.bm25!.value > 0, "the lexical index found it too");
    const [best] = await queryWordnet(flow, "feline", 3);
    assert.ok(best!.scores.cosine!.value >= 0 && best!.scores.cosine!.value < 1, "cosine distance");
    assert.ok(best!.scores.relevance!.value > 0, "the ranker's relevance");
    assert.equal(Object.keys(best!.tags).sort(), ["definition", "examples", "frequency", "lemmas", "pos"]);
    assert.is(best!.embedding, undefined, "matches come back without their embedding");

    const http = `http://127.0.0.1:${flow.ports[1]}`;
    const page = await fetch(`${http}/`, { headers: { accept: "text/html,application/xhtml+xml" } });
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await page.text(), /playground\.js/);
    assert.equal(await (await fetch(`${http}/`)).json(), {}, "non-browsers still get Jina's health answer");
    assert.match(await (await fetch(`${http}/playground/playground.js`)).text(), /openapi\.json/);
    const graph = (await (await fetch(`${http}/playground/graph`)).json()) as { mermaid: string; svg: string };
    assert.match(graph.mermaid, /flowchart/);
    assert.match(graph.svg, /^<svg/);
    const metrics = await fetch(`${http}/playground/metrics`);
    assert.match(await metrics.text(), /jina_receiving_request_seconds_count/);
    assert.is((await fetch(`${http}/playground/../package.json`)).status, 404);
  } finally {
    await flow.close();
  }
});

test("a later start reuses the saved index: same count, no fitting, no indexing", async () => {
  const lines: string[] = [];
  const flow = await prepareWordnet({ ...options, log: (line) => lines.push(line) });
  try {
    assert.match(lines.join("\n"), /reusing the index/);
    assert.not.match(lines.join("\n"), /fitted/);
    assert.ok((await queryWordnet(flow, "car", 3)).some((doc) => doc.id === expected.car));
  } finally {
    await flow.close();
  }
});

test.run();
