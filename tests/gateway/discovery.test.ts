import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError } from "@connectrpc/connect";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway } from "../../gateway/mod.ts";
import { closedPort, fakeExecutor, recordingLogger } from "./fakes.ts";

const request = (endpoint: string) => createDataRequest({ endpoint, docs: new DocumentArray([new Document({ id: "d", text: "x" })]) });
const tagging = (name: string, endpoints: string[] | (() => Promise<string[]>)) =>
  fakeExecutor(name, ({ docs }) => {
    for (const doc of docs) doc.tags = { ...doc.tags, [name]: true };
  }, { endpoints });

test("once discovered, a deployment that binds only /index is skipped on /search (the request passes through)", async () => {
  const encoder = tagging("encoder", ["/default", "_jina_dry_run_"]);
  const indexer = tagging("indexer", ["/index", "_jina_dry_run_"]);
  const gateway = createGateway({
    graph: { "start-gateway": ["encoder"], encoder: ["indexer"], indexer: ["end-gateway"] },
    deployments: [{ name: "encoder", shards: [[encoder.transport]] }, { name: "indexer", shards: [[indexer.transport]] }],
  });
  try {
    assert.equal(await gateway.endpoints(), { encoder: ["/default", "_jina_dry_run_"], indexer: ["/index", "_jina_dry_run_"] });
    for (let i = 0; i < 3; i++) {
      const response = await gateway.handle(request("/search"));
      assert.equal(docsOf(response).at(0)?.tags, { encoder: true }, "the encoder's answer passes the indexer untouched");
      assert.equal(response.routes.map((route) => route.executor), ["gateway", "encoder"]);
    }
    await gateway.handle(request("/index"));
    assert.is(encoder.calls.length, 4, "/default binds every endpoint");
    assert.equal(indexer.calls.map((call) => call.endpoint), ["/index"]);
    assert.equal([encoder.discoveries, indexer.discoveries], [1, 1], "asked once per deployment");
  } finally {
    await gateway.close();
  }
});

test("discovery runs in the background from the first request; until it answers, requests are sent as before", async () => {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const indexer = tagging("indexer", async () => {
    await answered;
    return ["/index"];
  });
  const gateway = createGateway({
    graph: { "start-gateway": ["indexer"], indexer: ["end-gateway"] },
    deployments: [{ name: "indexer", shards: [[indexer.transport]] }],
  });
  try {
    await gateway.handle(request("/search"));
    await gateway.handle(request("/search"));
    assert.is(indexer.discoveries, 1, "the first request started it, the second did not ask again");
    assert.is(indexer.calls.length, 2, "not known yet: sent");
    answer();
    await gateway.endpoints();
    await gateway.handle(request("/search"));
    assert.is(indexer.calls.length, 2, "known now: skipped");
  } finally {
    await gateway.close();
  }
});

test("discovery asks one replica per shard and takes the union", async () => {
  const replicas = [["/a"], ["/a"], ["/b"], ["/b"]].map((endpoints, i) => tagging(`r${i}`, endpoints));
  const [r0, r1, r2, r3] = replicas;
  const gateway = createGateway({
    graph: { "start-gateway": ["indexer"], indexer: ["end-gateway"] },
    deployments: [{ name: "indexer", shards: [[r0!.transport, r1!.transport], [r2!.transport, r3!.transport]], polling: "ALL" }],
  });
  try {
    assert.equal(await gateway.endpoints(), { indexer: ["/a", "/b"] });
    assert.equal(replicas.map((replica) => replica.discoveries), [1, 0, 1, 0]);
    await gateway.handle(request("/b"));
    await gateway.handle(request("/c"));
    assert.equal(replicas.map((replica) => replica.calls.length), [1, 0, 1, 0], "/c is bound by no shard: skipped");
  } finally {
    await gateway.close();
  }
});

test("a discovery failure is not fatal: unimplemented and unreachable are quiet, other errors warn once", async () => {
  const old = fakeExecutor("old"); // no endpoint_discovery: UNIMPLEMENTED
  const broken = tagging("broken", () => Promise.reject(new ConnectError("discovery exploded", Code.Internal)));
  const logger = recordingLogger();
  const gateway = createGateway({
    graph: { "start-gateway": ["old", "broken", "ghost"], old: ["end-gateway"], broken: ["end-gateway"], ghost: [] },
    deployments: [
      { name: "old", shards: [[old.transport]] },
      { name: "broken", shards: [[broken.transport]] },
      { name: "ghost", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 },
    ],
    logger,
  });
  try {
    assert.equal(await gateway.endpoints(), { old: undefined, broken: undefined, ghost: undefined });
    for (let i = 0; i < 2; i++) {
      const response = await gateway.handle(request("/search"));
      assert.equal(docsOf(response).ids, ["d"]);
    }
    await gateway.endpoints();
    assert.equal([old.calls.length, broken.calls.length], [2, 2]);
    assert.ok(broken.discoveries >= 2, "a failed discovery is asked again later");
    const discoveryWarnings = logger.warnings.filter((warning) => warning.includes("Endpoint discovery"));
    assert.is(discoveryWarnings.length, 1, "warned once");
    assert.match(discoveryWarnings[0]!, /Endpoint discovery of deployment "broken" failed .*discovery exploded/);
  } finally {
    await gateway.close();
  }
});

test.run();
