import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { indexedCount, prepareWordnet, queryWordnet } from "../../examples/wordnet/serve.ts";
import { expected, subset } from "./wordnet-subset.ts";

const workspace = mkdtempSync(join(tmpdir(), "wordnet-flow-"));
const options = { ...subset, workspace, ports: [0, 0, 0] as [number, number, number], progress: false };

test.after(() => rmSync(workspace, { recursive: true, force: true }));

test("first start indexes the subset across both shards; searches find the synsets they describe", async () => {
  const lines: string[] = [];
  const flow = await prepareWordnet({ ...options, log: (line) => lines.push(line) });
  try {
    assert.match(lines.join("\n"), /fitted the encoder's document frequencies on \d+ synsets/);
    const count = await indexedCount(flow);
    assert.ok(count > 500, `indexed ${count}`);
    const ids = async (text: string) => (await queryWordnet(flow, text, 10)).map((doc) => doc.id);
    assert.ok((await ids("feline")).includes(expected.cat), "feline → cat");
    assert.is((await ids("car"))[0], expected.car, "car → car, auto, automobile first");
    const water = await ids("a large body of water");
    assert.ok(water.includes(expected.sea) || water.includes(expected.ocean) || water.includes(expected.lake), `water → ${water}`);
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
    assert.ok((await queryWordnet(flow, "feline", 10)).some((doc) => doc.id === expected.cat));
  } finally {
    await flow.close();
  }
});

test.run();
