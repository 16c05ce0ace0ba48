/**
 * `targetExecutor`: a regular expression matched at the start of each node's name (Python's `re.match`).
 * Nodes that do not match pass the request through untouched.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * Compiles a `targetExecutor` pattern into a predicate over node names; undefined or "" targets every node.
 * Throws a JinaError (InvalidArgument) naming the pattern when it is not a valid regular expression.
 *
 * @example
 * ```ts
 * const targets = targetMatcher("enc");
 * targets("encoder"); // true
 * targets("ranker-enc"); // false (anchored at the start)
 * ```
 */
/** The matcher of a request without `targetExecutor` (one function, not one per request). */
const matchesAll = (): boolean => true;

export function targetMatcher(pattern: string | undefined): (node: string) => boolean {
  if (!pattern) return matchesAll;
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${pattern})`);
  } catch (error) {
    throw new JinaError(
      `targetExecutor ${JSON.stringify(pattern)} is not a valid regular expression (${(error as Error).message}): it must be a regex of executor names, e.g. "encoder|indexer"`,
      ErrorCode.InvalidArgument,
      { cause: error },
    );
  }
  return (node) => regex.test(node);
}
