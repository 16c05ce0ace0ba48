/**
 * The standalone gateway's flags for an exported flow: the graph, each deployment's addresses as the export names
 * them, its `when`, `noReduce`, the jina-ts extras (polling, `usesBefore` / `usesAfter`, timeouts) and the flow's
 * bounds (grace period, `maxDocs`, `maxRequestBytes`, `requestTimeout`).
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { FlowDescription, Protocol } from "../flow/mod.ts";
import { type DeploymentExtras, gatewayFlagsOf, type GatewayMainArgs } from "../gateway/mod.ts";
import type { ExportUnit } from "./units.ts";

/**
 * How an export reaches a unit: the addresses of its replicas (one DNS name on Kubernetes, one service per
 * replica on docker-compose).
 */
export type UnitAddresses = (unit: ExportUnit) => string[];

/**
 * The gateway's ports in a container: the flow's `port` list when given, else 8080, 8081, … one per protocol.
 *
 * @example
 * ```ts
 * gatewayPorts({ protocol: ["grpc", "http"] }); // [8080, 8081]
 * ```
 */
export function gatewayPorts(options: FlowDescription["options"]): { protocols: Protocol[]; ports: number[] } {
  const protocols = options.protocol === undefined ? ["grpc" as const] : Array.isArray(options.protocol) ? options.protocol : [options.protocol];
  const given = options.port === undefined ? [] : Array.isArray(options.port) ? options.port : [options.port];
  return { protocols, ports: protocols.map((_, index) => (given[index] || 8080 + index)) };
}

/**
 * `jina-ts gateway` and its flags for the flow, binding 0.0.0.0 (a container's port is reached from outside it).
 *
 * @example
 * ```ts
 * gatewayCommand(flow.describe(), units, (unit) => [`grpc://${unit.name}:8080`], { monitoringPort: 9090 });
 * ```
 */
export function gatewayCommand(
  description: FlowDescription,
  units: ExportUnit[],
  addressesOf: UnitAddresses,
  options: { monitoringPort?: number } = {},
): string[] {
  const addresses: GatewayMainArgs["addresses"] = {};
  const conditions: Record<string, JsonObject> = {};
  const extras: Record<string, DeploymentExtras> = {};
  const noReduce: string[] = [];
  const flow = description.options;
  for (const deployment of description.deployments) {
    const { name, options: o } = deployment;
    const own = units.filter((unit) => unit.deployment === name);
    if (o.external) {
      const ports = Array.isArray(o.port) ? o.port : o.port === undefined ? [] : [o.port];
      addresses[name] = ports.map((port) => `${o.tls ? "grpcs" : "grpc"}://${o.host}:${port}`);
    } else {
      const shards = own.filter((unit) => unit.role === "shard").map(addressesOf);
      addresses[name] = shards.length === 1 ? shards[0]! : shards;
    }
    if (o.when !== undefined) conditions[name] = o.when;
    if (o.noReduce) noReduce.push(name);
    const before = own.find((unit) => unit.role === "uses_before");
    const after = own.find((unit) => unit.role === "uses_after");
    const extra: DeploymentExtras = {
      ...(o.polling !== undefined && deployment.shards > 1 ? { polling: o.polling } : {}),
      ...(before ? { usesBefore: addressesOf(before) } : {}),
      ...(after ? { usesAfter: addressesOf(after) } : {}),
      ...(o.timeoutSend !== undefined ? { timeoutSend: o.timeoutSend } : {}),
      ...(o.retries !== undefined ? { retries: o.retries } : {}),
      ...((o.retryPolicy ?? flow.retryPolicy) !== undefined ? { retryPolicy: o.retryPolicy ?? flow.retryPolicy } : {}),
    };
    if (Object.keys(extra).length) extras[name] = extra;
  }
  const { protocols, ports } = gatewayPorts(flow);
  const monitoring = flow.monitoring === true;
  return [
    "gateway",
    ...gatewayFlagsOf({
      graph: description.graph,
      addresses,
      conditions,
      noReduce,
      metadata: {},
      deploymentOptions: extras,
      protocols,
      ports,
      host: "0.0.0.0",
      ...(flow.timeoutSend !== undefined ? { timeoutSend: flow.timeoutSend } : {}),
      ...(flow.retries !== undefined ? { retries: flow.retries } : {}),
      ...(flow.gracePeriod !== undefined ? { gracePeriod: flow.gracePeriod } : {}),
      ...(flow.maxDocs !== undefined ? { maxDocs: flow.maxDocs } : {}),
      ...(flow.maxRequestBytes !== undefined ? { maxRequestBytes: flow.maxRequestBytes } : {}),
      ...(flow.requestTimeout !== undefined ? { requestTimeout: flow.requestTimeout } : {}),
      ...(flow.title !== undefined ? { title: flow.title } : {}),
      ...(flow.description !== undefined ? { description: flow.description } : {}),
      ...(flow.cors ? { cors: true } : {}),
      ...(flow.noDebugEndpoints ? { noDebugEndpoints: true } : {}),
      ...(flow.noCrudEndpoints ? { noCrudEndpoints: true } : {}),
      ...(flow.prefetch !== undefined ? { prefetch: flow.prefetch } : {}),
      ...(flow.compression !== undefined ? { compression: flow.compression } : {}),
      ...(flow.exposeEndpoints !== undefined ? { exposeEndpoints: flow.exposeEndpoints } : {}),
      ...(monitoring ? { monitoring: true, portMonitoring: options.monitoringPort ?? 9090 } : {}),
    }),
  ];
}
