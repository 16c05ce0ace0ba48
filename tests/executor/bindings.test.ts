import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DocumentArray } from "../../docarray/mod.ts";
import { bindRequests, endpointsOf, Executor, type ExecutorOptions, handlerNameOf, isExecutorClass, requests } from "../../executor/mod.ts";
import { JinaError } from "../../proto/errors.ts";
import { Upper } from "./fixtures/executors.ts";

class Base extends Executor {
  @requests("/index")
  index() {}

  @requests(["/search", "/find"])
  search() {}

  @requests
  other() {}
}

class Child extends Base {
  @requests("/search")
  betterSearch() {}

  override index() {}
}

class Plain extends Executor {
  encode({ docs }: { docs: DocumentArray }) {
    return { n: docs.length };
  }

  store() {}
}
bindRequests(Plain, { "/encode": "encode", "/store": "store" });

class PlainChild extends Plain {
  more() {}
}
bindRequests(PlainChild, { "/store": "more" });

test("@requests('/x'), @requests([...]) and bare @requests bind their endpoints; _jina_dry_run_ is always bound", () => {
  const base = new Base();
  assert.equal(endpointsOf(base).sort(), ["/default", "/find", "/index", "/search", "_jina_dry_run_"]);
  assert.is(handlerNameOf(base, "/index"), "index");
  assert.is(handlerNameOf(base, "/find"), "search");
  assert.is(handlerNameOf(base, "/default"), "other");
  assert.is(handlerNameOf(base, "_jina_dry_run_"), null);
  assert.equal(endpointsOf(new Upper()).sort(), ["/count", "/default", "/index", "/tally", "_jina_dry_run_"]);
});

test("an unbound endpoint falls back to /default, or to nothing when there is none", () => {
  assert.is(handlerNameOf(new Base(), "/unknown"), "other");
  assert.is(handlerNameOf(new Plain(), "/unknown"), undefined);
});

test("handlers are inherited from parent classes and a subclass may rebind an endpoint", () => {
  const child = new Child();
  assert.is(handlerNameOf(child, "/index"), "index");
  assert.is(handlerNameOf(child, "/search"), "betterSearch");
  assert.is(handlerNameOf(child, "/find"), "search");
  assert.is(handlerNameOf(new Base(), "/search"), "search", "the parent keeps its own binding");
});

test("bindRequests binds without decorators, inherited and overridable", () => {
  assert.is(handlerNameOf(new Plain(), "/encode"), "encode");
  assert.is(handlerNameOf(new Plain(), "/store"), "store");
  assert.is(handlerNameOf(new PlainChild(), "/store"), "more");
  assert.is(handlerNameOf(new PlainChild(), "/encode"), "encode");
  assert.throws(() => bindRequests(Plain, { "": "encode" }), /non-empty string/);
});

test("requests (uses_requests) re-binds endpoints and removes the method's previous endpoints", () => {
  const executor = new Base({ requests: { "/embed": "index", "/find": "other" } });
  assert.is(handlerNameOf(executor, "/embed"), "index");
  assert.is(handlerNameOf(executor, "/index"), undefined, "no /index and no /default any more");
  assert.ok(!endpointsOf(executor).includes("/index"), "/index was index's endpoint and is gone");
  assert.ok(!endpointsOf(executor).includes("/default"), "/default was other's endpoint and is gone");
  assert.is(handlerNameOf(executor, "/find"), "other");
  assert.is(handlerNameOf(executor, "/search"), "search");
  assert.is(handlerNameOf(new Base(), "/index"), "index", "other instances keep the class bindings");
});

test("requests naming a missing method throws a JinaError naming the class, endpoint and method", () => {
  try {
    new Base({ requests: { "/x": "nope" } });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, JinaError);
    assert.match((error as Error).message, /Base/);
    assert.match((error as Error).message, /"\/x"/);
    assert.match((error as Error).message, /"nope"/);
  }
});

test("metas.name defaults to the class name; runtimeArgs default to one shard and one replica", () => {
  const executor = new Upper();
  assert.is(executor.metas.name, "Upper");
  assert.equal(executor.runtimeArgs, { name: "Upper", shardId: 0, shards: 1, replicas: 1 });
  const named = new Upper({ metas: { name: "up", description: "d" }, runtimeArgs: { name: "up/rep-1", shardId: 2, shards: 3 } });
  assert.is(named.metas.name, "up");
  assert.is(named.metas.description, "d");
  assert.equal(named.runtimeArgs, { name: "up/rep-1", shardId: 2, shards: 3, replicas: 1 });
});

test("usesWith values reach the subclass constructor at the top level of the options", () => {
  class WithDim extends Executor {
    readonly dim: number;
    constructor(options: ExecutorOptions & { dim?: number } = {}) {
      super(options);
      this.dim = options.dim ?? 0;
    }
  }
  assert.is(new WithDim({ dim: 64, metas: { name: "w" } }).dim, 64);
});

test("workspace is <runtimeArgs.workspace ?? metas.workspace>/<name>/<shardId>, absolute, created on access", () => {
  const root = mkdtempSync(join(tmpdir(), "jina-ts-ws-"));
  try {
    const fromMetas = new Upper({ metas: { name: "enc", workspace: join(root, "m") } });
    assert.is(fromMetas.workspace, join(root, "m", "enc", "0"));
    assert.ok(existsSync(join(root, "m", "enc", "0")));
    const fromRuntime = new Upper({ metas: { name: "enc", workspace: join(root, "m") }, runtimeArgs: { workspace: join(root, "r"), shardId: 1 } });
    assert.is(fromRuntime.workspace, join(root, "r", "enc", "1"));
    assert.ok(existsSync(join(root, "r", "enc", "1")));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("isExecutorClass tells Executor subclasses from other values", () => {
  assert.ok(isExecutorClass(Executor));
  assert.ok(isExecutorClass(Child));
  assert.not.ok(isExecutorClass(Map));
  assert.not.ok(isExecutorClass(new Upper()));
});

test.run();
