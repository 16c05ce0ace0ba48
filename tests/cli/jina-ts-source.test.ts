/**
 * Where `jina-ts new` says the new project gets jina-ts from (cli/jina-ts-source.ts): the file the current project
 * installed it from, a registry range, or the checkout it runs from; checked on folders laid out as npm, Bun and a
 * clone leave them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { jinaTsPackageRoot, jinaTsSource } from "../../cli/jina-ts-source.ts";

function layout(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "jina-source-"));
  for (const [path, json] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), typeof json === "string" ? json : JSON.stringify(json));
  }
  return dir;
}

test("installed from a tarball (npm's file: spec) or a path (Bun's): that file, absolute", () => {
  for (const [spec, expected] of [["file:../dl/jina-ts-0.1.0.tgz", "dl/jina-ts-0.1.0.tgz"], ["./jina-ts-0.1.0.tgz", "app/jina-ts-0.1.0.tgz"]] as const) {
    const dir = layout({ "app/package.json": { dependencies: { "jina-ts": spec } }, "app/node_modules/jina-ts/package.json": { name: "jina-ts" } });
    try {
      assert.equal(jinaTsSource(join(dir, "app/node_modules/jina-ts"), "0.1.0"), { spec: `file:${join(dir, expected)}` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test("installed from a registry (a range, a dev dependency, Deno's cache) or with no readable manifest: ^version", () => {
  const dir = layout({
    "app/package.json": { devDependencies: { "jina-ts": "^0.1.0" } },
    "bare/node_modules/jina-ts/package.json": { name: "jina-ts" },
    "deno-cache/npm/jina-ts/0.2.0/package.json": { name: "jina-ts" },
  });
  try {
    assert.equal(jinaTsSource(join(dir, "app/node_modules/jina-ts"), "0.2.0"), { spec: "^0.2.0" });
    assert.equal(jinaTsSource(join(dir, "bare/node_modules/jina-ts"), "0.2.0"), { spec: "^0.2.0" });
    assert.equal(jinaTsSource(join(dir, "deno-cache/npm/jina-ts/0.2.0"), "0.2.0"), { spec: "^0.2.0" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a checkout: linked as it is, with a note to build it when dist/ is missing", () => {
  const dir = layout({ "clone/package.json": { name: "jina-ts" }, "clone/mod.ts": "", "clone/cli/new-command.ts": "" });
  try {
    const root = jinaTsPackageRoot(join(dir, "clone/cli/new-command.ts"));
    assert.is(root, join(dir, "clone"));
    const unbuilt = jinaTsSource(root!, "0.1.0");
    assert.is(unbuilt.spec, `file:${join(dir, "clone")}`);
    assert.match(unbuilt.note ?? "", "npm run build");
    writeFileSync(join(dir, "clone/package.json"), JSON.stringify({ name: "jina-ts" }));
    mkdirSync(join(dir, "clone/dist"));
    writeFileSync(join(dir, "clone/dist/mod.js"), "");
    assert.equal(jinaTsSource(root!, "0.1.0"), { spec: `file:${join(dir, "clone")}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the package root is the nearest folder above named jina-ts; none outside one", () => {
  const dir = layout({ "a/package.json": { name: "jina-ts" }, "a/dist/chunks/x.js": "", "a/dist/package.json": { name: "other" }, "b/y.js": "" });
  try {
    assert.is(jinaTsPackageRoot(join(dir, "a/dist/chunks/x.js")), join(dir, "a"));
    assert.is(jinaTsPackageRoot(join(dir, "b/y.js")), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
