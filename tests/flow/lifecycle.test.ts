import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, Flow } from "../../mod.ts";
import { isProcessAlive, serveHttp } from "../../runtime/mod.ts";
import { PodTagger } from "./fixtures/executors.ts";

const fixtures = "./tests/flow/fixtures/executors.ts";

async function portIsFree(port: number): Promise<boolean> {
  try {
    const server = await serveHttp({ fetch: () => new Response(""), port });
    await server.close();
    return true;
  } catch {
    return false;
  }
}

for (const where of ["in process", "own process"] as const) {
  test(`replicas: 2 spreads requests over both replicas (${where})`, async () => {
    const uses = where === "in process" ? PodTagger : `${fixtures}#PodTagger`;
    await using flow = await new Flow().add({ name: "tagger", uses, replicas: 2 }).start();
    const counts = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const [doc] = await flow.post("/", new DocumentArray([new Document({ text: `q${i}` })]));
      const pod = String(doc?.tags.pod);
      counts.set(pod, (counts.get(pod) ?? 0) + 1);
    }
    assert.equal([...counts.keys()].sort(), ["tagger/rep-0", "tagger/rep-1"]);
    assert.equal([...counts.values()], [5, 5]);
  });
}

test("24 requests of 3 MB at once (1,000 × 768 float32 each) through an executor process all answer", async () => {
  // 72 MB in flight on the gateway's one HTTP/2 session to the executor: on Bun the session's default memory bound
  // (10 MB) reset new streams with ENHANCE_YOUR_CALM (10 of 24 failed after their retries).
  await using flow = await new Flow({ protocol: "grpc" }).add({ name: "pass", uses: `${fixtures}#Passthrough` }).start();
  const batch = (n: number) => new DocumentArray(Array.from({ length: 1000 }, (_, i) => new Document({ id: `${n}-${i}`, embedding: new Float32Array(768).fill(n) })));
  const answers = await Promise.all(Array.from({ length: 24 }, (_, n) => flow.post("/index", batch(n), { requestSize: 1000 })));
  assert.equal(answers.map((docs) => docs.length), Array(24).fill(1000));
  assert.equal(answers.map((docs) => docs.at(999)?.id), Array.from({ length: 24 }, (_, n) => `${n}-999`));
});

test("1,000 documents with 768-d float32 embeddings round-trip through a two-executor flow bit-identical", async () => {
  await using flow = await new Flow({ protocol: "grpc" })
    .add({ name: "first", uses: `${fixtures}#Passthrough` })
    .add({ name: "second", uses: `${fixtures}#Passthrough` })
    .start();
  const docs = new DocumentArray();
  const expected: Float32Array[] = [];
  let seed = 7;
  for (let i = 0; i < 1000; i++) {
    const embedding = new Float32Array(768);
    for (let j = 0; j < 768; j++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      embedding[j] = (seed / 0xffffffff) * 2 - 1;
    }
    expected.push(embedding);
    docs.push(new Document({ id: `doc-${i}`, embedding }));
  }
  const result = await flow.post("/index", docs, { requestSize: 100 });
  assert.is(result.length, 1000);
  for (let i = 0; i < 1000; i++) {
    const doc = result.at(i)!;
    assert.is(doc.id, `doc-${i}`);
    assert.is(doc.embedding?.dtype, "<f4");
    assert.equal(doc.embedding?.shape, [768]);
    const got = new Uint8Array(doc.embedding!.data.buffer, doc.embedding!.data.byteOffset, 768 * 4);
    const want = new Uint8Array(expected[i]!.buffer);
    assert.ok(got.every((byte, k) => byte === want[k]), `doc ${i} differs`);
  }
});

test("after close(), no child process of the flow is alive and every port accepts a new listener", async () => {
  const flow = await new Flow({ protocol: ["grpc", "http"] })
    .add({ name: "tagger", uses: `${fixtures}#PodTagger`, replicas: 2 })
    .add({ name: "local", uses: PodTagger })
    .start();
  await flow.post("/", [new Document({ text: "x" })]);
  const pids = flow.pods.flatMap((deployment) => deployment.shards.flat().map((replica) => replica.pid)).filter((pid) => pid !== undefined);
  const ports = [
    ...flow.ports,
    ...flow.pods.flatMap((deployment) =>
      deployment.shards.flat().flatMap((replica) => (typeof replica.target === "string" ? [Number(replica.target.split(":").at(-1))] : []))
    ),
  ];
  assert.is(pids.length, 2);
  assert.is(ports.length, 4);
  await flow.close();
  for (const pid of pids) assert.not.ok(isProcessAlive(pid!), `pid ${pid} is still alive`);
  for (const port of ports) assert.ok(await portIsFree(port), `port ${port} is still taken`);
});

test.run();
