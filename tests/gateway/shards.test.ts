import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError } from "@connectrpc/connect";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway, type Gateway, type GatewayDeployment } from "../../gateway/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { StatusProto_StatusCode } from "../../proto/gen/jina_pb.ts";
import { CallFailure, type Fake, fakeExecutor, recordingLogger } from "./fakes.ts";

/** Shard `s` of an index: gives each query its own match `m<s>` and a `common` match every shard knows. */
function shard(s: number, fail?: () => never): Fake {
  return fakeExecutor(`indexer-${s}`, ({ docs }) => {
    fail?.();
    for (const doc of docs) {
      doc.matches.push({ id: `m${s}`, tags: { shard: s } });
      doc.matches.push(s === 1 ? { id: "common", text: "from shard 1" } : { id: "common", tags: { shard: s } });
    }
    return { shard: s };
  });
}

const query = (endpoint = "/search") =>
  createDataRequest({ endpoint, docs: new DocumentArray([new Document({ id: "q0", text: "hello" }), new Document({ id: "q1", text: "bye" })]) });

function gatewayOf(deployment: Omit<GatewayDeployment, "name">, logger = recordingLogger()): Gateway {
  return createGateway({
    graph: { "start-gateway": ["indexer"], indexer: ["end-gateway"] },
    deployments: [{ name: "indexer", ...deployment }],
    logger,
  });
}

const shardsOf = (fakes: Fake[]) => fakes.map((fake) => [fake.transport]);
const callCounts = (fakes: Fake[]) => fakes.map((fake) => fake.calls.length);

test("3 shards, /search polls ALL: the union of the three shards' matches reduced by id, __results__ merged", async () => {
  const shards = [0, 1, 2].map((s) => shard(s));
  const gateway = gatewayOf({ shards: shardsOf(shards) });
  try {
    const response = await gateway.handle(query("/search"));
    assert.equal(callCounts(shards), [1, 1, 1]);
    const docs = docsOf(response);
    assert.equal(docs.ids, ["q0", "q1"]);
    for (const doc of docs) {
      assert.equal(doc.matches.ids, ["m0", "common", "m1", "m2"], "each match once, in reduce order");
      const common = doc.matches.get("common")!;
      assert.equal(common.tags, { shard: 0 }, "the first shard's fields win");
      assert.is(common.text, "from shard 1", "fields only a later shard set are taken");
    }
    assert.equal(response.parameters?.__results__, { "indexer-0": { shard: 0 }, "indexer-1": { shard: 1 }, "indexer-2": { shard: 2 } });
    assert.equal(response.routes.map((route) => route.executor), ["gateway", "indexer"]);
  } finally {
    await gateway.close();
  }
});

test("/index polls ANY by default: one shard per request, round-robin (6 requests: 2 each)", async () => {
  const shards = [0, 1, 2].map((s) => shard(s));
  const gateway = gatewayOf({ shards: shardsOf(shards) });
  try {
    for (let i = 0; i < 6; i++) {
      const response = await gateway.handle(query("/index"));
      assert.equal(docsOf(response).at(0)!.matches.ids, [`m${i % 3}`, "common"], `request ${i} reached shard ${i % 3} only`);
    }
    assert.equal(callCounts(shards), [2, 2, 2]);
  } finally {
    await gateway.close();
  }
});

test("ANY: shards round-robin across calls, and replicas round-robin within each shard", async () => {
  const replicas = ["a0", "a1", "b0", "b1"].map((name) => fakeExecutor(name));
  const [a0, a1, b0, b1] = replicas;
  const gateway = gatewayOf({ shards: [[a0!.transport, a1!.transport], [b0!.transport, b1!.transport]], polling: "ANY" });
  try {
    for (let i = 0; i < 4; i++) await gateway.handle(query("/custom"));
    assert.equal(callCounts(replicas), [1, 1, 1, 1]);
    for (let i = 0; i < 4; i++) await gateway.handle(query("/search")); // ALL: one replica of each shard per request
    assert.equal(callCounts(replicas), [3, 3, 3, 3]);
  } finally {
    await gateway.close();
  }
});

test("polling: a plain type keeps /index ANY and /search ALL; a map with '*' overrides the endpoints it names", async () => {
  const cases: [GatewayDeployment["polling"], Record<string, number>][] = [
    ["ALL", { "/custom": 3, "/index": 1, "/search": 3 }],
    ["any" as "ANY", { "/custom": 1, "/index": 1, "/search": 3 }],
    [{ "/custom": "ALL", "*": "ANY" }, { "/custom": 3, "/other": 1, "/index": 1, "/search": 3 }],
    [{ "/search": "ANY", "/index": "ALL", "*": "ALL" }, { "/search": 1, "/index": 3, "/other": 3 }],
    [{ "/custom": "ALL" }, { "/custom": 3, "/other": 1 }],
  ];
  for (const [polling, expected] of cases) {
    const shards = [0, 1, 2].map((s) => shard(s));
    const gateway = gatewayOf({ shards: shardsOf(shards), ...(polling ? { polling } : {}) });
    try {
      for (const [endpoint, reached] of Object.entries(expected)) {
        const before = callCounts(shards).reduce((a, b) => a + b, 0);
        await gateway.handle(query(endpoint));
        const after = callCounts(shards).reduce((a, b) => a + b, 0);
        assert.is(after - before, reached, `polling ${JSON.stringify(polling)}: ${endpoint} reaches ${reached} shard(s)`);
      }
    } finally {
      await gateway.close();
    }
  }
  assert.throws(
    () => gatewayOf({ shards: [["grpc://127.0.0.1:1"]], polling: { "/x": "SOME" as "ALL" } }),
    (error: Error) => error instanceof JinaError && /polling\["\/x"\] of deployment "indexer" must be "ANY", "ALL"/.test(error.message),
  );
});

test("usesAfter gets the 3 shards' results in one process_data call (docsMatrix) instead of the reduce", async () => {
  const shards = [0, 1, 2].map((s) => shard(s));
  const merger = fakeExecutor("merger", ({ docs, docsMatrix, parts }) => {
    assert.is(docsMatrix?.length, 3, "one DocumentArray per shard");
    for (const [s, part] of docsMatrix!.entries()) {
      assert.equal(part.ids, ["q0", "q1"]);
      assert.equal(part.at(0)!.matches.ids, [`m${s}`, "common"], `part ${s} is shard ${s}'s answer`);
    }
    assert.equal(parts?.map((part) => part.routes.at(-1)?.executor), ["indexer/shard-0", "indexer/shard-1", "indexer/shard-2"]);
    for (const doc of docs) doc.tags = { merged: true };
  });
  const gateway = gatewayOf({ shards: shardsOf(shards), usesAfter: [merger.transport] });
  try {
    const response = await gateway.handle(query("/search"));
    assert.is(merger.calls.length, 1);
    assert.is(merger.calls[0]!.endpoint, "/search");
    const docs = docsOf(response);
    assert.is(docs.length, 6, "what usesAfter answered: the 3 parts concatenated, not reduced by the gateway");
    assert.ok(docs.map((doc) => doc.tags.merged).every(Boolean));
  } finally {
    await gateway.close();
  }
});

test("usesBefore runs once per request, before the fan-out; the shards get its answer", async () => {
  const before = fakeExecutor("before", ({ docs }) => {
    for (const doc of docs) doc.tags = { prepared: true };
  });
  const seen: unknown[] = [];
  const shards = [0, 1, 2].map((s) =>
    fakeExecutor(`indexer-${s}`, ({ docs }) => {
      seen.push(...docs.map((doc) => doc.tags.prepared));
    })
  );
  const gateway = gatewayOf({ shards: shardsOf(shards), usesBefore: [before.transport] });
  try {
    await gateway.handle(query("/search"));
    await gateway.handle(query("/index"));
    assert.is(before.calls.length, 2, "once per request, whatever the polling");
    assert.equal(callCounts(shards), [2, 1, 1]);
    assert.equal(seen, [true, true, true, true, true, true, true, true]);
  } finally {
    await gateway.close();
  }
});

test("with one shard, usesBefore and usesAfter are not used (as Jina: no head)", async () => {
  const only = shard(0);
  const before = fakeExecutor("before");
  const after = fakeExecutor("after");
  const gateway = gatewayOf({ shards: [[only.transport]], usesBefore: [before.transport], usesAfter: [after.transport] });
  try {
    await gateway.handle(query("/search"));
    assert.equal([only.calls.length, before.calls.length, after.calls.length], [1, 0, 0]);
  } finally {
    await gateway.close();
  }
});

test("one of three shards unreachable: the survivors' results, and a warning naming the shard", async () => {
  const down = () => {
    throw new CallFailure(new ConnectError("shard 1 is down", Code.Unavailable));
  };
  const shards = [shard(0), shard(1, down), shard(2)];
  const logger = recordingLogger();
  const gateway = createGateway({
    graph: { "start-gateway": ["indexer"], indexer: ["end-gateway"] },
    deployments: [{ name: "indexer", shards: shardsOf(shards), retries: 0 }],
    logger,
  });
  try {
    const response = await gateway.handle(query("/search"));
    assert.is(response.header?.status?.code ?? 0, StatusProto_StatusCode.SUCCESS);
    assert.equal(docsOf(response).at(0)!.matches.ids, ["m0", "common", "m2"]);
    assert.is(logger.warnings.length, 1);
    assert.match(logger.warnings[0]!, /1 of 3 shards of deployment "indexer" failed/);
    assert.match(logger.warnings[0]!, /shard 1: .*shard 1 is down/);
  } finally {
    await gateway.close();
  }
});

test("every shard unreachable: rejects with the first shard's error; an in-band error of one shard is returned", async () => {
  const down = () => {
    throw new CallFailure(new ConnectError("gone", Code.Unavailable));
  };
  const dead = [0, 1, 2].map((s) => shard(s, down));
  const gateway = gatewayOf({ shards: shardsOf(dead), retries: 0 });
  try {
    await gateway.handle(query("/search"));
    assert.unreachable("should reject");
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.Unavailable);
    assert.match((error as Error).message, /Shard 0 of deployment "indexer" is unavailable/);
  } finally {
    await gateway.close();
  }
  const broken = shard(1, () => {
    throw new RangeError("index corrupted");
  });
  const mixed = gatewayOf({ shards: shardsOf([shard(0), broken, shard(2)]) });
  try {
    const response = await mixed.handle(query("/search"));
    assert.is(response.header?.status?.code, StatusProto_StatusCode.ERROR);
    assert.is(response.header?.status?.exception?.args[0], "index corrupted");
  } finally {
    await mixed.close();
  }
});

test("noReduce on a sharded deployment concatenates the shards' answers instead of reducing them", async () => {
  const shards = [0, 1].map((s) => shard(s));
  const gateway = gatewayOf({ shards: shardsOf(shards), noReduce: true });
  try {
    const docs = docsOf(await gateway.handle(query("/search")));
    assert.equal(docs.ids, ["q0", "q1", "q0", "q1"]);
    assert.equal(docs.at(2)!.matches.ids, ["m1", "common"]);
  } finally {
    await gateway.close();
  }
});

test("bad shard layouts are rejected naming the deployment", () => {
  const cases: [Omit<GatewayDeployment, "name">, RegExp][] = [
    [{ shards: [] }, /deployment "indexer" has no shards/],
    [{ shards: [["grpc://127.0.0.1:1"], []] }, /shard 1 of deployment "indexer" has no replicas/],
    [{ shards: [["grpc://127.0.0.1:1"], ["grpc://127.0.0.1:2"]], usesAfter: [] }, /usesAfter of deployment "indexer" has no replicas/],
    [{ shards: [["grpc://127.0.0.1:1"], ["nope"]] }, /Replica "indexer\/shard-1\/rep-0" has address "nope"/],
  ];
  for (const [deployment, message] of cases) {
    assert.throws(() => gatewayOf(deployment), (error: Error) => error instanceof JinaError && message.test(error.message));
  }
});

test.run();
