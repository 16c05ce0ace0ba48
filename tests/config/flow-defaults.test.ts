// Flow-level defaults (issue 10): every deployment option Jina inherits from the Flow's `with:` (shards, replicas,
// polling, uses_with, uses_metas, uses_requests, uses_dynamic_batching, env, timeout_send, retries, workspace,
// monitoring) reaches a deployment that does not set its own, and a deployment's own value wins; the flow's `name`
// and `workspace` are used. Checked on what the flow records and on what the running executors report.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Flow } from "../../mod.ts";

const executors = new URL("./fixtures/executors.ts", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "jina-config-defaults-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const yaml = `jtype: Flow
modules: [${executors}]
with:
  name: defaults-all
  workspace: ${tmp}/flow-ws
  shards: 2
  replicas: 2
  polling: ALL
  uses_with: {label: from-flow}
  uses_metas: {name: flowmetas}
  uses_requests: {/custom: report}
  uses_dynamic_batching: {/custom: {preferred_batch_size: 2, timeout: 50}}
  env: {JINA_TS_FIXTURE: from-flow}
  timeout_send: 12345
  retries: 2
  monitoring: false
executors:
  - name: inherits
    uses: Reporter
  - name: own
    uses: Reporter
    in_process: true
    shards: 1
    replicas: 1
    polling: ANY
    uses_with: {label: own}
    uses_metas: {name: ownmetas}
    uses_requests: {/other: report}
    uses_dynamic_batching: {/other: {preferred_batch_size: 1, timeout: 5}}
    env: {JINA_TS_FIXTURE: own}
    timeout_send: 999
    retries: 0
    workspace: ${tmp}/own-ws
    monitoring: true
`;

test("each inherited key reaches the deployment that does not set it; a deployment's own value wins", async () => {
  const flow = await Flow.load(yaml);
  assert.is(flow.name, "defaults-all");
  assert.is(flow.workspace, `${tmp}/flow-ws`);
  const [inherits, own] = flow.describe().deployments;
  assert.is(inherits!.shards, 2);
  assert.is(inherits!.replicas, 2);
  assert.equal(
    { polling: inherits!.options.polling, usesWith: inherits!.options.usesWith, usesMetas: inherits!.options.usesMetas, usesRequests: inherits!.options.usesRequests, batching: inherits!.options.usesDynamicBatching },
    { polling: "ALL", usesWith: { label: "from-flow" }, usesMetas: { name: "flowmetas" }, usesRequests: { "/custom": "report" }, batching: { "/custom": { preferredBatchSize: 2, timeout: 50 } } },
  );
  assert.is(own!.shards, 1);
  assert.is(own!.replicas, 1);
  assert.equal(
    [own!.options.polling, own!.options.usesWith, own!.options.usesMetas, own!.options.usesRequests, own!.options.timeoutSend, own!.options.retries, own!.options.monitoring],
    ["ANY", { label: "own" }, { name: "ownmetas" }, { "/other": "report" }, 999, 0, true],
  );
  // timeout_send and retries are the gateway's default for every deployment (tests/flow/options.test.ts shows
  // the flow's value at work); env, workspace and monitoring are every replica's default (below).
  assert.equal([flow.describe().options.timeoutSend, flow.describe().options.retries, flow.env], [12345, 2, { JINA_TS_FIXTURE: "from-flow" }]);
  assert.equal([inherits!.options.timeoutSend, inherits!.options.retries, inherits!.options.env, inherits!.options.workspace], [undefined, undefined, undefined, undefined]);
});

test("the same defaults given to new Flow({...}) in code reach a deployment added without them", () => {
  const flow = new Flow({
    shards: 2,
    replicas: 3,
    polling: "ALL",
    usesWith: { label: "code" },
    usesMetas: { name: "codemetas" },
    usesRequests: { "/custom": "report" },
    usesDynamicBatching: { "/custom": { preferredBatchSize: 2 } },
    inProcess: true,
  }).add({ name: "a", uses: `${executors}#Reporter` }).add({ name: "b", uses: `${executors}#Reporter`, shards: 1, replicas: 1, usesWith: { label: "b" } });
  const [a, b] = flow.describe().deployments;
  assert.equal([a!.shards, a!.replicas, a!.options.polling, a!.options.usesWith, a!.options.usesMetas, a!.options.usesRequests, a!.options.inProcess], [2, 3, "ALL", { label: "code" }, { name: "codemetas" }, { "/custom": "report" }, true]);
  assert.equal(a!.options.usesDynamicBatching, { "/custom": { preferredBatchSize: 2 } });
  assert.equal([b!.shards, b!.replicas, b!.options.usesWith, b!.options.usesMetas], [1, 1, { label: "b" }, { name: "codemetas" }]);
});

test("running: the inheriting replicas (own processes) get the flow's uses_with, uses_metas, uses_requests, env and workspace", async () => {
  await using flow = await (await Flow.load(yaml)).start();
  assert.equal(flow.pods[0]!.shards.map((replicas) => replicas.length), [2, 2], "shards: 2 × replicas: 2 from with:");
  assert.equal(flow.pods[1]!.shards.map((replicas) => replicas.length), [1]);
  // /custom reaches "inherits" only through the flow's uses_requests (Reporter binds /report); "own" has no /custom.
  const custom = (await flow.post("/custom", [{ id: "d", text: "x" }])).at(0)!.tags;
  const inherits = custom.inherits as Record<string, unknown>;
  assert.equal([inherits.label, inherits.metas, inherits.env], ["from-flow", "flowmetas", "from-flow"]);
  assert.is(inherits.workspace, join(tmp, "flow-ws", "flowmetas", String(inherits.shard)));
  assert.is(custom.own, undefined, "own's uses_requests maps /other, not /custom");
  const other = (await flow.post("/other", [{ id: "d", text: "x" }])).at(0)!.tags;
  const own = other.own as Record<string, unknown>;
  assert.equal([own.label, own.metas, own.workspace], ["own", "ownmetas", join(tmp, "own-ws", "ownmetas", "0")]);
  assert.is(other.inherits, undefined);
});

test.run();
