// Every Flow YAML fixture (modelled on Jina's documented examples, TS executors standing in for Python) loads,
// starts, answers, and survives a save → load round trip with the same graph and options.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, Flow } from "../../mod.ts";
import { getEnv } from "../../runtime/mod.ts";

const dir = new URL("./fixtures/flows/", import.meta.url).pathname;
const vars: Record<string, string> = {
  JINA_TS_FIXTURE_LABEL: "env-label",
  JINA_TS_FIXTURE_REPLICAS: "2",
  JINA_TS_GRPC_PORT: "0",
  JINA_TS_HTTP_PORT: "0",
  JINA_TS_DIM: "5",
  JINA_TS_FIXTURE_VALUE: "from-yaml-env",
};
const loadOptions = { context: { flow_name: "fixture" }, env: (name: string) => vars[name] ?? getEnv(name) };

const inputs = () =>
  new DocumentArray([new Document({ text: "hello", tags: { lang: "en" } }), new Document({ text: "hallo", tags: { lang: "de" } })]);
const seen = (docs: DocumentArray) => [...docs].map((doc) => doc.tags.seen as string[] | undefined);

interface Fixture {
  file: string;
  endpoint?: string;
  check(docs: DocumentArray, flow: Flow): void | Promise<void>;
}

const fixtures: Fixture[] = [
  { file: "01-hello.yml", check: (docs) => assert.equal(seen(docs), [["executor0"], ["executor0"]]) },
  {
    file: "02-protocols.yml",
    check: (docs, flow) => {
      assert.equal(flow.protocols, ["grpc", "http", "websocket"]);
      assert.is(flow.name, "hello-protocols");
      assert.equal(seen(docs)[0], ["tagger"]);
    },
  },
  {
    file: "03-gateway-section.yml",
    check: async (docs, flow) => {
      assert.equal(flow.protocols, ["http", "grpc"]);
      assert.equal(seen(docs)[0], ["tagger"]);
      const openapi = (await (await fetch(`http://127.0.0.1:${flow.ports[0]}/openapi.json`)).json()) as { info: { title: string } };
      assert.is(openapi.info.title, "Fixture API");
    },
  },
  { file: "04-executor-yaml.yml", check: (docs) => assert.equal(seen(docs)[0], ["from-yaml", "overridden"]) },
  {
    file: "05-inline-uses.yml",
    check: (docs) => {
      assert.equal(docs.at(0)!.embedding!.shape, [3]);
      assert.is(docs.at(0)!.tags.encoded_by, "encoder/rep-0");
    },
  },
  {
    file: "06-modules.yml",
    check: (docs) => {
      assert.is(docs.at(0)!.tags.dim, 2);
      assert.equal(seen(docs)[0], ["tagger"]);
    },
  },
  {
    file: "07-shards.yml",
    endpoint: "/search",
    check: (docs, flow) => {
      assert.is(flow.numPods, 2 * 2 + 2);
      assert.is(docs.at(0)!.tags.merged_parts, 2); // uses_after got both shards' parts (ALL on /search)
      assert.equal(seen(docs)[0], ["indexer/uses_before"]);
    },
  },
  {
    file: "08-topology.yml",
    check: (docs, flow) => {
      assert.equal(flow.build(), { "start-gateway": ["a", "b"], a: ["join"], b: ["join"], join: ["end-gateway"] });
      assert.ok(["a", "b"].includes(seen(docs)[0]!.join())); // the join reduces both branches' parts (Jina keeps one doc per id)
    },
  },
  {
    file: "09-conditions.yml",
    check: (docs) => {
      const byLang = Object.fromEntries([...docs].map((doc) => [doc.tags.lang as string, doc.tags.seen]));
      assert.equal(byLang, { en: ["en"], de: ["de"] });
    },
  },
  {
    file: "10-variables.yml",
    check: (docs, flow) => {
      assert.is(flow.name, "fixture");
      assert.is(flow.numPods, 3);
      assert.equal(seen(docs)[0], ["env-label-first", "env-label/fixture"]);
    },
  },
  {
    file: "11-flow-defaults.yml",
    check: (docs, flow) => {
      assert.is(flow.workspace, ".workspace/defaults");
      assert.is(flow.numPods, 3); // inherits replicas: 2, own sets 1
      assert.equal(seen(docs)[0], ["flow-default", "own"]);
      assert.equal(flow.env, { JINA_TS_FIXTURE: "from-flow" });
    },
  },
  {
    file: "12-inspect.yml",
    check: (docs, flow) => {
      assert.equal(flow.build(), {
        "start-gateway": ["encoder"],
        encoder: ["evaluate", "logger", "tagger"],
        evaluate: [],
        logger: [],
        tagger: ["end-gateway"],
      });
      assert.equal(seen(docs)[0], ["tagger"]);
    },
  },
  {
    file: "13-deployments-camel.yml",
    endpoint: "/search",
    check: (docs, flow) => {
      assert.equal(seen(docs)[0], ["remapped"]);
      assert.equal(docs.at(0)!.embedding!.shape, [2]);
      assert.type(flow.pods[1]!.shards[0]![0]!.portMonitoring, "number");
    },
  },
  {
    file: "16-yaml-spec/flow.yml",
    check: (docs, flow) => {
      assert.equal(flow.protocols, ["http"]);
      assert.equal(seen(docs)[0], ["MyExec", "Indexer:{}", "CustomExec"]);
      assert.is(flow.describe().deployments[1]!.options.workspace, "/home/my/workspace");
    },
  },
];

let tmp: string;
test.before(() => {
  tmp = mkdtempSync(join(tmpdir(), "jina-config-"));
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

for (const fixture of fixtures) {
  test(`${fixture.file} loads, answers, and round-trips through save`, async () => {
    const flow = await Flow.load(join(dir, fixture.file), loadOptions);
    await flow.start();
    try {
      await fixture.check(await flow.post(fixture.endpoint ?? "/index", inputs()), flow);
    } finally {
      await flow.close();
    }
    await roundTrip(fixture.file, loadOptions);
  });
}

const externalVars: Record<string, string> = {
  JINA_TS_GATEWAY_METRICS_PORT: "9090",
  JINA_TS_PLAIN_PORT: "8081",
  JINA_TS_TLS_PORT: "8443",
  JINA_TS_LOCAL_PORT: "8082",
  JINA_TS_LOCAL_METRICS_PORT: "9091",
};

/** Loads `file`, saves it, loads the saved file: the same graph, options and deployments, and the same text saved again. */
async function roundTrip(file: string, options: typeof loadOptions): Promise<Flow> {
  const flow = await Flow.load(join(dir, file), options);
  const first = join(tmp, `${file.replace("/", "-")}.saved.yml`);
  await flow.save(first);
  const again = await Flow.load(first, options);
  assert.equal(again.describe(), flow.describe());
  const second = join(tmp, `${file.replace("/", "-")}.again.yml`);
  await again.save(second);
  assert.fixture(readFileSync(second, "utf8"), readFileSync(first, "utf8"));
  return flow;
}

test("14-mixed.yml (in-process and process deployments; the CLI test runs it) round-trips through save", async () => {
  const flow = await roundTrip("14-mixed.yml", loadOptions);
  assert.is(flow.numPods, 2 + 2 + 1 + 1);
  assert.equal(flow.build(), { "start-gateway": ["encoder"], encoder: ["indexer"], indexer: ["env"], env: ["end-gateway"] });
});

test("15-external.yml (external over gRPC and TLS, fixed ports; the CLI test runs it) round-trips through save", async () => {
  const flow = await roundTrip("15-external.yml", { ...loadOptions, env: (name: string) => externalVars[name] ?? vars[name] ?? getEnv(name) });
  const [plain, secure, local] = flow.describe().deployments;
  assert.equal([plain!.options.external, plain!.options.host, plain!.options.port, secure!.options.tls], [true, "127.0.0.1", 8081, true]);
  assert.equal([local!.options.port, local!.options.monitoring, local!.options.portMonitoring], [8082, true, 9091]);
  assert.equal([flow.describe().options.monitoring, flow.describe().options.portMonitoring], [true, 9090]);
});

test.run();
