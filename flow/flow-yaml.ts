/**
 * Between a Flow and its YAML: the deployments and options a loaded Flow YAML gives, and the configuration a Flow
 * saves (its options as given and each deployment as added, `uses` as module specifiers or executor specs).
 *
 * @module
 */
import type { DeploymentConfig, FlowConfig, FlowConfigOptions } from "../config/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { moduleSpecifierOf } from "../executor/mod.ts";
import type { DeploymentOptions, FlowOptions } from "./options.ts";

/** How a deployment joined the flow: `add()`, `needs()` (a joiner) or `inspect()`. */
export type JoinMethod = "add" | "needs" | "inspect";

/** A deployment as the user added it (before flow-level defaults), for `save()`. */
export interface AddedDeployment {
  method: JoinMethod;
  options: DeploymentOptions;
}

/** The part of a Flow that a YAML file fills in. */
export interface FlowBuilder {
  add(options: DeploymentOptions): unknown;
  needs(needs: string | string[], options: DeploymentOptions): unknown;
  inspect(options: DeploymentOptions): unknown;
}

/**
 * The Flow options of a loaded Flow YAML (`with:` and `gateway:` merged).
 *
 * @example
 * ```ts
 * new Flow(flowOptionsOf(await loadFlowConfig("flow.yml")));
 * ```
 */
export function flowOptionsOf(config: FlowConfig): FlowOptions {
  return config.options as FlowOptions;
}

/**
 * Adds a loaded Flow YAML's deployments to a flow, each as its `method` says.
 *
 * @example
 * ```ts
 * addDeployments(flow, config.deployments, config);
 * ```
 */
export function addDeployments(flow: FlowBuilder, deployments: readonly DeploymentConfig[], config: Pick<FlowConfig, "errorAt" | "deploymentsKey"> = {}): void {
  for (const [index, { method, ...rest }] of deployments.entries()) {
    const options = rest as DeploymentOptions;
    try {
      if (method === "needs") flow.needs(options.needs ?? "gateway", options);
      else if (method === "inspect") {
        const { needs: _needs, floating: _floating, ...inspected } = options;
        flow.inspect(inspected);
      } else flow.add(options);
    } catch (error) {
      // What add() refuses (a reserved name, an external deployment without host or port, an unknown `when`
      // operator, …) is reported at the deployment's line in the YAML.
      throw config.errorAt ? config.errorAt([config.deploymentsKey ?? "executors", index], JinaError.from(error)) : error;
    }
  }
}

const usesFields = ["uses", "usesBefore", "usesAfter"] as const;

/**
 * The deployments with each class `uses` (`usesBefore`, `usesAfter`) replaced by `"<file>#<export>"` when the
 * module that declared its `@requests` / `bindRequests` exports it (see `moduleSpecifierOf`); classes of the
 * files in `skip` (the script saving the flow) and classes whose module is unknown stay classes.
 *
 * @example
 * ```ts
 * const added = await withClassModules(flowAdded, [callerFile()]); // uses: Encoder → "/app/encoder.ts#Encoder"
 * ```
 */
export async function withClassModules(added: readonly AddedDeployment[], skip: readonly (string | undefined)[]): Promise<AddedDeployment[]> {
  return await Promise.all(added.map(async ({ method, options }) => {
    const resolved = { ...options };
    for (const field of usesFields) {
      const uses = options[field];
      if (typeof uses === "function") resolved[field] = (await moduleSpecifierOf(uses, skip)) ?? uses;
    }
    return { method, options: resolved };
  }));
}

/**
 * What `flow.save()` writes: the flow's options as given and its deployments as added. A class `uses` cannot be
 * written (see {@link withClassModules} first): the error names the deployment and says to use `"./file.ts#Class"`.
 *
 * @example
 * ```ts
 * saveFlowConfig(configOfFlow(options, added), "flow.yml");
 * ```
 */
export function configOfFlow(options: FlowOptions, added: readonly AddedDeployment[]): { options: FlowConfigOptions; deployments: DeploymentConfig[] } {
  const deployments = added.map(({ method, options: deployment }) => {
    for (const field of usesFields) {
      if (typeof deployment[field] === "function") {
        throw new JinaError(
          `Cannot save deployment "${deployment.name}": its ${field} is a class (${(deployment[field] as { name: string }).name}) ` +
            `that no module known to jina-ts exports (a class declared in the script that saves the flow, or not exported); ` +
            `export it from a module of its own, or give it as "./file.ts#Class", to save the flow as YAML`,
          ErrorCode.FailedPrecondition,
        );
      }
    }
    return { ...deployment, method } as DeploymentConfig;
  });
  return { options: options as FlowConfigOptions, deployments };
}
