// `grace_period` in Flow YAML (issue 14): in `with:`, in the `gateway:` section and per deployment; validated by the
// zod schema with file:line:col; in `jina-ts export schema`; carried into a saved flow and into the exports' commands.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Flow, JinaError } from "../../mod.ts";
import { configJsonSchema, loadFlowConfig } from "../../config/mod.ts";
import { run as exportCommand } from "../../cli/export-command.ts";
import { gatewayOptionsOf, parseGatewayArgs } from "../../gateway/main-args.ts";
import { parseExecutorArgs } from "../../executor/main-args.ts";

let tmp: string;
test.before(() => {
  tmp = mkdtempSync(join(tmpdir(), "jina-grace-yaml-"));
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function file(yaml: string): string {
  const path = join(tmp, `flow-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, yaml);
  return path;
}

test("grace_period (or gracePeriod) in with:, in gateway: and on a deployment", async () => {
  const config = await loadFlowConfig(file("jtype: Flow\nwith:\n  grace_period: 2500\nexecutors:\n  - name: a\n    grace_period: 700\n  - name: b\n"));
  assert.is(config.options.gracePeriod, 2500);
  assert.is(config.deployments[0]!.gracePeriod, 700);
  assert.is(config.deployments[1]!.gracePeriod, undefined);
  const gateway = await loadFlowConfig(file("jtype: Flow\nwith:\n  gracePeriod: 2500\ngateway:\n  grace_period: 100\n"));
  assert.is(gateway.options.gracePeriod, 100, "the gateway section wins over with:");
});

test("a negative or fractional grace_period is one error naming file:line:col and the key", async () => {
  for (const [yaml, where] of [
    ["jtype: Flow\nwith:\n  grace_period: -1\n", /:3:17: with\.grace_period /],
    ["jtype: Flow\nexecutors:\n  - name: a\n    grace_period: 1.5\n", /:4:19: executors\[0\]\.grace_period /],
    ["jtype: Flow\ngateway:\n  grace_period: soon\n", /:3:17: gateway\.grace_period must be a number, got "soon"/],
  ] as const) {
    const error = await Flow.load(file(yaml)).catch((caught) => caught as JinaError);
    assert.instance(error, JinaError);
    assert.match((error as JinaError).rawMessage, where);
  }
});

test("jina-ts export schema lists grace_period for the flow, the gateway and each deployment", async () => {
  type Props = { properties: Record<string, { description?: string; minimum?: number } & Props> };
  const schema = configJsonSchema("flow") as Props & { properties: { executors: { items: { anyOf: Props[] } } } };
  const out = join(tmp, "schema.json");
  assert.is(await exportCommand(["schema", out]), 0);
  const written = JSON.parse(readFileSync(out, "utf8")) as typeof schema;
  assert.equal(written, schema);
  for (const section of [written.properties.with, written.properties.gateway]) {
    assert.match(String(section!.properties.grace_period?.description), /grace|in flight/i);
    assert.is(section!.properties.grace_period?.minimum, 0);
  }
  const deployment = written.properties.executors.items.anyOf.find((item) => item.properties);
  assert.ok(deployment?.properties.grace_period, "a deployment has grace_period");
});

test("a loaded flow keeps gracePeriod, saves it under gateway: and gives it to the exports' gateway and executors", async () => {
  writeFileSync(join(tmp, "enc.ts"), "export class Enc {}\n");
  const flow = await Flow.load(file("jtype: Flow\nwith:\n  grace_period: 40000\nexecutors:\n  - name: enc\n    uses: ./enc.ts#Enc\n    grace_period: 1500\n"));
  assert.is(flow.describe().options.gracePeriod, 40_000);
  const saved = join(tmp, "saved.yml");
  await flow.save(saved);
  assert.match(readFileSync(saved, "utf8"), /gateway:\n(?:  .*\n)*  grace_period: 40000/);
  assert.is((await Flow.load(saved)).describe().options.gracePeriod, 40_000);
  const compose = readFileSync(await flow.toDockerComposeYaml(join(tmp, "compose.yml")), "utf8");
  assert.match(compose, /--grace-period\s*\n?\s*- "?40000/);
  assert.match(compose, /--grace-period\s*\n?\s*- "?1500/);
  const files = await flow.toKubernetesYaml(join(tmp, "k8s"));
  const gateway = readFileSync(files.find((path) => /gateway/.test(path))!, "utf8");
  assert.match(gateway, /terminationGracePeriodSeconds: 47/, "40 s grace + preStop + margin");
});

test("the flags: jina-ts gateway and jina-ts executor read --grace-period; a bad value names the flag", () => {
  const base = ["--graph-description", '{"start-gateway":["a"],"a":["end-gateway"]}', "--deployments-addresses", '{"a":["grpc://a:8080"]}'];
  const args = parseGatewayArgs([...base, "--grace-period", "2500"]);
  assert.is(args.gracePeriod, 2500);
  assert.is(gatewayOptionsOf(args).gracePeriod, 2500);
  assert.throws(() => parseGatewayArgs([...base, "--grace-period", "-5"]), /--grace-period must be an integer ≥ 0/);
  assert.is(parseExecutorArgs(["--uses", "./x.ts#X", "--grace-period", "300"]).gracePeriod, 300);
  assert.is(parseExecutorArgs(["--uses", "./x.ts#X"]).gracePeriod, undefined);
  assert.throws(() => parseExecutorArgs(["--uses", "./x.ts#X", "--grace-period", "soon"]), /--grace-period must be an integer >= 0/);
});

test("jina-ts flow --grace-period: listed in --help, a bad value is one usage error", async () => {
  const flowCommand = await import("../../cli/flow-command.ts");
  assert.match(flowCommand.usage, /--grace-period MS/);
  const error = await flowCommand.run(["--uses", "flow.yml", "--grace-period", "1.5"]).catch((caught) => caught as Error);
  assert.match(String(error), /--grace-period must be a whole number of milliseconds ≥ 0, got "1.5"/);
});

test("Flow: setGracePeriod() before start, refused after; a deployment's own gracePeriod is checked at add()", () => {
  assert.is(new Flow().setGracePeriod(1234).describe().options.gracePeriod, 1234);
  assert.throws(() => new Flow().setGracePeriod(-1), /gracePeriod must be a number of milliseconds ≥ 0/);
  assert.throws(() => new Flow().add({ name: "a", gracePeriod: -2 }), /Deployment "a": gracePeriod must be a number of milliseconds ≥ 0, got -2/);
});

test.run();
