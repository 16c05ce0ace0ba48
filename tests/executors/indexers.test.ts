import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, Flow } from "../../mod.ts";
import { AnnIndexer, MatchMerger, SimpleIndexer } from "../../executors/mod.ts";
import { tempDir } from "../storage/_tmp.ts";

const tmp = tempDir("jina-indexers-");
test.after(tmp.remove);

const point = (i: number) => new Document({ id: `p${i}`, text: `point ${i}`, embedding: Float32Array.of(Math.cos(i / 10), Math.sin(i / 10), 1), tags: { i, odd: i % 2 === 1 } });
const query = (i: number) => new Document({ id: `q${i}`, embedding: point(i).embedding });

for (const [name, uses, usesWith] of [
  ["SimpleIndexer on sqlite", SimpleIndexer, { storage: "sqlite" }],
  ["SimpleIndexer in memory", SimpleIndexer, { storage: "memory" }],
  ["AnnIndexer", AnnIndexer, { nDim: 3, metric: "cosine", columns: { odd: "bool", i: "int" } }],
] as const) {
  test(`${name}: /index, /search (limit, filter), /update, /delete, /status`, async () => {
    const workspace = tmp.file(name.replace(/ /g, "-"));
    const flow = new Flow({ workspace }).add({ name: "indexer", uses: uses as never, usesWith: usesWith as never });
    await using running = await flow.start();
    await running.post("/index", new DocumentArray(Array.from({ length: 40 }, (_, i) => point(i))));
    const [hit] = await running.post("/search", [query(7)], { parameters: { limit: 3 } });
    assert.is(hit?.matches.length, 3);
    assert.is(hit?.matches.at(0)?.id, "p7");
    assert.is(hit?.matches.at(0)?.text, "point 7");
    const [odd] = await running.post("/search", [query(10)], { parameters: { limit: 2, filter: { tags__odd: { $eq: true } } } });
    assert.equal(odd?.matches.ids.sort(), ["p11", "p9"]);
    await running.post("/update", [new Document({ id: "p7", text: "updated", embedding: point(7).embedding, tags: { i: 7, odd: true } })]);
    const [after] = await running.post("/search", [query(7)], { parameters: { limit: 1 } });
    assert.is(after?.matches.at(0)?.text, "updated");
    await running.post("/delete", [new Document({ id: "p7" })]);
    const [gone] = await running.post("/search", [query(7)], { parameters: { limit: 1 } });
    assert.is.not(gone?.matches.at(0)?.id, "p7");
    const [status] = await running.client.post("/status", [new Document()], { returnResponses: true });
    assert.equal((status?.parameters?.__results__ as Record<string, unknown>).indexer, { count: 39, storage: usesWith.storage ?? "ann", shardId: 0 });
  });
}

test("sqlite and ann indexes survive a restart of the flow (acknowledged /index is on disk)", async () => {
  for (const [uses, usesWith] of [[SimpleIndexer, {}], [AnnIndexer, { nDim: 3 }]] as const) {
    const workspace = tmp.file(`restart-${uses.name}`);
    {
      await using running = await new Flow({ workspace }).add({ name: "idx", uses: uses as never, usesWith: usesWith as never }).start();
      await running.post("/index", Array.from({ length: 10 }, (_, i) => point(i)));
    }
    await using running = await new Flow({ workspace }).add({ name: "idx", uses: uses as never, usesWith: usesWith as never }).start();
    const [hit] = await running.post("/search", [query(4)], { parameters: { limit: 1 } });
    assert.is(hit?.matches.at(0)?.id, "p4", uses.name);
  }
});

test("sharded: ALL polling on /search, MatchMerger keeps the top-k by score across shards", async () => {
  const workspace = tmp.file("sharded");
  await using running = await new Flow({ workspace })
    .add({ name: "idx", uses: SimpleIndexer, usesWith: { storage: "memory" }, shards: 3, polling: { "/search": "ALL", "/status": "ALL" }, usesAfter: MatchMerger })
    .start();
  await running.post("/index", Array.from({ length: 30 }, (_, i) => point(i)), { requestSize: 5 } as never);
  const [hit] = await running.post("/search", [query(15)], { parameters: { limit: 4 } });
  assert.is(hit?.matches.length, 4, "top-k of the merged shards, not 3 × k");
  assert.is(hit?.matches.at(0)?.id, "p15");
  const values = hit!.matches.map((m) => m.scores.cosine?.value ?? NaN);
  assert.equal(values, [...values].sort((a, b) => a - b));
  assert.equal(hit!.matches.ids.slice(1, 3).sort(), ["p14", "p16"]);
});

test("options: unknown keys and a missing nDim are JinaErrors naming the executor", () => {
  assert.throws(() => new SimpleIndexer({ tablename: "x", metas: { workspace: tmp.file("o") } }), /SimpleIndexer: unknown option "tablename"/);
  assert.throws(() => new AnnIndexer({ metas: { workspace: tmp.file("o") } }), /AnnIndexer: uses_with.nDim .* is required/);
  const indexer = new SimpleIndexer({ table_name: "snake", storage: "sqlite", metas: { workspace: tmp.file("o") } });
  assert.is(indexer.docs.storage, "sqlite");
  indexer.close();
});

test.run();
