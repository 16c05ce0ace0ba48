import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document, DocumentArray, Flow } from "../../mod.ts";
import { isProcessAlive } from "../../runtime/mod.ts";
import { MarkBefore, MergeAfter, ShardIndexer, WhereAmI } from "./fixtures/executors.ts";

const fixtures = "./tests/flow/fixtures/executors.ts";
const wheres = ["in process", "own process"] as const;

function usesOf(where: (typeof wheres)[number], cls: { name: string }): never {
  return (where === "in process" ? cls : `${fixtures}#${cls.name}`) as never;
}

for (const where of wheres) {
  test(`shards: 2 × replicas: 2 gives every replica its shardId and the workspace <workspace>/<name>/<shardId> (${where})`, async () => {
    const root = mkdtempSync(join(tmpdir(), "jina-ts-flow-shards-"));
    try {
      await using flow = await new Flow({ workspace: root })
        .add({ name: "sharded", uses: usesOf(where, WhereAmI), shards: 2, replicas: 2, polling: "ANY" })
        .start();
      const [deployment] = flow.pods;
      assert.equal(deployment!.shards.map((replicas) => replicas.map((replica) => [replica.podName, replica.shardId])), [
        [["sharded/shard-0/rep-0", 0], ["sharded/shard-0/rep-1", 0]],
        [["sharded/shard-1/rep-0", 1], ["sharded/shard-1/rep-1", 1]],
      ]);
      assert.is(flow.numPods, 4);
      const seen = new Map<string, { shardId: unknown; shards: unknown; workspace: unknown }>();
      for (let i = 0; i < 40 && seen.size < 4; i++) {
        const [doc] = await flow.post("/where", [new Document({ id: `q${i}` })]);
        const { pod, shardId, shards, workspace } = doc!.tags;
        seen.set(String(pod), { shardId, shards, workspace });
      }
      assert.equal([...seen.keys()].sort(), ["sharded/shard-0/rep-0", "sharded/shard-0/rep-1", "sharded/shard-1/rep-0", "sharded/shard-1/rep-1"]);
      for (const [pod, { shardId, shards, workspace }] of seen) {
        const expected = pod.includes("shard-0") ? 0 : 1;
        assert.is(shardId, expected, `${pod} has shardId ${shardId}`);
        assert.is(shards, 2);
        assert.is(workspace, join(root, "sharded", String(expected)));
        assert.ok(existsSync(workspace as string), `${workspace} exists`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test(`usesBefore / usesAfter start one replica each (<name>/uses_before-0, <name>/uses_after-0) only with shards > 1, and stop on close (${where})`, async () => {
    const root = mkdtempSync(join(tmpdir(), "jina-ts-flow-helpers-"));
    const flow = await new Flow({ workspace: root })
      .add({ name: "sharded", uses: usesOf(where, WhereAmI), shards: 2, polling: "ALL", usesBefore: usesOf(where, MarkBefore), usesAfter: usesOf(where, MergeAfter) })
      .add({ name: "single", uses: usesOf(where, WhereAmI), usesBefore: usesOf(where, MarkBefore), usesAfter: usesOf(where, MergeAfter) })
      .start();
    let pids: number[] = [];
    try {
      const [sharded, single] = flow.pods;
      assert.equal(sharded!.usesBefore?.map((replica) => replica.podName), ["sharded/uses_before-0"]);
      assert.equal(sharded!.usesAfter?.map((replica) => replica.podName), ["sharded/uses_after-0"]);
      assert.is(single!.usesBefore, undefined, "one shard: usesBefore is not started");
      assert.is(single!.usesAfter, undefined, "one shard: usesAfter is not started");
      assert.is(flow.numPods, 2 + 2 + 1);
      const helpers = [...sharded!.usesBefore!, ...sharded!.usesAfter!];
      pids = helpers.flatMap((replica) => (replica.pid === undefined ? [] : [replica.pid]));
      if (where === "own process") {
        assert.is(pids.length, 2);
        for (const pid of pids) assert.ok(isProcessAlive(pid));
        assert.ok(helpers.every((replica) => typeof replica.target === "string" && replica.target.startsWith("grpc://127.0.0.1:")));
      }
      const docs = await flow.post("/where", [new Document({ id: "x" })]);
      assert.is(docs.at(0)?.tags.before, "sharded/uses_before-0", "usesBefore saw the request first");
      assert.is(docs.at(0)?.tags.parts, 2, "usesAfter got both shards' answers");
    } finally {
      await flow.close();
      rmSync(root, { recursive: true, force: true });
    }
    for (const pid of pids) assert.not.ok(isProcessAlive(pid), `pid ${pid} is still alive after close()`);
  });
}

test("shards: 3, polling: ALL with a spawned indexer: /index (ANY) spreads docs over the shards, /search (ALL) finds all of them", async () => {
  await using flow = await new Flow()
    .add({ name: "indexer", uses: `${fixtures}#${ShardIndexer.name}`, shards: 3, polling: "ALL" })
    .start();
  const docs = new DocumentArray(Array.from({ length: 6 }, (_, i) => new Document({ id: `doc-${i}`, text: `text ${i}` })));
  const indexed = await flow.index(docs, { requestSize: 1 });
  assert.equal(indexed.ids, docs.ids);
  const indexedShards = indexed.map((doc) => doc.tags.shard as number);
  assert.equal([...new Set(indexedShards)].sort(), [0, 1, 2], `docs went to shards ${indexedShards}`);

  const [result] = await flow.search([new Document({ id: "query", text: "text" })]);
  const matches = result!.matches;
  assert.equal(matches.ids.sort(), docs.ids.sort(), "matches come from every shard, each doc once");
  assert.equal([...new Set(matches.map((match) => match.tags.shard as number))].sort(), [0, 1, 2]);
  for (const match of matches) assert.is(match.tags.shard, indexed.get(match.id)?.tags.shard, `${match.id} is on the shard it was indexed to`);
});

test.run();
