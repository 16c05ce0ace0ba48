import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createReplicaList } from "../../gateway/replica-list.ts";
import { watchDns } from "../../gateway/mod.ts";

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("a replica list turns a host name into one replica per address and re-resolves after a failure", async () => {
  let answer = ["10.1.0.7", "10.1.0.9"];
  let lookups = 0;
  const resolve = async (host: string) => {
    lookups++;
    return host === "indexer.search.svc" ? answer : [];
  };
  const replicas = createReplicaList("indexer/rep", ["grpc://indexer.search.svc:8080", "grpc://127.0.0.1:1"], { dns: { resolve, minGapMs: 0 } });
  try {
    const addresses = () => replicas.connections.map((connection) => connection.address).sort();
    await until(() => replicas.size === 3, "the name expands to its two addresses");
    assert.equal(addresses(), ["grpc://10.1.0.7:8080", "grpc://10.1.0.9:8080", "grpc://127.0.0.1:1"]);
    answer = ["10.1.0.9", "10.1.0.12"]; // the pod at .7 died, a new one came up at .12
    replicas.eject(replicas.connections.find((connection) => connection.address === "grpc://10.1.0.7:8080")!);
    await until(() => addresses().includes("grpc://10.1.0.12:8080"), "the failure triggers a new resolution");
    assert.equal(addresses(), ["grpc://10.1.0.12:8080", "grpc://10.1.0.9:8080", "grpc://127.0.0.1:1"]);
    assert.not.ok(replicas.connections.some((connection) => replicas.isDown(connection)), "the removed replica's ejection is forgotten");
    const before = lookups;
    answer = [];
    replicas.eject(replicas.connections[0]!);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(lookups > before);
    assert.is(replicas.size, 3, "a name that stops resolving keeps the replicas it had");
  } finally {
    replicas.close();
  }
});

test("watchDns: nothing to watch without host names; failures are debounced to one resolution per minGapMs", async () => {
  assert.is(watchDns(["grpc://127.0.0.1:1", "grpc://localhost:2", "grpc://[::1]:3"], () => {}), undefined);
  let lookups = 0;
  const applied: string[][] = [];
  const watch = watchDns(["grpc://svc:1"], (targets) => applied.push(targets.map(String)), {
    resolve: async () => {
      lookups++;
      return ["10.0.0.1"];
    },
    minGapMs: 60_000,
  })!;
  try {
    await watch.settled();
    for (let i = 0; i < 10; i++) watch.refresh();
    await watch.settled();
    assert.is(lookups, 1, "ten failures within minGapMs resolve once (the first, at start)");
    assert.equal(applied, [["grpc://10.0.0.1:1"]]);
  } finally {
    watch.close();
  }
});

test.run();
