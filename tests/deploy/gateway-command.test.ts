import { test } from "uvu";
import * as assert from "uvu/assert";
import { Client, DocumentArray } from "../../mod.ts";
import { parseReadyLine } from "../../executor/mod.ts";
import { gatewayFlagsOf, gatewayReadyPrefix, parseGatewayArgs, resolveTargets } from "../../gateway/mod.ts";
import { type ChildHandle, spawnScript } from "../../runtime/mod.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);
const fixtures = "./tests/flow/fixtures/executors.ts";
const gatewayReady = (line: string) => (line.startsWith(gatewayReadyPrefix) ? (JSON.parse(line.slice(gatewayReadyPrefix.length)) as { ports: number[] }) : undefined);

async function executor(args: string[], children: ChildHandle[]): Promise<string> {
  const child = spawnScript(cli, { args: ["executor", "--port", "0", ...args] });
  children.push(child);
  return `grpc://127.0.0.1:${await child.waitForLine((line) => parseReadyLine(line)?.port)}`;
}

test("jina-ts gateway serves a graph of executors it did not start (replicas, shards with polling and usesAfter, when, metadata) over gRPC and HTTP", async () => {
  const children: ChildHandle[] = [];
  try {
    // Every deployment flag Jina's exports write is accepted by `jina-ts executor`.
    const deploymentFlags = ["--polling", '{"/search":"ALL"}', "--timeout-ready", "600000", "--retries=-1", "--native"];
    const [tag0, tag1, shard0, shard1, merge] = await Promise.all([
      executor(["--uses", `${fixtures}#PodTagger`, "--pod-name", "tagger/rep-0", "--replicas", "2", ...deploymentFlags], children),
      executor(["--uses", `${fixtures}#PodTagger`, "--pod-name", "tagger/rep-1", "--replicas", "2"], children),
      executor(["--uses", `${fixtures}#ShardIndexer`, "--shard-id", "0", "--shards", "2", "--uses-with", "{}", "--uses-metas", '{"name":"indexer"}', ...deploymentFlags], children),
      executor(["--uses", `${fixtures}#ShardIndexer`, "--shard-id", "1", "--shards", "2", "--port-monitoring", "0"], children),
      executor(["--uses", `${fixtures}#MergeAfter`], children),
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
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
});

test("jina-ts gateway refuses bad flags with one line naming the flag, and exits 1", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["--graph-description", "{"], /--graph-description must be JSON/],
    [["--graph-description", '{"start-gateway":["a"],"a":["end-gateway"]}'], /--deployments-addresses has no address for "a"/],
    [["--graph-description", '{"start-gateway":["end-gateway"]}', "--protocol", "ftp"], /--protocol must be grpc, http or websocket/],
    [["--graph-description", '{"start-gateway":["end-gateway"]}', "--frobnicate"], /unknown flag --frobnicate/],
  ];
  for (const [args, message] of cases) {
    const child = spawnScript(cli, { args: ["gateway", ...args] });
    assert.is(await child.exited, 1, args.join(" "));
    assert.match(child.lastOutput(), message);
  }
});

test("resolveTargets turns a name into one target per address and keeps IPs, localhost and unresolvable names", async () => {
  const resolve = async (host: string) => (host === "indexer.search.svc" ? ["10.1.0.7", "10.1.0.9"] : host === "v6" ? ["fd00::1"] : []);
  assert.equal(
    await resolveTargets(["grpc://indexer.search.svc:8080", "grpc://127.0.0.1:1", "grpc://localhost:2", "grpc://nowhere:3", "grpcs://v6:4"], resolve),
    ["grpc://10.1.0.7:8080", "grpc://10.1.0.9:8080", "grpc://127.0.0.1:1", "grpc://localhost:2", "grpc://nowhere:3", "grpcs://[fd00::1]:4"],
  );
});

test.run();
