/**
 * What the graph walk needs to know of each deployment: its compiled `when` condition and `noReduce`.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { compileCondition } from "./conditions.ts";
import type { GatewayDeployment } from "./options.ts";
import type { WalkNodeOptions } from "./walk.ts";

/**
 * Each deployment's {@link WalkNodeOptions}, by name. Throws a JinaError (InvalidArgument) naming the deployment
 * when its `when` is malformed or `noReduce` is not a boolean.
 *
 * @example
 * ```ts
 * const nodes = createNodeOptions([{ name: "en", shards: [[transport]], when: { tags__lang: { $eq: "en" } } }]);
 * nodes.get("en")?.when; // the compiled condition
 * ```
 */
export function createNodeOptions(deployments: readonly GatewayDeployment[]): Map<string, WalkNodeOptions> {
  const nodes = new Map<string, WalkNodeOptions>();
  for (const { name, when, noReduce } of deployments) {
    if (noReduce !== undefined && typeof noReduce !== "boolean") {
      throw new JinaError(`noReduce of deployment "${name}" must be true or false, got ${JSON.stringify(noReduce)}`, ErrorCode.InvalidArgument);
    }
    nodes.set(name, {
      ...(when !== undefined ? { when: compileCondition(name, when) } : {}),
      ...(noReduce ? { noReduce } : {}),
    });
  }
  return nodes;
}
