import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packageNames, staticGraph } from "../_import-graph.ts";

// Fast start (issue 8): the process the Flow spawns for each replica (executor/main.ts) loads only what serving an
// executor needs. Its static import graph is checked here (type-only imports and dynamic `import()` are not loads
// at start-up): no gateway, flow, client or deploy code, no config/ beyond the spec helpers, and none of the
// packages an executor uses only when asked (zod and yaml for an Executor YAML, @opentelemetry/api once an SDK is
// registered, prom-client with monitoring, Hono for HTTP routes).

const root = fileURLToPath(new URL("../../", import.meta.url));

const { files, packages } = staticGraph(join(root, "executor/main.ts"));
const firstParty = [...files.keys()].map((file) => relative(root, file));

test("executor/main.ts loads no gateway, flow, client, deploy or config code at start-up", () => {
  const stray = firstParty.filter((file) => /^(gateway|flow|client|deploy|cli)\//.test(file) || (file.startsWith("config/") && file !== "config/executor-spec.ts"));
  assert.equal(stray, [], `loaded at start-up: ${stray.join(", ")}`);
});

test("executor/main.ts and jina-ts/executor load no storage backend and no gRPC client transport", () => {
  // DocumentArray's storage backends register when a module imports jina-ts or jina-ts/docarray (the only ways to
  // name DocumentArray); the executor's own files import docarray's files, not its barrel.
  for (const entry of ["executor/main.ts", "executor/mod.ts"]) {
    const loaded = [...staticGraph(join(root, entry)).files.keys()].map((file) => relative(root, file));
    const stray = loaded.filter((file) => (file.startsWith("docarray/storage/") && file !== "docarray/storage/registry.ts") || file === "runtime/grpc-transport.ts");
    assert.equal(stray, [], `${entry} loads ${stray.join(", ")}`);
  }
});

test("executor/main.ts loads none of the packages an executor needs only when asked", () => {
  const names = packageNames(packages);
  for (const lazy of ["zod", "yaml", "@opentelemetry/api", "prom-client", "hono", "@hono/node-server", "@hono/zod-openapi"]) {
    assert.not.ok(names.includes(lazy), `${lazy} is loaded at start-up (first by ${packages.get([...packages.keys()][names.indexOf(lazy)]!)})`);
  }
  // what it does need, so that the walk above is known to reach the server
  assert.ok(names.includes("@connectrpc/connect-node") && names.includes("@bufbuild/protobuf"));
});

test.run();
