// flow.save() writes what is running: the replica count after `scale()` and the usesWith / usesMetas / env after
// `rollingUpdate()`, so that save → load gives the flow as it runs, not as it was added. A change that failed and
// was rolled back leaves the saved flow as it was.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Flow } from "../../mod.ts";
import { Stamper } from "./fixtures/stamper.ts";

let tmp: string;
test.before(() => {
  tmp = mkdtempSync(join(tmpdir(), "jina-save-live-"));
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Saves the flow and loads the file back; returns the loaded flow's deployments by name. */
async function roundTrip(flow: Flow, file: string) {
  const path = join(tmp, file);
  await flow.save(path);
  const loaded = await Flow.load(path);
  return { text: readFileSync(path, "utf8"), deployments: Object.fromEntries(loaded.describe().deployments.map((deployment) => [deployment.name, deployment])) };
}

test("scale → save → load gives the live replica count (up, then down); a deployment not scaled keeps its own", async () => {
  await using flow = await new Flow()
    .add({ name: "encoder", uses: Stamper, usesWith: { version: "v1" } })
    .add({ name: "ranker", uses: Stamper, replicas: 2 })
    .start();
  await flow.scale("encoder", 3);
  let saved = await roundTrip(flow, "up.yml");
  assert.is(saved.deployments.encoder!.replicas, 3, "after scale to 3");
  assert.is(saved.deployments.ranker!.replicas, 2);
  await flow.scale("encoder", 2);
  await flow.scale("ranker", 1);
  saved = await roundTrip(flow, "down.yml");
  assert.equal([saved.deployments.encoder!.replicas, saved.deployments.ranker!.replicas], [2, 1], "after scale down");
  assert.equal(saved.deployments.encoder!.options.usesWith, { version: "v1" }, "the rest as added");
});

test("a flow-level replicas (with:) is overridden on the scaled deployment only", async () => {
  await using flow = await new Flow({ replicas: 2 }).add({ name: "a", uses: Stamper }).add({ name: "b", uses: Stamper }).start();
  await flow.scale("a", 1);
  const saved = await roundTrip(flow, "inherited.yml");
  assert.equal([saved.deployments.a!.replicas, saved.deployments.b!.replicas], [1, 2]);
});

test("rollingUpdate → save → load gives the new usesWith, usesMetas and env; scale after it keeps them", async () => {
  await using flow = await new Flow().add({ name: "encoder", uses: Stamper, usesWith: { version: "v1" }, env: { A: "old" } }).start();
  await flow.rollingUpdate("encoder", { usesWith: { version: "v2" }, usesMetas: { description: "second" }, env: { A: "new" } });
  await flow.scale("encoder", 2);
  const saved = await roundTrip(flow, "updated.yml");
  const encoder = saved.deployments.encoder!;
  assert.equal([encoder.options.usesWith, encoder.options.usesMetas, encoder.options.env, encoder.replicas], [{ version: "v2" }, { description: "second" }, { A: "new" }, 2]);
  assert.not.match(saved.text, /v1|old/, "nothing of the replaced options is written");
});

test("a scale or rolling update that failed and was rolled back leaves the saved flow as it was", async () => {
  await using flow = await new Flow().add({ name: "encoder", uses: Stamper, usesWith: { version: "v1", failFrom: 2 } }).start();
  await flow.scale("encoder", 2);
  const scaled = await flow.scale("encoder", 3).then(() => "scaled", (error: Error) => error.message);
  assert.match(scaled, /could not scale to 3 replicas, it keeps 2/);
  const updated = await flow.rollingUpdate("encoder", { usesWith: { version: "v2", failFrom: 0 } }).then(() => "updated", (error: Error) => error.message);
  assert.match(updated, /stopped after 0 of 2 replicas/);
  const encoder = (await roundTrip(flow, "failed.yml")).deployments.encoder!;
  assert.equal([encoder.replicas, encoder.options.usesWith], [2, { version: "v1", failFrom: 2 }]);
});

test.run();
