// Executor YAML through the API (issue 10): Executor.load(path | "./file.ts#Class", { context }) constructs the
// class with the YAML's `with`, `metas`, `requests` and `dynamic_batching`; executor.save(path) writes it back
// (module paths relative to the saved file) and loading that file gives the same executor, also as a Flow's `uses`.
// AsyncFlow.load / save behave as Flow's. Every variable form of Jina's YAML substitutes, and each unset one is an
// error naming it and its line.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { AsyncFlow, Executor, Flow, JinaError } from "../../mod.ts";
import { batchingOf, endpointsOf, handlerNameOf } from "../../executor/mod.ts";
import { loadFlowConfig } from "../../config/mod.ts";

const executors = new URL("./fixtures/executors.ts", import.meta.url).pathname;
const flows = new URL("./fixtures/flows/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "jina-config-executor-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const indexerYaml = `jtype: Indexer
py_modules: [${executors}]
with: {unused: 1}
metas:
  name: \${{ CONTEXT.name }}
  description: stores what /store gets
requests:
  /store: index
dynamic_batching:
  /store: {preferred_batch_size: 3, timeout: 40}
`;

test("Executor.load: the class from its module, with, metas, requests and dynamic_batching (and the context)", async () => {
  const file = join(tmp, "indexer.yml");
  writeFileSync(file, indexerYaml);
  const executor = await Executor.load(file, { context: { name: "store1" } });
  assert.is(executor.constructor.name, "Indexer");
  assert.instance(executor, Executor);
  assert.equal([executor.metas.name, executor.metas.description], ["store1", "stores what /store gets"]);
  assert.is(handlerNameOf(executor, "/store"), "index", "requests: /store → index");
  assert.is(handlerNameOf(executor, "/search"), "search", "the class's own binding stays");
  assert.ok(endpointsOf(executor).includes("/store"));
  assert.equal(batchingOf(executor, "/store"), { preferredBatchSize: 3, timeout: 40, endpoint: "/store" });
  const tagger = await Executor.load(`${executors}#Tagger`);
  assert.is(tagger.constructor.name, "Tagger");
  const fromYaml = await Executor.load(join(flows, "executor1/config.yml"));
  assert.equal([(fromYaml as unknown as { label: string }).label, fromYaml.metas.name], ["from-yaml", "tagger"]);
  await Executor.load(join(tmp, "indexer.yml")).then(
    () => assert.unreachable("the context variable is unset"),
    (error: JinaError) => assert.match(error.rawMessage, /indexer\.yml:5:9: metas\.name: \$\{\{ CONTEXT\.name \}\} is not set/),
  );
});

test("executor.save → Executor.load gives the same executor; the saved file runs as a Flow's uses", async () => {
  const file = join(tmp, "indexer.yml");
  writeFileSync(file, indexerYaml);
  const executor = await Executor.load(file, { context: { name: "store1" } });
  mkdirSync(join(tmp, "saved"), { recursive: true });
  const saved = join(tmp, "saved", "copy.yml");
  await executor.save(saved);
  const text = readFileSync(saved, "utf8");
  assert.match(text, /^jtype: Indexer$/m);
  assert.match(text, /\/store: index/);
  assert.not.match(text, new RegExp(tmp), "the module path is written relative to the saved file");
  const again = await Executor.load(saved);
  assert.is(again.constructor.name, "Indexer");
  assert.equal(again.metas, executor.metas);
  assert.is(handlerNameOf(again, "/store"), "index");
  assert.equal(batchingOf(again, "/store"), { preferredBatchSize: 3, timeout: 40, endpoint: "/store" });
  const resaved = join(tmp, "saved", "copy2.yml");
  await again.save(resaved);
  assert.fixture(readFileSync(resaved, "utf8"), text);
  await using flow = await new Flow().add({ name: "store", uses: saved, inProcess: true }).start();
  await flow.post("/store", [{ text: "a" }, { text: "b" }]);
  assert.equal((await flow.search([{ text: "q" }])).at(0)!.tags.counts, { shard0: 2 }, "/store reached index() through the saved requests");
});

test("AsyncFlow.load / start / post / save / load: the same as Flow", async () => {
  const flow = await AsyncFlow.load(join(flows, "07-shards.yml"));
  assert.instance(flow, AsyncFlow);
  await flow.start();
  try {
    assert.equal((await flow.post("/search", [{ text: "x" }])).at(0)!.tags.merged_parts, 2);
  } finally {
    await flow.close();
  }
  const saved = join(tmp, "async.yml");
  await flow.save(saved);
  const again = await AsyncFlow.load(saved);
  assert.equal(again.build(), flow.build());
  assert.equal(again.describe().deployments.map((d) => [d.name, d.shards, d.replicas, d.options.polling]), [["indexer", 2, 2, { "/index": "ANY", "/search": "ALL", "*": "ANY" }]]);
});

test("uses_dynamic_batching in a Flow YAML batches: 8 concurrent single-doc requests make 2 handler calls of 4", async () => {
  const sizer = new URL("../flow/fixtures/executors.ts", import.meta.url).pathname;
  const flow = await Flow.load(`jtype: Flow\nexecutors:\n  - name: sizer\n    uses: ${sizer}#BatchSizer\n    in_process: true\n    uses_dynamic_batching:\n      /embed: {preferred_batch_size: 4, timeout: 10000}\n`);
  await using _ = await flow.start();
  const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => flow.client.post("/embed", [{ id: `d${i}` }], { returnResponses: true })));
  assert.equal(responses.map((list) => (list[0]?.parameters?.__results__ as Record<string, { batch: number }>).sizer?.batch), [4, 4, 4, 4, 4, 4, 4, 4]);
});

test("every variable form: ${{ ENV.X }}, ${{ env.X }}, ${{ CONTEXT.X }}, ${{ X }}, ${{root.a.b}}, ${{this.key}}, $VAR, ${VAR}", async () => {
  const env = (name: string) => ({ JINA_TS_A: "a-env", JINA_TS_N: "3" })[name];
  const config = await loadFlowConfig(
    `jtype: Flow
with:
  name: \${{ CONTEXT.name }}
  description: upper \${{ ENV.JINA_TS_A }} lower \${{ env.JINA_TS_A }} bare \${{ kind }} legacy $JINA_TS_A braced \${JINA_TS_A}
executors:
  - name: e
    replicas: \${{ env.JINA_TS_N }}
    uses_with:
      kind: \${{ kind }}
      flow: \${{root.with.name}}
      again: \${{this.kind}}-x
      count: \${{ CONTEXT.count }}
`,
    { env, context: { name: "ctx-name", kind: "ctx-kind", count: 7 } },
  );
  assert.is(config.options.name, "ctx-name");
  assert.is(config.options.description, "upper a-env lower a-env bare ctx-kind legacy a-env braced a-env");
  const [deployment] = config.deployments;
  assert.is(deployment!.replicas, 3, "a whole ${{ }} value keeps its type");
  assert.equal(deployment!.usesWith, { kind: "ctx-kind", flow: "ctx-name", again: "ctx-kind-x", count: 7 });
});

test("each unset variable form is an error naming the variable and its line:col", async () => {
  const unset = async (value: string) => {
    try {
      await loadFlowConfig(`jtype: Flow\nwith:\n  name: ok\n  description: "${value}"\n`, { env: () => undefined, context: {} });
    } catch (error) {
      return (error as JinaError).rawMessage;
    }
    throw new Error(`${value} was accepted`);
  };
  assert.match(await unset("${{ ENV.NOPE }}"), /^<text>:4:16: with\.description: \$\{\{ ENV\.NOPE \}\} is not set \(environment variable NOPE\)/);
  assert.match(await unset("x ${{ env.NOPE }}"), /^<text>:4:18: with\.description: \$\{\{ env\.NOPE \}\} is not set \(environment variable NOPE\)/);
  assert.match(await unset("${{ CONTEXT.nope }}"), /^<text>:4:16: .*\$\{\{ CONTEXT\.nope \}\} is not set \(context variable nope/);
  assert.match(await unset("${{ nope }}"), /^<text>:4:16: .*\$\{\{ nope \}\} is not set \(context variable nope/);
  assert.match(await unset("${{root.with.nope}}"), /^<text>:4:16: .*is not set \(no value at root\.with\.nope\)/);
  assert.match(await unset("${{this.nope}}"), /^<text>:4:16: .*is not set \(no value at this\.nope\)/);
  assert.match(await unset("$NOPE_NOPE"), /^<text>:4:16: .*\$NOPE_NOPE is not set \(environment variable NOPE_NOPE\)/);
});

test.run();
