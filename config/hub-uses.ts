/**
 * Jina Hub and container `uses` (`jinahub://`, `jinaai://`, `docker://`, …): jina-ts has no Hub client, pulls
 * nothing over the network and runs no containers, so they are refused up front with one clear message, wherever
 * they appear (Flow YAML, `flow.add()`, `jina-ts executor --uses`).
 *
 * @module
 */

const hubPattern = /^(docker|jinahub|jinahub\+docker|jinahub\+sandbox|jinaai|jinaai\+docker|jinaai\+sandbox):\/\//;

/**
 * Whether `uses` names a Jina Hub or docker executor.
 *
 * @example
 * ```ts
 * isHubUses("jinahub://SimpleIndexer"); // true
 * isHubUses("./indexer.ts#Indexer"); // false
 * ```
 */
export function isHubUses(uses: unknown): boolean {
  return typeof uses === "string" && hubPattern.test(uses);
}

/**
 * Why a Hub or docker `uses` cannot run, and what to give instead.
 *
 * @example
 * ```ts
 * throw new JinaError(hubUsesMessage("jinahub://SimpleIndexer"), ErrorCode.InvalidArgument);
 * ```
 */
export function hubUsesMessage(uses: string): string {
  return `uses "${uses}": Jina Hub and docker executors cannot run in jina-ts (it has no Hub client, downloads nothing ` +
    `over the network and runs no containers); write the executor in TypeScript and give "./file.ts#Class" or an Executor YAML`;
}
