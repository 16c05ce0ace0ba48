/**
 * Exports of a built Flow (it is never started here): Jina's mermaid flowchart and its SVG, Kubernetes objects,
 * a docker-compose file, and a Dockerfile for a project's image.
 *
 * @example
 * ```ts
 * import { Flow } from "jina-ts";
 * import { kubernetesManifests, toMermaid } from "jina-ts/deploy";
 * const flow = new Flow({ name: "search" }).add({ name: "encoder", uses: "./encoder.ts#Encoder", replicas: 2 });
 * console.log(toMermaid(flow), kubernetesManifests(flow.describe()).map((file) => file.path));
 * ```
 *
 * @module
 */
export { toMermaid } from "./mermaid.ts";
export { mermaidToSvg } from "./svg.ts";
export { plotFlow } from "./plot.ts";
export { kubernetesManifests, kubernetesMonitoringPort, kubernetesPort, toKubernetesYaml, writeKubernetesFiles } from "./kubernetes.ts";
export { deploymentToKubernetesYaml } from "./deployment-export.ts";
export { dockerfileText, dockerignoreText } from "./dockerfile.ts";
export { composeMonitoringPort, composePort, dockerComposeSpec, toDockerComposeYaml } from "./docker-compose.ts";
export { containerWorkspace, defaultImage, exportUnits, toCompatibleName } from "./units.ts";
export { gatewayCommand, gatewayPorts } from "./gateway-args.ts";

export type { MermaidOptions } from "./mermaid.ts";
export type { KubernetesFile, KubernetesObject, KubernetesOptions } from "./kubernetes.ts";
export type { DockerComposeOptions } from "./docker-compose.ts";
export type { ExportOptions, ExportUnit } from "./units.ts";
export type { DockerfileOptions } from "./dockerfile.ts";
export type { UnitAddresses } from "./gateway-args.ts";
