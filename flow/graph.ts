/**
 * Turns the deployments of a Flow into Jina's graph description: `{"start-gateway": [...], "a": ["b"], ...}`.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

/** The graph's entry node. */
export const startGateway = "start-gateway";
/** The graph's exit node. */
export const endGateway = "end-gateway";

/** What the graph needs to know of a deployment. */
export interface GraphNode {
  name: string;
  /** Resolved needs; `"gateway"` means the gateway's entry. */
  needs: string[];
  floating: boolean;
}

/**
 * Builds Jina's graph description. Each deployment's `needs` become edges; `"gateway"` maps to `start-gateway`;
 * only the last non-floating deployment feeds `end-gateway`, so other dead ends are floating.
 *
 * @example
 * ```ts
 * buildGraphDescription([{ name: "a", needs: ["gateway"], floating: false }]);
 * // { "start-gateway": ["a"], "a": ["end-gateway"] }
 * ```
 */
export function buildGraphDescription(nodes: GraphNode[]): Record<string, string[]> {
  const graph: Record<string, string[]> = { [startGateway]: [] };
  for (const node of nodes) graph[node.name] = [];
  for (const node of nodes) {
    for (const need of node.needs) {
      const from = need === "gateway" ? startGateway : need;
      graph[from]!.push(node.name);
    }
  }
  const last = nodes.findLast((node) => !node.floating);
  if (last) graph[last.name]!.push(endGateway);
  else graph[startGateway]!.push(endGateway);
  return graph;
}

/**
 * Checks a deployment's `needs` against the deployments added before it and returns them as a list without
 * repeats. Unknown names are an error naming both deployments.
 */
export function resolveNeeds(name: string, needs: string | string[], earlier: string[]): string[] {
  const list = Array.isArray(needs) ? needs : [needs];
  if (list.length === 0) {
    throw new JinaError(`Deployment "${name}": needs is an empty list; name at least one deployment or "gateway"`, ErrorCode.InvalidArgument);
  }
  for (const need of list) {
    if (need !== "gateway" && !earlier.includes(need)) {
      throw new JinaError(
        `Deployment "${name}" needs "${need}", which is not in the flow: add "${need}" first (known: ${["gateway", ...earlier].join(", ")})`,
        ErrorCode.InvalidArgument,
      );
    }
  }
  return [...new Set(list)];
}
