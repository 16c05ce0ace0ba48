import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, Flow } from "../../mod.ts";
import { BatchSizer } from "./fixtures/executors.ts";

const fixtures = "./tests/flow/fixtures/executors.ts";

for (const where of ["in process", "own process"] as const) {
  test(`usesDynamicBatching reaches the executor: 8 concurrent single-doc requests make 2 handler calls of 4 (${where})`, async () => {
    const uses = where === "in process" ? BatchSizer : `${fixtures}#BatchSizer`;
    await using flow = await new Flow()
      .add({ name: "sizer", uses, usesDynamicBatching: { "/embed": { preferredBatchSize: 4, timeout: 10_000 } } })
      .start();
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => flow.client.post("/embed", [new Document({ id: `d${i}` })], { returnResponses: true })),
    );
    const batches = responses.map((list) => (list[0]?.parameters?.__results__ as Record<string, { batch: number }>).sizer?.batch);
    assert.equal(batches, [4, 4, 4, 4, 4, 4, 4, 4]);
    const ids = responses.map((list) => list[0]?.data?.documents.case === "docs" ? list[0].data.documents.value.docs.map((doc) => doc.id) : []);
    assert.equal(ids, Array.from({ length: 8 }, (_, i) => [`d${i}`]), "each caller gets its own document back");
  });
}

test.run();
