import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// Fast start (issue 8): the process the Flow spawns for each replica (executor/main.ts) loads only what serving an
// executor needs. Its static import graph is checked here (type-only imports and dynamic `import()` are not loads
// at start-up): no gateway, flow, client or deploy code, no config/ beyond the spec helpers, and none of the
// packages an executor uses only when asked (zod and yaml for an Executor YAML, @opentelemetry/api once an SDK is
// registered, prom-client with monitoring, Hono for HTTP routes).

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The files and packages `entry` loads through static value imports, each with the file that imports it first. */
function staticGraph(entry: string): { files: Map<string, string>; packages: Map<string, string> } {
  const files = new Map<string, string>([[entry, ""]]);
  const packages = new Map<string, string>();
  const queue = [entry];
  const statement = /^\s*(?:import|export)\s+(?!type\b)([^;]*?)\s*from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    for (const match of source.matchAll(statement)) {
      const clause = match[1] ?? "";
      // `import { type A, type B } from "x"` loads nothing either
      if (/^\{[^}]*\}$/.test(clause) && clause.slice(1, -1).split(",").every((name) => /^\s*(type\s|$)/.test(name))) continue;
      const specifier = (match[2] ?? match[3])!;
      if (specifier.startsWith(".")) {
        const target = join(dirname(file), specifier);
        if (!files.has(target)) {
          files.set(target, file);
          queue.push(target);
        }
      } else if (!specifier.startsWith("node:") && !packages.has(specifier)) packages.set(specifier, file);
    }
  }
  return { files, packages };
}

const { files, packages } = staticGraph(join(root, "executor/main.ts"));
const firstParty = [...files.keys()].map((file) => relative(root, file));

test("executor/main.ts loads no gateway, flow, client, deploy or config code at start-up", () => {
  const stray = firstParty.filter((file) => /^(gateway|flow|client|deploy|cli)\//.test(file) || (file.startsWith("config/") && file !== "config/executor-spec.ts"));
  assert.equal(stray, [], `loaded at start-up: ${stray.join(", ")}`);
});

test("executor/main.ts loads none of the packages an executor needs only when asked", () => {
  const names = [...packages.keys()].map((specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"));
  for (const lazy of ["zod", "yaml", "@opentelemetry/api", "prom-client", "hono", "@hono/node-server", "@hono/zod-openapi"]) {
    assert.not.ok(names.includes(lazy), `${lazy} is loaded at start-up (first by ${packages.get([...packages.keys()][names.indexOf(lazy)]!)})`);
  }
  // what it does need, so that the walk above is known to reach the server
  assert.ok(names.includes("@connectrpc/connect-node") && names.includes("@bufbuild/protobuf"));
});

test.run();
