// `retry_policy` in Flow YAML (issue 14: "a `retries` policy per deployment"): in `with:` (every deployment) and on a
// deployment; validated with file:line:col and a nearest-key hint; kept by save(); given to the exports' gateway.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Flow, JinaError } from "../../mod.ts";
import { configJsonSchema, loadFlowConfig } from "../../config/mod.ts";

let tmp: string;
test.before(() => {
  tmp = mkdtempSync(join(tmpdir(), "jina-retry-yaml-"));
  writeFileSync(join(tmp, "enc.ts"), "export class Enc {}\n");
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function file(yaml: string): string {
  const path = join(tmp, `flow-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, yaml);
  return path;
}

const yaml = [
  "jtype: Flow",
  "with:",
  "  retry_policy:",
  "    in_flight: none",
  "executors:",
  "  - name: enc",
  "    uses: ./enc.ts#Enc",
  "    retry_policy:",
  "      in_flight: [/search, /status]",
  "      backoff_ms: 10",
  "      maxBackoffMs: 200",
  "  - name: idx",
  "    uses: ./enc.ts#Enc",
  "",
].join("\n");

test("retry_policy in with: and on a deployment, snake_case or camelCase", async () => {
  const config = await loadFlowConfig(file(yaml));
  assert.equal(config.options.retryPolicy, { inFlight: "none" });
  assert.equal(config.deployments[0]!.retryPolicy, { inFlight: ["/search", "/status"], backoffMs: 10, maxBackoffMs: 200 });
  assert.is(config.deployments[1]!.retryPolicy, undefined, "inherits the flow's at the gateway");
});

test("a bad retry_policy is one error naming file:line:col and the key, with the nearest key for a misspelling", async () => {
  for (const [text, where] of [
    ["jtype: Flow\nexecutors:\n  - name: a\n    retry_policy:\n      in_flight: sometimes\n", /:5:18: executors\[0\]\.retry_policy\.in_flight /],
    ["jtype: Flow\nwith:\n  retry_policy:\n    in_fligth: none\n", /in_fligth.*did you mean "in_flight"/],
    ["jtype: Flow\nwith:\n  retry_policy:\n    backoff_ms: -5\n", /with\.retry_policy\.backoff_ms /],
  ] as const) {
    const error = await Flow.load(file(text)).catch((caught) => caught as JinaError);
    assert.instance(error, JinaError);
    assert.match((error as JinaError).rawMessage, where);
  }
});

test("export schema describes retry_policy", () => {
  type Props = { properties: Record<string, { description?: string } & Props> };
  const schema = configJsonSchema("flow") as Props;
  const policy = schema.properties.with!.properties.retry_policy!;
  assert.ok(policy.properties.in_flight?.description?.includes("mid-call"), JSON.stringify(policy));
});

test("save() keeps retry_policy, and the Kubernetes and compose gateways get each deployment's policy", async () => {
  const flow = await Flow.load(file(yaml));
  const saved = join(tmp, "saved.yml");
  await flow.save(saved);
  const again = (await Flow.load(saved)).describe();
  assert.equal(again.options.retryPolicy, { inFlight: "none" });
  assert.equal(again.deployments[0]!.options.retryPolicy, { inFlight: ["/search", "/status"], backoffMs: 10, maxBackoffMs: 200 });
  const compose = readFileSync(await flow.toDockerComposeYaml(join(tmp, "compose.yml")), "utf8");
  const options = compose.match(/--deployments-options\s*\n?\s*- '?("?)(\{.*\})\1'?/);
  assert.ok(options, compose);
  const parsed = JSON.parse(options![2]!.replace(/''/g, "'")) as Record<string, { retryPolicy?: unknown }>;
  assert.equal(parsed.enc?.retryPolicy, { inFlight: ["/search", "/status"], backoffMs: 10, maxBackoffMs: 200 });
  assert.equal(parsed.idx?.retryPolicy, { inFlight: "none" }, "the flow's policy for a deployment without its own");
});

test.run();
