/**
 * Checks a deployment's options when it is added to a Flow (so mistakes surface at `add()`, naming the
 * deployment and the option) and brings `polling` to its one canonical form.
 *
 * @module
 */
import { isExecutorSpec } from "../config/executor-spec.ts";
import { hubUsesMessage, isHubUses } from "../config/hub-uses.ts";
import { compileQuery, type QueryFilter } from "../docarray/query.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { checkGracePeriod } from "../proto/server/mod.ts";
import type { DeploymentOptions, Uses } from "./options.ts";

type Polling = NonNullable<DeploymentOptions["polling"]>;

const pollingHint = `use "ANY", "ALL" or a map of endpoint to "ANY" / "ALL" such as { "/search": "ALL", "*": "ANY" }`;

function invalid(deployment: string, message: string): JinaError {
  return new JinaError(`Deployment "${deployment}": ${message}`, ErrorCode.InvalidArgument);
}

function pollingValue(deployment: string, value: unknown, where: string): "ANY" | "ALL" {
  const upper = typeof value === "string" ? value.toUpperCase() : undefined;
  if (upper === "ANY" || upper === "ALL") return upper;
  throw invalid(deployment, `polling${where} must be "ANY" or "ALL", got ${JSON.stringify(value)}`);
}

/**
 * Checks `polling` and returns it upper-cased: `"ANY"`, `"ALL"`, or a map endpoint → `"ANY"` / `"ALL"`. A JSON
 * string of the map (Jina's `--polling '{"/search": "ALL"}'`) is parsed. Values are case-insensitive.
 *
 * @example
 * ```ts
 * checkPolling("indexer", { "/search": "all" }); // { "/search": "ALL" }
 * checkPolling("indexer", { "/search": "SOME" }); // throws: Deployment "indexer": polling for endpoint "/search" must be ...
 * ```
 */
export function checkPolling(deployment: string, polling: unknown): Polling {
  let value = polling;
  if (typeof value === "string" && value.trim().startsWith("{")) {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw invalid(deployment, `polling is not valid JSON (${(error as Error).message}); ${pollingHint}`);
    }
  }
  if (typeof value === "string") return pollingValue(deployment, value, "");
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(deployment, `polling must be "ANY", "ALL" or a map, got ${JSON.stringify(value)}; ${pollingHint}`);
  }
  return Object.fromEntries(
    Object.entries(value).map(([endpoint, mode]) => [endpoint, pollingValue(deployment, mode, ` for endpoint "${endpoint}"`)]),
  );
}

/**
 * Checks `when`: a DocArray query object such as `{ "tags__lang": { "$eq": "en" } }`.
 *
 * @example
 * ```ts
 * checkWhen("english", { tags__lang: { $eq: "en" } }); // ok
 * checkWhen("english", "lang == en"); // throws: Deployment "english": when must be an object ...
 * ```
 */
export function checkWhen(deployment: string, when: unknown): void {
  if (typeof when !== "object" || when === null || Array.isArray(when)) {
    throw invalid(
      deployment,
      `when must be an object (a DocArray query such as { "tags__lang": { "$eq": "en" } }), got ${JSON.stringify(when)}`,
    );
  }
  compileQuery(when as QueryFilter, `when of deployment "${deployment}"`); // an unknown operator fails at add(), not at the first request
}

/**
 * Checks that an external deployment says where it runs (`host` and `port`).
 *
 * @example
 * ```ts
 * checkExternal("remote", { external: true, host: "10.0.0.5", port: 8081 });
 * ```
 */
export function checkExternal(deployment: string, options: Pick<DeploymentOptions, "external" | "host" | "port">): void {
  const ports = Array.isArray(options.port) ? options.port : options.port === undefined ? [] : [options.port];
  if (options.external && (!options.host || ports.length === 0)) {
    throw new JinaError(`Deployment "${deployment}" is external: give host and port (e.g. { external: true, host: "10.0.0.5", port: 8081 })`, ErrorCode.InvalidArgument);
  }
}

function checkUses(deployment: string, option: string, uses: Uses | undefined): void {
  if (uses === undefined || typeof uses === "function" || isExecutorSpec(uses)) return;
  if (typeof uses !== "string" || uses.trim() === "") {
    throw invalid(deployment, `${option} must be an Executor class, "./file.ts#ClassName" or { jtype, with }, got ${JSON.stringify(uses)}`);
  }
  if (isHubUses(uses)) throw invalid(deployment, `${option}: ${hubUsesMessage(uses as string)}`);
}

function checkBoolean(deployment: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw invalid(deployment, `${option} must be true or false, got ${JSON.stringify(value)}`);
  }
}

function checkPorts(deployment: string, option: string, value: unknown): void {
  if (value === undefined) return;
  const ports = Array.isArray(value) ? value : [value];
  if (!ports.every((port) => Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw invalid(deployment, `${option} must be a port (0–65535; 0: a free one) or a list of them, got ${JSON.stringify(value)}`);
  }
}

/**
 * Checks the options of deployment `name` that `Flow.add()` does not resolve itself (`uses`, `usesBefore`,
 * `usesAfter`, `polling`, `when`, `noReduce`, `floating`, `external`, `monitoring`, `portMonitoring`, `gracePeriod`) and returns them with `polling` in its
 * canonical form.
 *
 * @example
 * ```ts
 * checkDeploymentOptions("indexer", { shards: 2, polling: "all" }).polling; // "ALL"
 * ```
 */
export function checkDeploymentOptions(name: string, options: DeploymentOptions): DeploymentOptions {
  checkUses(name, "uses", options.uses);
  checkUses(name, "usesBefore", options.usesBefore);
  checkUses(name, "usesAfter", options.usesAfter);
  if (options.when !== undefined) checkWhen(name, options.when);
  checkBoolean(name, "noReduce", options.noReduce);
  checkBoolean(name, "floating", options.floating);
  checkBoolean(name, "external", options.external);
  checkExternal(name, options);
  checkBoolean(name, "monitoring", options.monitoring);
  checkBoolean(name, "inProcess", options.inProcess);
  checkPorts(name, "portMonitoring", options.portMonitoring);
  checkGracePeriod(options.gracePeriod, `Deployment "${name}": `);
  return options.polling === undefined ? { ...options } : { ...options, polling: checkPolling(name, options.polling) };
}
