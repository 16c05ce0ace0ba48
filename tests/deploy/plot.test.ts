import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Flow } from "../../mod.ts";
import { toMermaid } from "../../deploy/mod.ts";

function sample(): Flow {
  return new Flow({ name: "sample" })
    .add({ name: "encoder", uses: "./encoder.ts#Encoder", replicas: 2 })
    .inspect({ name: "check", uses: "./check.ts#Check" })
    .add({ name: "indexer", uses: "./indexer.ts#Indexer", shards: 2, usesBefore: "./before.ts#Before", usesAfter: "./after.ts#After" })
    .add({ name: "english", uses: "./en.ts#En", needs: "indexer", when: { tags__lang: { $eq: "en" } } })
    .add({ name: "log", uses: "./log.ts#Log", needs: "gateway", floating: true })
    .add({ name: "remote", external: true, host: "10.0.0.5", port: 8081, needs: "english" });
}

test("toMermaid draws Jina's flowchart: replicas, shards with head and tail, inspect dotted, when as a label, floating without an end", () => {
  const text = toMermaid(sample());
  const lines = text.split("\n");
  assert.ok(lines[0]!.startsWith("%%{init:"), "Jina's theme comes first");
  assert.is(lines[1], "flowchart LR");
  for (const expected of [
    `subgraph d0 ["encoder"]`,
    `d0_s0_r0["./encoder.ts#Encoder"]:::pod`,
    `d0_s0_r1["./encoder.ts#Encoder"]:::pod`,
    `subgraph d2_s1 ["indexer/shard-1"]`,
    `d2_s1_r0["./indexer.ts#Indexer"]:::pod`,
    `d2_head["./before.ts#Before"]:::HEADTAIL --> d2_s0`,
    `d2_head --> d2_s1`,
    `d2_s0 --> d2_tail["./after.ts#After"]:::HEADTAIL`,
    `gatewaystart["gateway"]:::GATEWAY --> d0`,
    `d0 -.-> d1`,
    `d0 --> d2`,
    `d2 -->|"when {'tags__lang':{'$eq':'en'}}"| d3`,
    `gatewaystart["gateway"]:::GATEWAY --> d4`,
    `d5["remote (external)"]`,
    `d3 --> d5:::EXTERNAL`,
    `d5:::EXTERNAL --> gatewayend["gateway"]:::GATEWAY`,
    "classDef EXTERNAL fill:#fff,stroke:#32C8CD",
  ]) {
    assert.ok(lines.includes(expected), `missing line: ${expected}\n${text}`);
  }
  assert.not.ok(text.includes("d4 --> gatewayend"), "a floating deployment does not feed the gateway");
  assert.ok(toMermaid(sample(), { verticalLayout: true }).includes("\nflowchart TD\n"));
});

test("absolute uses paths (as Flow.load resolves a YAML's ./x.ts) show as their file name, not the checkout's location", () => {
  const text = toMermaid(
    new Flow()
      .add({ name: "encoder", uses: "/home/someone/app/examples/encoder.ts#Encoder" })
      .add({ name: "ranker", uses: "file:///srv/app/ranker.ts#Ranker" })
      .add({ name: "indexer", uses: "jina-ts/executors#AnnIndexer" }),
  );
  assert.ok(text.includes(`d0_s0_r0["encoder.ts#Encoder"]:::pod`), text);
  assert.ok(text.includes(`d1_s0_r0["ranker.ts#Ranker"]:::pod`), text);
  assert.ok(text.includes(`d2_s0_r0["jina-ts/executors#AnnIndexer"]:::pod`), text);
  assert.not.match(text, /home|srv/);
});

test("flow.plot writes SVG rendered here (no network reference), Markdown and mermaid; other extensions are refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-ts-plot-"));
  try {
    const flow = sample();
    const text = await flow.plot(join(dir, "flow.svg"));
    const svg = readFileSync(join(dir, "flow.svg"), "utf8");
    assert.ok(svg.startsWith("<svg"), svg.slice(0, 80));
    for (const name of ["encoder", "indexer/shard-0", "./before.ts#Before", "remote (external)", "gateway"]) {
      assert.ok(svg.includes(name), `the SVG shows ${name}`);
    }
    assert.not.ok(/@import|https?:\/\/(?!www\.w3\.org)/.test(svg), "the SVG loads nothing from the network");
    await flow.plot(join(dir, "flow.md"), { verticalLayout: true });
    assert.is(readFileSync(join(dir, "flow.md"), "utf8"), "```mermaid\n" + text.replace("flowchart LR", "flowchart TD") + "```\n");
    await flow.plot(join(dir, "flow.mmd"));
    assert.is(readFileSync(join(dir, "flow.mmd"), "utf8"), text);
    assert.is(await flow.plot(), text);
    await flow.plot(join(dir, "flow.png")).then(
      () => assert.unreachable("png is refused"),
      (error: Error) => assert.match(error.message, /use a \.svg, \.md or \.mmd file/),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
