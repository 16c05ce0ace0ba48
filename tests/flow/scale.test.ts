/**
 * `flow.scale()` and `flow.rollingUpdate()` (issue 10, Jina 3.0–3.2): under a steady client load (2,000 requests
 * at concurrency 8 over gRPC) a deployment goes 1 → 3 → 1 replicas and then has its replica replaced with new
 * `usesWith`: no request fails, the new replicas answer, the leaving ones stop. Once for replicas in their own
 * processes (a flow loaded from YAML), once for replicas in this process (a flow built in code): the machine is
 * shared, so the two cover processes, in-process, YAML and code without a third 2,000-request run.
 */
// jina-test-timeout: 360000
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Client, Document, Flow } from "../../mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { isProcessAlive } from "../../runtime/mod.ts";
import { rejection } from "../_setup.ts";
import { Stamper } from "./fixtures/stamper.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  pod: string;
  version: string;
  pid: number;
}

/** Waits until `condition` holds, checking every 10 ms, for up to 60 s. */
async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Sends `total` one-document requests, `concurrency` at a time, through a gRPC client. While `paced()` each worker
 * waits `paceMs` between requests (so the load lasts while the flow changes); the last `tail` requests wait for
 * `paced()` to end, so they see the final state.
 */
function startLoad(port: number, options: { total: number; concurrency: number; paceMs: number; tail: number; paced: () => boolean }) {
  const client = new Client({ host: "127.0.0.1", port, protocol: "grpc" });
  const answers: Answer[] = [];
  const failures: string[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < options.total) {
      const index = sent++;
      if (index >= options.total - options.tail) await until("the changes to finish", () => !options.paced());
      try {
        const docs = await client.post("/stamp", [new Document({ text: `q${index}` })]);
        const tags = docs.at(0)?.tags as unknown as Answer | undefined;
        if (!tags?.pod) failures.push(`request ${index}: no stamp in the answer`);
        else answers.push({ pod: tags.pod, version: tags.version, pid: tags.pid });
      } catch (error) {
        failures.push(`request ${index}: ${(error as Error).message}`);
      }
      if (options.paced()) await sleep(options.paceMs);
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency }, worker)).finally(() => client.close());
  return { answers, failures, done };
}

/**
 * The scenario: 100 answers, scale to 3, wait until both new replicas answered 20 times, scale to 1, rolling update
 * to version v2; all under load. Resolves with the answers and the pids seen per pod and version.
 */
async function scaleUnderLoad(flow: Flow, paceMs: number) {
  let changing = true;
  const load = startLoad(flow.port, { total: 2000, concurrency: 8, paceMs, tail: 200, paced: () => changing });
  const during: Record<string, number> = {};
  const step = async (name: string, run: () => Promise<void>) => {
    const before = load.answers.length;
    await run();
    during[name] = load.answers.length - before;
  };
  try {
    await until("100 answers", () => load.answers.length >= 100);
    await step("scale 1 → 3", () => flow.scale("encoder", 3));
    assert.equal(flow.pods[0]!.shards[0]!.map((replica) => replica.podName), ["encoder/rep-0", "encoder/rep-1", "encoder/rep-2"]);
    const mark = load.answers.length;
    const from = (pod: string) => load.answers.slice(mark).filter((answer) => answer.pod === pod).length;
    await until("20 answers from each new replica", () => from("encoder/rep-1") >= 20 && from("encoder/rep-2") >= 20);
    const leaving = flow.pods[0]!.shards[0]!.slice(1);
    await step("scale 3 → 1", () => flow.scale("encoder", 1));
    assert.equal(flow.pods[0]!.shards[0]!.map((replica) => replica.podName), ["encoder/rep-0"]);
    const replaced = flow.pods[0]!.shards[0]![0]!;
    await step("rolling update", () => flow.rollingUpdate("encoder", { usesWith: { version: "v2" } }));
    assert.is(flow.pods[0]!.shards[0]!.length, 1);
    assert.is.not(flow.pods[0]!.shards[0]![0], replaced, "rep-0 is a new replica");
    changing = false;
    await load.done;
    assert.equal(load.failures.slice(0, 5), [], `${load.failures.length} of 2000 requests failed`);
    assert.is(load.answers.length, 2000);
    const last = load.answers.slice(-200);
    assert.ok(last.every((answer) => answer.pod === "encoder/rep-0" && answer.version === "v2"), "after the update only the new rep-0 answers, with v2");
    const counts = Object.fromEntries(["v1", "v2"].map((version) => [version, load.answers.filter((answer) => answer.version === version).length]));
    console.log(`    ${JSON.stringify(counts)} answers by version; answers during each change: ${JSON.stringify(during)}`);
    return { answers: load.answers, leaving, replaced };
  } finally {
    changing = false;
    await load.done;
  }
}

/** Asserts that the processes of the replicas that left are gone. */
async function assertStopped(pids: (number | undefined)[]): Promise<void> {
  for (const pid of pids) {
    assert.ok(pid !== undefined && pid !== 0);
    await until(`pid ${pid} to exit`, () => !isProcessAlive(pid!));
  }
}

test("replicas in their own processes, flow loaded from YAML: 2,000 requests at c=8 across scale 1 → 3 → 1 and a rolling update, 0 failed", async () => {
  const flow = await (await Flow.load("tests/flow/fixtures/stamper-flow.yml")).start();
  try {
    const { answers, leaving, replaced } = await scaleUnderLoad(flow, 10);
    await assertStopped([...leaving.map((replica) => replica.pid), replaced.pid]);
    const pids = new Set(answers.map((answer) => answer.pid));
    assert.is(pids.size, 4, "rep-0, rep-1, rep-2 and the updated rep-0 answered, each its own process");
  } finally {
    await flow.close();
  }
});

test("replicas in this process, flow built in code: the same, 0 failed", async () => {
  const flow = await new Flow().add({ name: "encoder", uses: Stamper, usesWith: { version: "v1" } }).start();
  try {
    const { answers } = await scaleUnderLoad(flow, 2);
    assert.ok(answers.some((answer) => answer.pod === "encoder/rep-0" && answer.version === "v1"));
  } finally {
    await flow.close();
  }
});

test("a sharded deployment scales every shard; each shard's new replica answers", async () => {
  const flow = await new Flow({ protocol: "http" }).add({ name: "encoder", uses: Stamper, shards: 2, polling: "ALL" }).start();
  try {
    await flow.scale("encoder", 2);
    assert.equal(flow.pods[0]!.shards.map((replicas) => replicas.map((replica) => replica.podName)), [
      ["encoder/shard-0/rep-0", "encoder/shard-0/rep-1"],
      ["encoder/shard-1/rep-0", "encoder/shard-1/rep-1"],
    ]);
    assert.is(flow.numPods, 4);
    const status = await (await fetch(`http://127.0.0.1:${flow.port}/status`)).json() as { deployments: Record<string, { shards: unknown[][] }> };
    assert.equal(status.deployments.encoder!.shards.map((replicas) => replicas.length), [2, 2]);
    const pods = new Set<string>();
    for (let i = 0; i < 8; i++) {
      for (const doc of await flow.post("/stamp", [{ id: `d${i}`, text: "x" }])) pods.add(String(doc.tags.pod));
    }
    assert.ok([...pods].some((pod) => pod.endsWith("rep-1")), `a new replica answered (${[...pods].join(", ")})`);
    await flow.scale("encoder", 1);
    assert.equal(flow.pods[0]!.shards.map((replicas) => replicas.length), [1, 1]);
  } finally {
    await flow.close();
  }
});

test("concurrent scale() and rollingUpdate() calls on one deployment run one after the other", async () => {
  const flow = await new Flow({ protocol: "http" }).add({ name: "encoder", uses: Stamper, usesWith: { version: "v1" } }).start();
  try {
    await Promise.all([flow.scale("encoder", 3), flow.scale("encoder", 2), flow.rollingUpdate("encoder", { usesWith: { version: "v3" } }), flow.scale("encoder", 2)]);
    assert.equal(flow.pods[0]!.shards[0]!.map((replica) => replica.podName), ["encoder/rep-0", "encoder/rep-1"]);
    const status = await (await fetch(`http://127.0.0.1:${flow.port}/status`)).json() as { deployments: Record<string, { shards: unknown[][] }> };
    assert.is(status.deployments.encoder!.shards[0]!.length, 2, "the gateway has exactly the 2 replicas");
    const versions = new Set<string>();
    for (let i = 0; i < 6; i++) versions.add(String((await flow.post("/stamp", [{ text: "x" }])).at(0)?.tags.version));
    assert.equal([...versions], ["v3"]);
    assert.is(flow.describe().deployments[0]!.replicas, 2);
  } finally {
    await flow.close();
  }
});

test("bad input: unknown deployment (names the known ones), replicas < 1 or not whole, external, not started, rolling update of other options", async () => {
  const flow = new Flow()
    .add({ name: "encoder", uses: Stamper })
    .add({ name: "remote", external: true, host: "127.0.0.1", port: 1, needs: "gateway", floating: true });
  let error = await rejection(flow.scale("encoder", 2));
  assert.is(error.code, ErrorCode.FailedPrecondition);
  assert.match(error.message, /needs a running flow/);
  await flow.start();
  try {
    error = await rejection(flow.scale("indexer", 2));
    assert.is(error.code, ErrorCode.NotFound);
    assert.match(error.message, /no deployment "indexer" \(it has "encoder", "remote"\)/);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      error = await rejection(flow.scale("encoder", bad));
      assert.is(error.code, ErrorCode.InvalidArgument);
      assert.match(error.message, /replicas must be a whole number ≥ 1/);
    }
    error = await rejection(flow.scale("remote", 2));
    assert.is(error.code, ErrorCode.FailedPrecondition);
    assert.match(error.message, /external: its replicas run elsewhere/);
    error = await rejection(flow.rollingUpdate("encoder", { uses: "./x.ts#X" } as never));
    assert.is(error.code, ErrorCode.InvalidArgument);
    assert.match(error.message, /"uses" cannot be changed on running replicas \(it can: usesWith, usesMetas, env\)/);
    error = await rejection(flow.rollingUpdate("encoder", { usesWith: "v2" } as never));
    assert.match(error.message, /usesWith must be an object/);
    assert.is(flow.pods[0]!.shards[0]!.length, 1, "nothing changed");
  } finally {
    await flow.close();
  }
  error = await rejection(flow.scale("encoder", 2));
  assert.is(error.code, ErrorCode.FailedPrecondition);
});

test("a replica that cannot start (in process): rollingUpdate() stops at it and keeps the old options; scale() then uses them", async () => {
  const flow = await new Flow().add({ name: "encoder", uses: Stamper, usesWith: { version: "v1", failFrom: 2 } }).start();
  try {
    let error = await rejection(flow.scale("encoder", 3));
    assert.match(error.message, /could not scale to 3 replicas, it keeps 1/);
    error = await rejection(flow.rollingUpdate("encoder", { usesWith: { version: "v2", failFrom: 0 } }));
    assert.match(error.message, /Rolling update of deployment "encoder" stopped after 0 of 1 replicas: encoder\/rep-0 could not be replaced/);
    assert.equal((await flow.post("/stamp", [{ text: "x" }])).at(0)?.tags.version, "v1", "the old replica still answers");
    await flow.scale("encoder", 2); // the old options again: rep-1 starts
    assert.equal(flow.pods[0]!.shards[0]!.map((replica) => replica.podName), ["encoder/rep-0", "encoder/rep-1"]);
  } finally {
    await flow.close();
  }
});

test.run();
