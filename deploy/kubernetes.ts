/**
 * `flow.toKubernetesYaml(dir)`: Jina's Kubernetes export (shared/reference §7) for jina-ts images. Per unit (each
 * shard of each deployment, and its `usesBefore` / `usesAfter`) a ConfigMap, a headless Service and a Deployment
 * (a StatefulSet with PersistentVolumeClaims when it has `volumes`); then the gateway's ConfigMap, Services (one per
 * protocol) and Deployment, whose `--deployments-addresses` name the units' Service DNS names.
 *
 * Unlike Jina there is no head: our gateway fans out to shards itself (as it does locally), so it lists each
 * shard's Service. Services are headless (`clusterIP: None`): the name resolves to every ready pod, the gateway
 * resolves it to one replica per pod, balances over them and retries a failed call on another pod — no service
 * mesh needed (Jina's ClusterIP Services need Linkerd for that).
 *
 * @module
 */
import { stringify } from "yaml";
import type { Flow, FlowDescription } from "../flow/mod.ts";
import { ensureDir, getEnv, writeText } from "../runtime/mod.ts";
import { gatewayCommand, gatewayPorts } from "./gateway-args.ts";
import { type ExportOptions, type ExportUnit, defaultImage, exportUnits, toCompatibleName } from "./units.ts";

/**
 * The port every executor container serves gRPC on (Jina's `K8S_PORT`).
 *
 * @example
 * ```ts
 * `grpc://encoder.search.svc:${kubernetesPort}`; // what the gateway is given
 * ```
 */
export const kubernetesPort = 8080;
/**
 * The metrics port of containers with `monitoring` (Jina's `K8S_PORT_MONITORING`).
 *
 * @example
 * ```ts
 * `http://encoder-pod:${kubernetesMonitoringPort}/metrics`;
 * ```
 */
export const kubernetesMonitoringPort = 9090;

/**
 * Options of {@link kubernetesManifests} and `flow.toKubernetesYaml()`.
 *
 * @example
 * ```ts
 * const options: KubernetesOptions = { namespace: "search", image: "registry.example/search:1.2" };
 * ```
 */
export interface KubernetesOptions extends ExportOptions {
  /** The namespace of every object (default: the flow's name, else `default`). */
  namespace?: string;
}

/** A Kubernetes object as plain data. */
export type KubernetesObject = Record<string, unknown> & { apiVersion: string; kind: string };

/**
 * One file of the export: its path under the output folder and its objects (written as one multi-document YAML).
 *
 * @example
 * ```ts
 * const file: KubernetesFile = { path: "encoder/encoder.yml", objects: [configMap, service, deployment] };
 * ```
 */
export interface KubernetesFile {
  path: string;
  objects: KubernetesObject[];
}

/**
 * Every object of the export, file by file: `<deployment>/<unit>.yml` and `gateway/gateway.yml` (plus
 * `namespace.yml` creating a namespace other than `default`). Nothing is written.
 *
 * @example
 * ```ts
 * const files = kubernetesManifests(flow.describe(), { namespace: "search" });
 * files.map((file) => file.path); // ["namespace.yml", "encoder/encoder.yml", "indexer/indexer-0.yml", …, "gateway/gateway.yml"]
 * ```
 */
export function kubernetesManifests(description: FlowDescription, options: KubernetesOptions = {}): KubernetesFile[] {
  const namespace = toCompatibleName(options.namespace ?? description.options.name ?? "default");
  const units = exportUnits(description, options);
  const files: KubernetesFile[] = [];
  if (namespace !== "default") files.push({ path: "namespace.yml", objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }] });
  for (const unit of units) {
    files.push({ path: `${toCompatibleName(unit.deployment)}/${unit.name}.yml`, objects: executorObjects(unit, namespace) });
  }
  const address = (unit: ExportUnit) => [`grpc://${unit.name}.${namespace}.svc:${kubernetesPort}`];
  const args = gatewayCommand(description, units, address, { monitoringPort: kubernetesMonitoringPort });
  files.push({ path: "gateway/gateway.yml", objects: gatewayObjects(description, args, namespace, defaultImage(options)) });
  return files;
}

/**
 * Writes {@link kubernetesManifests} under `dir` (created if needed) and resolves with the paths written. Deploy
 * with `kubectl apply -R -f <dir>`.
 *
 * @example
 * ```ts
 * await toKubernetesYaml(flow, "k8s", { namespace: "search" });
 * ```
 */
export async function toKubernetesYaml(flow: Flow | FlowDescription, dir: string, options: KubernetesOptions = {}): Promise<string[]> {
  return writeKubernetesFiles(kubernetesManifests("describe" in flow ? flow.describe() : flow, options), dir);
}

/**
 * Writes files of {@link kubernetesManifests} under `dir` (each a multi-document YAML) and returns their paths.
 *
 * @example
 * ```ts
 * writeKubernetesFiles(kubernetesManifests(flow.describe()), "k8s");
 * ```
 */
export function writeKubernetesFiles(files: KubernetesFile[], dir: string): string[] {
  const written: string[] = [];
  for (const file of files) {
    const path = `${dir.replace(/\/+$/, "")}/${file.path}`;
    ensureDir(path.slice(0, path.lastIndexOf("/")));
    writeText(path, file.objects.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n"));
    written.push(path);
  }
  return written;
}

function configMap(name: string, namespace: string, data: Record<string, string>): KubernetesObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${name}-configmap`, namespace }, data };
}

function podEnv(deployment: string): Array<Record<string, unknown>> {
  const field = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
  return [
    { name: "POD_UID", ...field("metadata.uid") },
    { name: "JINA_DEPLOYMENT_NAME", value: deployment },
    { name: "K8S_DEPLOYMENT_NAME", value: deployment },
    { name: "K8S_NAMESPACE_NAME", ...field("metadata.namespace") },
    { name: "K8S_POD_NAME", ...field("metadata.name") },
  ];
}

/**
 * Kubernetes' wait between SIGTERM and SIGKILL for a pod whose command has `--grace-period MS`: 30 s (Kubernetes'
 * default), or more when the drain needs it (the grace period, the 2-s preStop sleep and 5 s to close).
 */
function terminationGraceSeconds(args: readonly string[]): number {
  const at = args.indexOf("--grace-period");
  const graceMs = at >= 0 ? Number(args[at + 1]) : 0;
  return Math.max(30, Math.ceil(graceMs / 1000) + 7);
}

function grpcProbes(port: number): Record<string, unknown> {
  return {
    startupProbe: { grpc: { port }, periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 120 },
    readinessProbe: { grpc: { port }, periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 2 },
    livenessProbe: { grpc: { port }, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 3 },
  };
}

function executorObjects(unit: ExportUnit, namespace: string): KubernetesObject[] {
  const labels = { app: unit.name, jina_deployment_name: unit.deployment.replace(/[^A-Za-z0-9_.-]/g, "-"), shard_id: String(unit.shardId), pod_type: "WORKER", ns: namespace };
  const ports = [{ name: "port", port: kubernetesPort, targetPort: kubernetesPort, protocol: "TCP" }];
  if (unit.monitoring) ports.push({ name: "monitoring", port: kubernetesMonitoringPort, targetPort: kubernetesMonitoringPort, protocol: "TCP" });
  const service: KubernetesObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: unit.name, namespace, labels: { app: unit.name } },
    spec: { clusterIP: "None", selector: { app: unit.name }, ports },
  };
  const volumes = unit.volumes.map((volume, index) => ({ name: `volume-${index}`, mountPath: volume.slice(volume.lastIndexOf(":") + 1) || volume }));
  const container = {
    name: "executor",
    image: unit.image,
    imagePullPolicy: "IfNotPresent",
    args: [
      ...unit.args,
      "--host", "0.0.0.0",
      "--port", String(kubernetesPort),
      ...(unit.monitoring ? ["--monitoring", "--port-monitoring", String(kubernetesMonitoringPort)] : []),
    ],
    ports: ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: "TCP" })),
    envFrom: [{ configMapRef: { name: `${unit.name}-configmap` } }],
    env: podEnv(unit.deployment),
    ...grpcProbes(kubernetesPort),
    lifecycle: { preStop: { exec: { command: ["sleep", "2"] } } },
    ...(unit.gpus ? { resources: { limits: { "nvidia.com/gpu": unit.gpus } } } : {}),
    ...(volumes.length ? { volumeMounts: volumes } : {}),
  };
  const template = {
    metadata: {
      labels,
      ...(unit.monitoring ? { annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(kubernetesMonitoringPort) } } : {}),
    },
    spec: { terminationGracePeriodSeconds: terminationGraceSeconds(unit.args), containers: [container] },
  };
  const workload: KubernetesObject = volumes.length
    ? {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: unit.name, namespace, labels },
      spec: {
        replicas: unit.replicas,
        serviceName: unit.name,
        selector: { matchLabels: { app: unit.name } },
        updateStrategy: { type: "RollingUpdate" },
        template,
        volumeClaimTemplates: volumes.map((volume) => ({
          metadata: { name: volume.name },
          spec: {
            accessModes: accessModes(),
            storageClassName: getEnv("JINA_K8S_STORAGE_CLASS_NAME") ?? "standard",
            resources: { requests: { storage: getEnv("JINA_K8S_STORAGE_CAPACITY") ?? "10G" } },
          },
        })),
      },
    }
    : {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: unit.name, namespace, labels },
      spec: {
        replicas: unit.replicas,
        selector: { matchLabels: { app: unit.name } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template,
      },
    };
  return [configMap(unit.name, namespace, unit.env), service, workload];
}

function accessModes(): string[] {
  const text = getEnv("JINA_K8S_ACCESS_MODES");
  if (!text) return ["ReadWriteOnce"];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((mode) => typeof mode === "string")) return parsed;
  } catch {
    // a plain "ReadWriteMany" is taken as one mode
  }
  return [text];
}

function gatewayObjects(description: FlowDescription, args: string[], namespace: string, image: string): KubernetesObject[] {
  const { protocols, ports } = gatewayPorts(description.options);
  const monitoring = description.options.monitoring === true;
  const labels = { app: "gateway", jina_deployment_name: "gateway", shard_id: "", pod_type: "GATEWAY", ns: namespace };
  const services: KubernetesObject[] = protocols.map((protocol, index) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: index === 0 ? "gateway" : `gateway-${index}-${protocol}`, namespace, labels: { app: "gateway" } },
    spec: {
      type: "ClusterIP",
      selector: { app: "gateway" },
      ports: [
        { name: "port", port: ports[index]!, targetPort: ports[index]!, protocol: "TCP" },
        ...(index === 0 && monitoring ? [{ name: "monitoring", port: kubernetesMonitoringPort, targetPort: kubernetesMonitoringPort, protocol: "TCP" }] : []),
      ],
    },
  }));
  const grpcIndex = protocols.indexOf("grpc");
  const probes = grpcIndex >= 0
    ? grpcProbes(ports[grpcIndex]!)
    : {
      startupProbe: { httpGet: { path: "/", port: ports[0]! }, periodSeconds: 5, failureThreshold: 120 },
      readinessProbe: { httpGet: { path: "/", port: ports[0]! }, periodSeconds: 5 },
      livenessProbe: { httpGet: { path: "/", port: ports[0]! }, periodSeconds: 10, timeoutSeconds: 10 },
    };
  const deployment: KubernetesObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "gateway", namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "gateway" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels,
          ...(monitoring ? { annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(kubernetesMonitoringPort) } } : {}),
        },
        spec: {
          terminationGracePeriodSeconds: terminationGraceSeconds(args),
          containers: [{
            name: "gateway",
            image,
            imagePullPolicy: "IfNotPresent",
            args,
            ports: [
              ...ports.map((port, index) => ({ name: `port-${index}`, containerPort: port, protocol: "TCP" })),
              ...(monitoring ? [{ name: "monitoring", containerPort: kubernetesMonitoringPort, protocol: "TCP" }] : []),
            ],
            envFrom: [{ configMapRef: { name: "gateway-configmap" } }],
            env: podEnv("gateway"),
            ...probes,
            lifecycle: { preStop: { exec: { command: ["sleep", "2"] } } },
          }],
        },
      },
    },
  };
  return [configMap("gateway", namespace, { JINA_LOG_LEVEL: "INFO", ...description.options.env }), ...services, deployment];
}
