/**
 * `flow.toDockerComposeYaml(path)`: Jina's docker-compose export (shared/reference §7) for jina-ts images: one
 * service per replica of each shard (`encoder`, `encoder-rep-1`, `indexer-0-rep-0`, …) and per `usesBefore` /
 * `usesAfter`, each serving on 8081 with a healthcheck (`jina-ts ping executor`), its env and a workspace
 * volume; the gateway lists every replica service in `--deployments-addresses` (it balances and retries across
 * them itself) and publishes its ports.
 *
 * @module
 */
import { stringify } from "yaml";
import type { Flow, FlowDescription } from "../flow/mod.ts";
import { ensureDir, writeText } from "../runtime/mod.ts";
import { gatewayCommand, gatewayPorts } from "./gateway-args.ts";
import { containerWorkspace, defaultImage, type ExportOptions, type ExportUnit, exportUnits } from "./units.ts";

/**
 * The port every executor service serves gRPC on (Jina's compose port).
 *
 * @example
 * ```ts
 * `grpc://encoder-rep-0:${composePort}`; // what the gateway is given
 * ```
 */
export const composePort = 8081;
/**
 * The metrics port of services with `monitoring`.
 *
 * @example
 * ```ts
 * `http://encoder-rep-0:${composeMonitoringPort}/metrics`;
 * ```
 */
export const composeMonitoringPort = 9090;

/**
 * Options of {@link dockerComposeSpec} and `flow.toDockerComposeYaml()`.
 *
 * @example
 * ```ts
 * const options: DockerComposeOptions = { networkName: "search", includeGateway: true };
 * ```
 */
export interface DockerComposeOptions extends ExportOptions {
  /** The bridge network every service joins (default `jina-network`). */
  networkName?: string;
  /** Add the gateway service (default true). */
  includeGateway?: boolean;
}

/** One compose service per replica of a unit (Jina's names): `encoder`, or `encoder-rep-<r>` with several. */
function replicasOf(unit: ExportUnit): Array<{ service: string; pod: string }> {
  return unit.pods.map((pod, r) => ({ service: unit.pods.length === 1 ? unit.name : `${unit.name}-rep-${r}`, pod }));
}

/** Compose interpolates `$VAR` in every string: `$$` keeps a literal `$` (conditions like `{"$eq": …}`). */
function escapeDollars(args: string[]): string[] {
  return args.map((arg) => arg.replaceAll("$", "$$$$"));
}

/**
 * The compose file as data (`version`, `networks`, `volumes`, `services`). Nothing is written.
 *
 * @example
 * ```ts
 * const spec = dockerComposeSpec(flow.describe());
 * Object.keys(spec.services as object); // ["encoder-rep-0", "encoder-rep-1", "indexer-0", "indexer-1", "gateway"]
 * ```
 */
export function dockerComposeSpec(description: FlowDescription, options: DockerComposeOptions = {}): Record<string, unknown> {
  const network = options.networkName ?? "jina-network";
  const units = exportUnits(description, options);
  const services: Record<string, Record<string, unknown>> = {};
  const volumes: Record<string, Record<string, never>> = {};
  for (const unit of units) {
    for (const volume of unit.volumes) {
      const source = volume.split(":")[0]!;
      if (volume.includes(":") && !/^[./~$]/.test(source)) volumes[source] = {}; // a named volume must be declared
    }
    for (const { service, pod } of replicasOf(unit)) {
      volumes[`${service}-workspace`] = {};
      services[service] = {
        image: unit.image,
        command: escapeDollars([
          ...unit.args,
          "--pod-name", pod,
          "--host", "0.0.0.0",
          "--port", String(composePort),
          ...(unit.monitoring ? ["--monitoring", "--port-monitoring", String(composeMonitoringPort)] : []),
        ]),
        healthcheck: { test: ["CMD", "jina-ts", "ping", "executor", `127.0.0.1:${composePort}`], interval: "5s", timeout: "10s", retries: 30 },
        environment: Object.entries(unit.env).map(([key, value]) => `${key}=${value}`),
        volumes: [`${service}-workspace:${containerWorkspace}`, ...unit.volumes],
        networks: [network],
        ...(unit.gpus ? { deploy: { resources: { reservations: { devices: [{ driver: "nvidia", count: unit.gpus, capabilities: ["gpu"] }] } } } } : {}),
      };
    }
  }
  if (options.includeGateway ?? true) {
    const executors = Object.keys(services);
    const { protocols, ports } = gatewayPorts(description.options);
    const grpcIndex = protocols.indexOf("grpc");
    const probe = grpcIndex >= 0 ? `grpc://127.0.0.1:${ports[grpcIndex]}` : `http://127.0.0.1:${ports[0]}`;
    services.gateway = {
      image: defaultImage(options),
      command: escapeDollars(gatewayCommand(description, units, (unit) => replicasOf(unit).map(({ service }) => `grpc://${service}:${composePort}`), {
        monitoringPort: composeMonitoringPort,
      })),
      ports: [
        ...ports.map((port) => `${port}:${port}`),
        ...(description.options.monitoring ? [`${composeMonitoringPort}:${composeMonitoringPort}`] : []),
      ],
      healthcheck: { test: ["CMD", "jina-ts", "ping", "gateway", probe], interval: "5s", timeout: "10s", retries: 30 },
      environment: Object.entries({ JINA_LOG_LEVEL: "INFO", ...description.options.env }).map(([key, value]) => `${key}=${value}`),
      networks: [network],
      ...(executors.length ? { depends_on: executors } : {}),
    };
  }
  return {
    version: "3.3",
    networks: { [network]: { driver: "bridge" } },
    ...(Object.keys(volumes).length ? { volumes } : {}),
    services,
  };
}

/**
 * Writes {@link dockerComposeSpec} to `path` (default `docker-compose.yml`) and resolves with the path. Run with
 * `docker compose -f <path> up`.
 *
 * @example
 * ```ts
 * await toDockerComposeYaml(flow, "docker-compose.yml", { networkName: "search" });
 * ```
 */
export async function toDockerComposeYaml(flow: Flow | FlowDescription, path = "docker-compose.yml", options: DockerComposeOptions = {}): Promise<string> {
  const spec = dockerComposeSpec("describe" in flow ? flow.describe() : flow, options);
  const slash = path.lastIndexOf("/");
  if (slash > 0) ensureDir(path.slice(0, slash));
  writeText(path, stringify(spec, { lineWidth: 0, aliasDuplicateObjects: false }));
  return path;
}
