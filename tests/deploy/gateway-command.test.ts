import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Client, DocumentArray } from "../../mod.ts";
import { type Executor, type ExecutorServer, type ExecutorSettings, executorOptionsOf, serveExecutor } from "../../executor/mod.ts";
import { parseExecutorArgs } from "../../executor/main-args.ts";
import { MergeAfter, PodTagger, ShardIndexer } from "../flow/fixtures/executors.ts";
import { gatewayFlagsOf, gatewayOptionsOf, gatewayReadyPrefix, parseGatewayArgs, resolveTargets } from "../../gateway/mod.ts";
import { type ChildHandle, spawnScript } from "../../runtime/mod.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);
const gatewayReady = (line: string) => (line.startsWith(gatewayReadyPrefix) ? (JSON.parse(line.slice(gatewayReadyPrefix.length)) as { ports: number[] }) : undefined);

/** Serves an executor in this process (the gateway is the process under test) and returns its grpc:// address. */
async function executor(cls: new (options?: never) => Executor, settings: Partial<ExecutorSettings>, servers: ExecutorServer[]): Promise<string> {
  const instance = new cls(executorOptionsOf({ shardId: 0, shards: 1, replicas: 1, usesWith: {}, usesMetas: {}, ...settings }) as never);
  const server = await serveExecutor(instance, { port: 0, host: "127.0.0.1" });
  servers.push(server);
  return `grpc://127.0.0.1:${server.port}`;
}

test("jina-ts executor accepts every deployment flag Jina's exports write (the gateway acts on them)", () => {
  const args = parseExecutorArgs([
    "--uses", "./x.ts#X", "--shard-id", "1", "--shards", "2", "--replicas", "3", "--uses-with", '{"dim":8}', "--uses-metas", '{"name":"idx"}',
    "--monitoring", "--port-monitoring", "9090", "--polling", '{"/search":"ALL"}', "--uses-before", "./b.ts#B", "--uses-after", "./a.ts#A",
    "--when", '{"a":1}', "--timeout-send", "5000", "--retries=-1", "--timeout-ready", "600000", "--env", "A=1", "--env", "B=2",
    "--no-reduce", "--floating", "--native", "--quiet",
  ]);
  assert.equal([args.uses, args.shardId, args.shards, args.replicas, args.usesWith, args.usesMetas, args.monitoring, args.portMonitoring], [
    "./x.ts#X", 1, 2, 3, { dim: 8 }, { name: "idx" }, true, 9090,
  ]);
});

test("jina-ts gateway serves a graph of executors it did not start (replicas, shards with polling and usesAfter, when, metadata) over gRPC and HTTP; /status names a dead replica", async () => {
  const children: ChildHandle[] = [];
  const servers: ExecutorServer[] = [];
  try {
    const [tag0, tag1, shard0, shard1, merge] = await Promise.all([
      executor(PodTagger, { podName: "tagger/rep-0", replicas: 2 }, servers),
      executor(PodTagger, { podName: "tagger/rep-1", replicas: 2 }, servers),
      executor(ShardIndexer, { shardId: 0, shards: 2 }, servers),
      executor(ShardIndexer, { shardId: 1, shards: 2 }, servers),
      executor(MergeAfter, {}, servers),
    ]);
    const args = gatewayFlagsOf({
      graph: { "start-gateway": ["tagger"], tagger: ["indexer"], indexer: ["end-gateway"] },
      addresses: { tagger: [tag0!, tag1!], indexer: [[shard0!], [shard1!]] },
      conditions: { indexer: { text: { $regex: "^keep" } } },
      noReduce: [],
      metadata: { tagger: { "x-tenant": "a" } },
      deploymentOptions: { indexer: { polling: { "/index": "ALL" }, usesAfter: [merge!] } },
      protocols: ["grpc", "http"],
      ports: [0, 0],
      host: "127.0.0.1",
      timeoutSend: 10_000,
    });
    assert.equal(parseGatewayArgs(args).addresses.indexer, [[shard0], [shard1]], "the flags read back");
    const gateway = spawnScript(cli, { args: ["gateway", ...args] });
    children.push(gateway);
    const { ports } = await gateway.waitForLine(gatewayReady);
    for (const [index, protocol] of (["grpc", "http"] as const).entries()) {
      const client = new Client({ port: ports[index]!, protocol });
      try {
        const docs = await client.post("/index", new DocumentArray([{ text: "keep me" }, { text: "drop me" }]));
        assert.equal(docs.texts, ["keep me"], `${protocol}: when filtered the second document`);
        const tags = docs.at(0)!.tags as Record<string, unknown>;
        assert.match(String(tags.pod), /^tagger\/rep-[01]$/, `${protocol}: a tagger replica answered`);
        assert.is(tags.parts, 2, `${protocol}: usesAfter merged both shards (polling ALL for /index)`);
      } finally {
        client.close();
      }
    }
    // One tagger replica dies: requests still answer (retried on the other), and /status names the dead address.
    await servers[1]!.close();
    const http = new Client({ port: ports[1]!, protocol: "http" });
    try {
      for (let i = 0; i < 4; i++) assert.equal((await http.post("/index", new DocumentArray([{ text: "keep" }]))).texts, ["keep"]);
    } finally {
      http.close();
    }
    const status = (await (await fetch(`http://127.0.0.1:${ports[1]}/status`)).json()) as { deployments: Record<string, { shards: Array<Array<{ address: string; down: boolean }>> }> };
    assert.equal(status.deployments.tagger!.shards, [[{ address: tag0, down: false }, { address: tag1, down: true }]]);
    assert.equal(status.deployments.indexer!.shards.map((shard) => shard.map((replica) => replica.down)), [[false], [false]]);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await Promise.all(servers.map((server) => server.close().catch(() => {})));
  }
});

test("jina-ts gateway refuses bad flags with one line naming the flag, and exits 1", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["--graph-description", "{"], /--graph-description must be JSON/],
    [["--graph-description", '{"start-gateway":["a"],"a":["end-gateway"]}'], /--deployments-addresses has no address for "a"/],
    [["--graph-description", '{"start-gateway":["end-gateway"]}', "--protocol", "ftp"], /--protocol must be grpc, http or websocket/],
    [["--graph-description", '{"start-gateway":["end-gateway"]}', "--frobnicate"], /unknown flag --frobnicate/],
    [["--graph-description", '{"start-gateway":["end-gateway"]}', "--port", "1", "2"], /--port gives 2 ports for 1 protocol/],
  ];
  for (const [args, message] of cases) assert.throws(() => parseGatewayArgs(args), message);
  const child = spawnScript(cli, { args: ["gateway", "--graph-description", "{"] });
  assert.is(await child.exited, 1);
  assert.match(child.lastOutput(), /^jina-ts gateway: --graph-description must be JSON/m);
});

test("gatewayOptionsOf reads Jina's compose addresses without a scheme as gRPC", () => {
  const options = gatewayOptionsOf(parseGatewayArgs([
    "--graph-description", '{"start-gateway":["enc"],"enc":["end-gateway"]}',
    "--deployments-addresses", '{"enc":["enc-rep-0:8081","grpcs://enc-rep-1:8081"]}',
  ]));
  assert.equal(options.deployments[0]!.shards, [["grpc://enc-rep-0:8081", "grpcs://enc-rep-1:8081"]]);
});

test("resolveTargets turns a name into one target per address and keeps IPs, localhost and unresolvable names", async () => {
  const resolve = async (host: string) => (host === "indexer.search.svc" ? ["10.1.0.7", "10.1.0.9"] : host === "v6" ? ["fd00::1"] : []);
  assert.equal(
    await resolveTargets(["grpc://indexer.search.svc:8080", "grpc://127.0.0.1:1", "grpc://localhost:2", "grpc://nowhere:3", "grpcs://v6:4"], resolve),
    ["grpc://10.1.0.7:8080", "grpc://10.1.0.9:8080", "grpc://127.0.0.1:1", "grpc://localhost:2", "grpc://nowhere:3", "grpcs://[fd00::1]:4"],
  );
});

test.run();
