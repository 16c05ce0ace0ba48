import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { moduleSibling } from "../../runtime/typescript.ts";

// The Flow finds executor/main beside its own module: main.ts from the sources, main.js from the package build,
// whose bundled modules sit in dist/chunks/*.js and dist/chunks/*.cjs (scripts/core-bundle.mjs).

test("from the sources the sibling keeps its .ts", () => {
  assert.is(moduleSibling("../executor/main.ts", "file:///app/jina-ts/flow/process-replica.ts").href, "file:///app/jina-ts/executor/main.ts");
});

test("from the package build's .js and .cjs files the sibling is the compiled .js", () => {
  for (const base of ["file:///app/node_modules/jina-ts/dist/chunks/chunk-AB12.js", "file:///app/node_modules/jina-ts/dist/chunks/root.cjs"]) {
    assert.is(moduleSibling("../executor/main.ts", base).href, "file:///app/node_modules/jina-ts/dist/executor/main.js", base);
  }
});

test.run();
