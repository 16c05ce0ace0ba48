/**
 * `flow.save()` with classes as `uses` (issue 10): a class whose `@requests` (or `bindRequests`) were declared in a
 * module that exports it is written as `./file.ts#Class`, and loads back as that module; a class declared in the
 * saving script, or exported by no module, keeps the clear error.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type DocumentArray, Executor, Flow, requests } from "../../mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { rejection } from "../_setup.ts";
import { Encoder, MergeAfter } from "./fixtures/executors.ts";
import { Bound } from "./fixtures/bound.ts";

/** Declared here, in the script that saves: it cannot be written as this file's export. */
export class Local extends Executor {
  @requests()
  run({ docs }: { docs: DocumentArray }) {
    void docs;
  }
}

/** A subclass without decorators of a class from another module: that module does not export it. */
class Derived extends Encoder {}

const fixtures = resolve("tests/flow/fixtures");

test("classes from modules that export them are saved as ./file.ts#Class and load back as those modules", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-ts-save-class-"));
  try {
    const path = join(dir, "flow.yml");
    await new Flow()
      .add({ name: "encoder", uses: Encoder })
      .add({ name: "bound", uses: Bound })
      .add({ name: "indexer", uses: "./tests/flow/fixtures/executors.ts#ShardIndexer", shards: 2, usesAfter: MergeAfter })
      .save(path);
    const text = readFileSync(path, "utf8");
    assert.match(text, /uses: .*tests\/flow\/fixtures\/executors\.ts#Encoder/);
    assert.match(text, /uses: .*tests\/flow\/fixtures\/bound\.ts#Bound/);
    assert.match(text, /uses_after: .*tests\/flow\/fixtures\/executors\.ts#MergeAfter/);
    const loaded = (await Flow.load(path)).describe().deployments.map((deployment) => [deployment.name, deployment.options.uses, deployment.options.usesAfter]);
    assert.equal(loaded, [
      ["encoder", `${fixtures}/executors.ts#Encoder`, undefined],
      ["bound", `${fixtures}/bound.ts#Bound`, undefined],
      ["indexer", `${fixtures}/executors.ts#ShardIndexer`, `${fixtures}/executors.ts#MergeAfter`],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a class declared in the saving script, or exported by no module, is a clear error naming the deployment", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-ts-save-class-"));
  try {
    for (const [name, uses] of [["local", Local], ["derived", Derived]] as const) {
      const error = await rejection(new Flow().add({ name, uses }).save(join(dir, "flow.yml")));
      assert.is(error.code, ErrorCode.FailedPrecondition);
      assert.match(error.message, new RegExp(`Cannot save deployment "${name}": its uses is a class \\(${uses.name}\\) that no module known to jina-ts exports`));
      assert.match(error.message, /give it as "\.\/file\.ts#Class"/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
