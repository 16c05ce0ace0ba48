import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packageNames, staticGraph } from "../_import-graph.ts";

// Fast start (issue 8): an executor module that imports the package root (`import { Executor } from "jina-ts"`)
// runs in every replica process, so the root entry loads no gateway or config code and none of their packages at
// import: the Flow loads the gateway in `start()` and the YAML code in `Flow.load()` / `save()`. What stays is what
// the root's names need at once (docarray/, executor/, client/, flow/'s builder and replica starters).

const root = fileURLToPath(new URL("../../", import.meta.url));
const { files, packages } = staticGraph(join(root, "mod.ts"));
const firstParty = [...files.keys()].map((file) => relative(root, file));

test("mod.ts loads no gateway or config code at import", () => {
  const allowed = new Set(["config/executor-spec.ts", "config/hub-uses.ts", "deploy/mermaid.ts"]);
  const stray = firstParty.filter((file) => /^(gateway|config|deploy|cli)\//.test(file) && !allowed.has(file));
  assert.equal(stray, [], `loaded at import: ${stray.join(", ")}`);
});

test("mod.ts loads none of the gateway's and config's packages at import", () => {
  const names = packageNames(packages);
  for (const lazy of ["zod", "yaml", "@opentelemetry/api", "prom-client", "hono", "@hono/node-server", "@hono/zod-openapi", "beautiful-mermaid"]) {
    assert.not.ok(names.includes(lazy), `${lazy} is loaded at import (first by ${packages.get([...packages.keys()][names.indexOf(lazy)]!)})`);
  }
  assert.ok(firstParty.includes("flow/flow.ts") && firstParty.includes("executor/executor.ts"), "the walk reaches the Flow and the Executor");
});

test("the gateway a Flow loads in start() (gateway/gateway.ts) loads @opentelemetry/api only once something registered with it", () => {
  const gateway = packageNames(staticGraph(join(root, "gateway/gateway.ts")).packages);
  assert.not.ok(gateway.includes("@opentelemetry/api"), "@opentelemetry/api is loaded with the gateway");
  assert.ok(gateway.includes("@connectrpc/connect"), "the walk reaches the gateway's packages");
});

test.run();
