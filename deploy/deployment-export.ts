/**
 * One executor deployment exported on its own (Jina's `Deployment.to_kubernetes_yaml`): its ConfigMap, headless
 * Service and Deployment (per shard), and the gateway in front of it only when asked. `Executor` itself has no
 * such method here: `executor/` must not depend on `deploy/` (which reads flows), so this takes the deployment's
 * options instead.
 *
 * @module
 */
import { Flow, type DeploymentOptions } from "../flow/mod.ts";
import { kubernetesManifests, type KubernetesOptions, writeKubernetesFiles } from "./kubernetes.ts";

/**
 * Writes the Kubernetes objects of one deployment under `dir` and resolves with the files written; with
 * `includeGateway` the gateway's too (then it is a complete, one-executor flow).
 *
 * @example
 * ```ts
 * await deploymentToKubernetesYaml({ name: "encoder", uses: "./encoder.ts#Encoder", replicas: 3 }, "k8s", { namespace: "search" });
 * // ["k8s/namespace.yml", "k8s/encoder/encoder.yml"]
 * ```
 */
export async function deploymentToKubernetesYaml(
  deployment: DeploymentOptions,
  dir: string,
  options: KubernetesOptions & { includeGateway?: boolean } = {},
): Promise<string[]> {
  const { includeGateway = false, ...rest } = options;
  const files = kubernetesManifests(new Flow().add(deployment).describe(), rest);
  return writeKubernetesFiles(includeGateway ? files : files.filter((file) => !file.path.startsWith("gateway/")), dir);
}
