/**
 * The flow's topology as the gateway walks it, parsed from Jina's graph description
 * `{ "start-gateway": ["a", "b"], "a": ["joiner"], "b": ["joiner"], "joiner": ["end-gateway"] }`.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * The graph's entry: the request as the client sent it.
 *
 * @example
 * ```ts
 * const graph = { [startGateway]: ["encoder"], encoder: [endGateway] };
 * ```
 */
export const startGateway = "start-gateway";
/**
 * The graph's exit: what is returned to the client.
 *
 * @example
 * ```ts
 * createTopologyGraph({ [startGateway]: ["a"], a: [endGateway] }).endIncoming; // ["a"]
 * ```
 */
export const endGateway = "end-gateway";

/**
 * One deployment in the graph.
 *
 * @example
 * ```ts
 * const joiner: GraphNode = createTopologyGraph(description).node("joiner");
 * joiner.incoming; // ["a", "b"]: it waits for two parts
 * ```
 */
export interface GraphNode {
  /** The deployment name. */
  readonly name: string;
  /** The nodes (or {@link startGateway}) this node waits for, in graph order: one part each. */
  readonly incoming: readonly string[];
  /** How many consumers get this node's output (successors, plus the end gateway). */
  readonly fanOut: number;
  /** False when no path leads from this node to {@link endGateway}: it is fired but not awaited. */
  readonly awaited: boolean;
}

/**
 * A validated topology: every node reachable from the start, no cycles, every edge to a known node.
 *
 * @example
 * ```ts
 * const graph = createTopologyGraph({ "start-gateway": ["a"], a: ["end-gateway"] });
 * graph.node("a").incoming; // ["start-gateway"]
 * ```
 */
export interface TopologyGraph {
  /** All deployment nodes, in the order they first appear in the description. */
  readonly nodes: readonly GraphNode[];
  /** What feeds the end gateway (nodes or {@link startGateway}), in graph order. */
  readonly endIncoming: readonly string[];
  /** How many consumers get the request as the client sent it. */
  readonly startFanOut: number;
  /** The node of that name; throws if there is none. */
  node(name: string): GraphNode;
}

/**
 * Parses and checks Jina's graph description. Throws a JinaError (InvalidArgument) naming the node when an edge
 * points to an unknown node, a node cannot be reached from `start-gateway`, or the graph has a cycle.
 *
 * @example
 * ```ts
 * const graph = createTopologyGraph({ "start-gateway": ["a", "b"], a: ["end-gateway"], b: [] });
 * graph.node("b").awaited; // false: b is floating
 * ```
 */
export function createTopologyGraph(description: Record<string, string[]>): TopologyGraph {
  if (typeof description !== "object" || description === null || !Array.isArray(description[startGateway])) {
    throw invalid(`the graph must have a "${startGateway}" entry listing the first deployments`);
  }
  const names: string[] = [];
  for (const [name, next] of Object.entries(description)) {
    if (!Array.isArray(next) || next.some((target) => typeof target !== "string")) {
      throw invalid(`the successors of "${name}" must be a list of node names`);
    }
    if (name === endGateway) throw invalid(`"${endGateway}" cannot have successors`);
    if (name !== startGateway) names.push(name);
  }
  const incoming = new Map<string, string[]>(names.map((name) => [name, []]));
  const endIncoming: string[] = [];
  for (const [from, next] of Object.entries(description)) {
    for (const to of new Set(next)) {
      if (to === endGateway) endIncoming.push(from);
      else if (incoming.has(to)) incoming.get(to)!.push(from);
      else throw invalid(`"${from}" leads to "${to}", which is not a node of the graph (known: ${names.join(", ") || "none"})`);
    }
  }
  if (endIncoming.length === 0) throw invalid(`no node leads to "${endGateway}": nothing would be returned`);
  checkAcyclicAndReachable(description, names);
  const awaited = reachingEnd(description, endIncoming);
  const fanOut = (name: string) => new Set(description[name] ?? []).size;
  const nodes = names.map((name): GraphNode => ({
    name,
    incoming: incoming.get(name)!,
    fanOut: fanOut(name),
    awaited: awaited.has(name),
  }));
  const byName = new Map(nodes.map((node) => [node.name, node]));
  return {
    nodes,
    endIncoming,
    startFanOut: fanOut(startGateway),
    node(name) {
      const node = byName.get(name);
      if (!node) throw invalid(`there is no node "${name}"`);
      return node;
    },
  };
}

function invalid(what: string): JinaError {
  return new JinaError(`Invalid graph description: ${what}`, ErrorCode.InvalidArgument);
}

function checkAcyclicAndReachable(description: Record<string, string[]>, names: string[]): void {
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]): void => {
    if (name === endGateway || state.get(name) === "done") return;
    if (state.get(name) === "visiting") throw invalid(`it has a cycle: ${[...path, name].join(" → ")}`);
    state.set(name, "visiting");
    for (const next of description[name] ?? []) visit(next, [...path, name]);
    state.set(name, "done");
  };
  visit(startGateway, []);
  const unreachable = names.filter((name) => !state.has(name));
  if (unreachable.length) throw invalid(`${unreachable.map((n) => `"${n}"`).join(", ")} cannot be reached from "${startGateway}"`);
}

function reachingEnd(description: Record<string, string[]>, endIncoming: string[]): Set<string> {
  const predecessors = new Map<string, string[]>();
  for (const [from, next] of Object.entries(description)) {
    for (const to of next) predecessors.set(to, [...(predecessors.get(to) ?? []), from]);
  }
  const seen = new Set<string>();
  const stack = [...endIncoming];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(predecessors.get(name) ?? []));
  }
  return seen;
}
