import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createTopologyGraph } from "../../gateway/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";

test("a diamond: each node lists its parts in graph order and every node is awaited", () => {
  const graph = createTopologyGraph({
    "start-gateway": ["encoder"],
    encoder: ["a", "b"],
    a: ["joiner"],
    b: ["joiner"],
    joiner: ["end-gateway"],
  });
  assert.equal(graph.nodes.map((node) => node.name), ["encoder", "a", "b", "joiner"]);
  assert.equal(graph.node("joiner").incoming, ["a", "b"]);
  assert.equal(graph.node("encoder").incoming, ["start-gateway"]);
  assert.is(graph.node("encoder").fanOut, 2);
  assert.equal(graph.endIncoming, ["joiner"]);
  assert.ok(graph.nodes.every((node) => node.awaited));
});

test("dead ends other than the end gateway are floating, and so is everything only they lead to", () => {
  const graph = createTopologyGraph({
    "start-gateway": ["main", "logger"],
    main: ["end-gateway", "audit"],
    logger: ["archive"],
    archive: [],
    audit: [],
  });
  assert.equal(graph.nodes.filter((node) => node.awaited).map((node) => node.name), ["main"]);
  assert.equal(graph.nodes.filter((node) => !node.awaited).map((node) => node.name), ["logger", "archive", "audit"]);
  assert.is(graph.startFanOut, 2);
});

test("start-gateway straight to end-gateway is a valid empty flow", () => {
  const graph = createTopologyGraph({ "start-gateway": ["end-gateway"] });
  assert.equal(graph.nodes, []);
  assert.equal(graph.endIncoming, ["start-gateway"]);
});

const invalid: [string, Record<string, string[]>, RegExp][] = [
  ["no start", { a: ["end-gateway"] } as Record<string, string[]>, /"start-gateway" entry/],
  ["unknown target", { "start-gateway": ["a"], a: ["b"] }, /"a" leads to "b", which is not a node/],
  ["nothing reaches the end", { "start-gateway": ["a"], a: [] }, /no node leads to "end-gateway"/],
  ["a cycle", { "start-gateway": ["a"], a: ["b"], b: ["a", "end-gateway"] }, /cycle: start-gateway → a → b → a/],
  ["unreachable node", { "start-gateway": ["a"], a: ["end-gateway"], b: ["end-gateway"] }, /"b" cannot be reached/],
  ["successors not a list", { "start-gateway": "a" as unknown as string[] }, /"start-gateway" entry/],
];
for (const [name, description, message] of invalid) {
  test(`an invalid graph is rejected naming the problem: ${name}`, () => {
    try {
      createTopologyGraph(description);
      assert.unreachable("should throw");
    } catch (error) {
      assert.instance(error, JinaError);
      assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
      assert.match((error as Error).message, message);
    }
  });
}

test.run();
