/**
 * Flows: a DAG of Deployments (shards × replicas of an Executor) behind a Gateway, run in this process or one
 * process per replica.
 *
 * @example
 * ```ts
 * import { Flow } from "jina-ts";
 * await using flow = await new Flow({ protocol: "http" }).add({ name: "encoder", uses: Encoder }).start();
 * ```
 *
 * @module
 */
export { AsyncFlow } from "./flow.ts";
export { Flow } from "./flow.ts";
export { buildGraphDescription } from "./graph.ts";

export type { FlowInputs } from "./flow.ts";
export type { DeploymentOptions, FlowDescription, FlowOptions, Protocol, Uses } from "./options.ts";
export type { RunningReplica } from "./replica.ts";
export type { ResolvedDeployment, RunningDeployment } from "./deployment.ts";
export type { RollingUpdateOptions } from "./scale.ts";
