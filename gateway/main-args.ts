/**
 * The flags of a standalone gateway (`jina-ts gateway`, Jina's `jina gateway`): the graph, where each deployment
 * is, and how to serve. {@link parseGatewayArgs} reads them, {@link gatewayFlagsOf} writes them (exports use it),
 * {@link gatewayOptionsOf} turns them into {@link GatewayOptions}.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { Compression, ExposedEndpoint, GatewayDeployment, GatewayOptions, Polling } from "./options.ts";
import type { RetryPolicy } from "./retry-policy.ts";

/** A protocol the gateway serves. */
export type GatewayProtocol = "grpc" | "http" | "websocket";

/**
 * What a deployment needs beyond its addresses (a jina-ts extension: Jina's head carries these): polling,
 * `usesBefore` / `usesAfter` addresses, and per-deployment `timeoutSend` / `retries`.
 *
 * @example
 * ```ts
 * const options: DeploymentExtras = { polling: { "/search": "ALL" }, usesAfter: ["grpc://indexer-uses-after:8080"] };
 * ```
 */
export interface DeploymentExtras {
  polling?: Polling;
  usesBefore?: string[];
  usesAfter?: string[];
  timeoutSend?: number;
  retries?: number;
  retryPolicy?: RetryPolicy;
}

/**
 * The parsed flags of `jina-ts gateway`.
 *
 * @example
 * ```ts
 * const args: GatewayMainArgs = parseGatewayArgs(["--graph-description", '{"start-gateway":["a"],"a":["end-gateway"]}', "--deployments-addresses", '{"a":["grpc://a:8080"]}']);
 * ```
 */
export interface GatewayMainArgs {
  /** `--graph-description`: Jina's graph. */
  graph: Record<string, string[]>;
  /**
   * `--deployments-addresses`: each deployment's replicas (`["grpc://a:8080", …]`, Jina's form) or, with several
   * shards, a list of replica lists, one per shard (`[["grpc://idx-0:8080"], ["grpc://idx-1:8080"]]`).
   */
  addresses: Record<string, string[] | string[][]>;
  /** `--graph-conditions`: each deployment's `when`. */
  conditions: Record<string, JsonObject>;
  /** `--deployments-no-reduce`: deployments that get all parts (`docsMatrix`) instead of a reduce. */
  noReduce: string[];
  /** `--deployments-metadata`: gRPC metadata sent with every call to a deployment. */
  metadata: Record<string, Record<string, string>>;
  /** `--deployments-options` (jina-ts): polling, `usesBefore` / `usesAfter` addresses, `timeoutSend`, `retries`. */
  deploymentOptions: Record<string, DeploymentExtras>;
  /** `--protocol grpc http websocket` (several values, as Jina's). */
  protocols: GatewayProtocol[];
  /** `--port 8080 8081 …`, one per protocol (0 or absent: a free port). */
  ports: number[];
  /** `--host` (default 127.0.0.1; exports write 0.0.0.0). */
  host: string;
  timeoutSend?: number;
  retries?: number;
  /** `--grace-period MS`: how long a shutdown lets requests in flight finish (absent: 10,000). */
  gracePeriod?: number;
  /** `--max-docs N`: most documents in one request (absent: 100,000; 0: no limit). */
  maxDocs?: number;
  /** `--max-request-bytes N`: largest request accepted (absent: 100 MiB). */
  maxRequestBytes?: number;
  /** `--request-timeout MS`: deadline of a whole request (absent: 600,000; 0: none). */
  requestTimeout?: number;
  title?: string;
  description?: string;
  cors?: boolean;
  noDebugEndpoints?: boolean;
  noCrudEndpoints?: boolean;
  prefetch?: number;
  compression?: Compression;
  exposeEndpoints?: Record<string, ExposedEndpoint>;
  monitoring?: boolean;
  portMonitoring?: number;
  /** `--ssl-certfile` / `--ssl-keyfile`: PEM file paths (TLS on every port). */
  sslCertfile?: string;
  sslKeyfile?: string;
}

/**
 * Every flag of `jina-ts gateway` with its help text: the one table {@link parseGatewayArgs} reads and
 * `jina-ts gateway --help` prints. `several: true` flags take one or more values (`--protocol grpc http`).
 *
 * @example
 * ```ts
 * Object.keys(gatewayFlags); // ["graph-description", "deployments-addresses", …]
 * ```
 */
export const gatewayFlags: Readonly<Record<string, { value?: string; help: string; default?: string; several?: boolean }>> = {
  "graph-description": { value: "JSON", help: 'the graph, e.g. {"start-gateway":["enc"],"enc":["end-gateway"]} (required)' },
  "deployments-addresses": { value: "JSON", help: 'each deployment\'s replicas {"enc":["grpc://enc:8080"]}, or a list per shard [["grpc://idx-0:8080"],["grpc://idx-1:8080"]]; host names resolve to one replica per address' },
  "graph-conditions": { value: "JSON", help: 'each deployment\'s `when` condition {"enc":{"tags__lang":{"$eq":"en"}}}' },
  "deployments-no-reduce": { value: "JSON", help: 'deployments that get every part instead of a reduce ["joiner"]' },
  "deployments-metadata": { value: "JSON", help: 'gRPC metadata sent to each deployment {"enc":{"key":"value"}}' },
  "deployments-options": { value: "JSON", help: 'jina-ts: per deployment {"polling":…,"usesBefore":[addr],"usesAfter":[addr],"timeoutSend":ms,"retries":n}' },
  protocol: { value: "PROTOCOL…", help: "grpc, http and/or websocket, one port each", default: "grpc", several: true },
  port: { value: "N…", help: "one port per protocol (0: a free one)", default: "0", several: true },
  host: { value: "HOST", help: "the address to bind (0.0.0.0 in containers)", default: "127.0.0.1" },
  "timeout-send": { value: "MS", help: "deadline of each call to an executor" },
  retries: { value: "N", help: "retries after a failed call (-1: max(3, replicas))", default: "-1" },
  "grace-period": { value: "MS", help: "on SIGTERM/SIGINT: NOT_SERVING, new requests 503/UNAVAILABLE, requests in flight finish up to this long, then are cancelled", default: "10000" },
  "max-docs": { value: "N", help: "most documents in one request, 413 / RESOURCE_EXHAUSTED beyond (0: no limit)", default: "100000" },
  "max-request-bytes": { value: "N", help: "largest request accepted, in bytes, 413 / RESOURCE_EXHAUSTED beyond", default: "104857600" },
  "request-timeout": { value: "MS", help: "deadline of a whole request through the flow, 504 / DEADLINE_EXCEEDED beyond (0: none)", default: "600000" },
  title: { value: "TEXT", help: "the HTTP API's title (OpenAPI)" },
  description: { value: "TEXT", help: "the HTTP API's description (OpenAPI)" },
  cors: { help: "allow cross-origin HTTP requests" },
  "no-debug-endpoints": { help: "hide /post, /status and /dry_run" },
  "no-crud-endpoints": { help: "hide /index, /search, /update and /delete" },
  prefetch: { value: "N", help: "requests in flight per stream (0: unbounded)", default: "1000" },
  compression: { value: "gzip|none", help: "compress gRPC messages to executors", default: "none" },
  "expose-endpoints": { value: "JSON", help: 'executor endpoints as HTTP routes {"/foo":{"methods":["GET"]}}' },
  monitoring: { help: "serve Prometheus metrics" },
  "port-monitoring": { value: "N", help: "the metrics port, with --monitoring (0: a free one)", default: "0" },
  "ssl-certfile": { value: "FILE", help: "PEM certificate chain: TLS on every port (with --ssl-keyfile)" },
  "ssl-keyfile": { value: "FILE", help: "PEM private key (with --ssl-certfile)" },
  name: { value: "NAME", help: "the gateway's name (accepted for Jina's commands)", default: "gateway" },
};

const multiple = new Set(Object.entries(gatewayFlags).filter(([, spec]) => spec.several).map(([flag]) => flag));
const booleans = new Set(Object.entries(gatewayFlags).filter(([, spec]) => !spec.value).map(([flag]) => flag));
const strings = new Set(Object.entries(gatewayFlags).filter(([, spec]) => spec.value && !spec.several).map(([flag]) => flag));

function invalid(message: string): JinaError {
  return new JinaError(`jina-ts gateway: ${message}`, ErrorCode.InvalidArgument);
}

function json<T>(flag: string, text: string | undefined, fallback: T, check: (value: unknown) => boolean, shape: string): T {
  if (text === undefined || text === "") return fallback;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`--${flag} must be JSON (${shape}): ${(error as Error).message}`);
  }
  if (!check(value)) throw invalid(`--${flag} must be ${shape}, got ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`);
  return value as T;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

function integer(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw invalid(`--${flag} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

/**
 * Parses `jina-ts gateway`'s flags (Jina's names; `--protocol` and `--port` take several values). Unknown flags,
 * bad JSON, a deployment in the graph without an address, or an address for a deployment not in the graph are
 * errors that name the flag.
 *
 * @example
 * ```ts
 * parseGatewayArgs(["--graph-description", '{"start-gateway":["enc"],"enc":["end-gateway"]}',
 *   "--deployments-addresses", '{"enc":["grpc://enc:8080"]}', "--protocol", "grpc", "http", "--port", "8080", "8081"]);
 * ```
 */
export function parseGatewayArgs(argv: string[]): GatewayMainArgs {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith("--")) throw invalid(`unexpected argument "${token}" (flags start with --)`);
    const [flag, inline] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (booleans.has(flag)) {
      flags.add(flag);
      continue;
    }
    if (!strings.has(flag) && !multiple.has(flag)) throw invalid(`unknown flag --${flag}`);
    const taken: string[] = inline !== undefined ? [inline] : [];
    while (inline === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith("--")) {
      taken.push(argv[++i]!);
      if (!multiple.has(flag)) break;
    }
    if (taken.length === 0) throw invalid(`--${flag} needs a value`);
    values.set(flag, multiple.has(flag) ? [...(values.get(flag) ?? []), ...taken] : taken);
  }
  const one = (flag: string) => values.get(flag)?.[0];
  const graph = json<Record<string, string[]>>("graph-description", one("graph-description"), {}, (v) => isObject(v) && Object.values(v).every(isStrings), 'an object {"node": ["next", …]}');
  if (!graph["start-gateway"]) throw invalid('--graph-description needs a "start-gateway" node, e.g. {"start-gateway":["enc"],"enc":["end-gateway"]}');
  const addresses = json<Record<string, string[] | string[][]>>(
    "deployments-addresses",
    one("deployments-addresses"),
    {},
    (v) => isObject(v) && Object.values(v).every((list) => isStrings(list) || (Array.isArray(list) && list.every(isStrings))),
    'an object {"name": ["grpc://host:port", …]} (or a list per shard)',
  );
  const nodes = Object.keys(graph).filter((node) => node !== "start-gateway" && node !== "end-gateway");
  for (const node of nodes) if (!addresses[node]) throw invalid(`--deployments-addresses has no address for "${node}", which is in --graph-description`);
  for (const name of Object.keys(addresses)) if (!nodes.includes(name)) throw invalid(`--deployments-addresses names "${name}", which is not in --graph-description`);
  const protocols = (values.get("protocol") ?? ["grpc"]).map((protocol) => protocol.toLowerCase());
  for (const protocol of protocols) if (!["grpc", "http", "websocket"].includes(protocol)) throw invalid(`--protocol must be grpc, http or websocket, got "${protocol}"`);
  const ports = (values.get("port") ?? []).map((port) => integer("port", port, 0)!);
  if (ports.length > protocols.length) throw invalid(`--port gives ${ports.length} ports for ${protocols.length} protocol(s)`);
  const compression = one("compression")?.toLowerCase();
  if (compression !== undefined && compression !== "gzip" && compression !== "none") throw invalid(`--compression must be gzip or none, got "${compression}"`);
  const optional = <K extends keyof GatewayMainArgs>(key: K, value: GatewayMainArgs[K] | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    graph,
    addresses,
    conditions: json("graph-conditions", one("graph-conditions"), {}, (v) => isObject(v) && Object.values(v).every(isObject), 'an object {"name": {condition}}'),
    noReduce: json("deployments-no-reduce", one("deployments-no-reduce"), [], isStrings, 'a list ["name", …]'),
    metadata: json("deployments-metadata", one("deployments-metadata"), {}, (v) => isObject(v) && Object.values(v).every((m) => isObject(m) && Object.values(m).every((x) => typeof x === "string")), 'an object {"name": {"key": "value"}}'),
    deploymentOptions: json("deployments-options", one("deployments-options"), {}, (v) => isObject(v) && Object.values(v).every(isObject), 'an object {"name": {"polling": …, "usesBefore": […], "usesAfter": […], "timeoutSend": ms, "retries": n, "retryPolicy": {…}}}'),
    protocols: protocols as GatewayProtocol[],
    ports,
    host: one("host") ?? "127.0.0.1",
    ...optional("timeoutSend", integer("timeout-send", one("timeout-send"), 1)),
    ...optional("retries", integer("retries", one("retries"), -1)),
    ...optional("gracePeriod", integer("grace-period", one("grace-period"), 0)),
    ...optional("maxDocs", integer("max-docs", one("max-docs"), 0)),
    ...optional("maxRequestBytes", integer("max-request-bytes", one("max-request-bytes"), 1)),
    ...optional("requestTimeout", integer("request-timeout", one("request-timeout"), 0)),
    ...optional("title", one("title")),
    ...optional("description", one("description")),
    ...(flags.has("cors") ? { cors: true } : {}),
    ...(flags.has("no-debug-endpoints") ? { noDebugEndpoints: true } : {}),
    ...(flags.has("no-crud-endpoints") ? { noCrudEndpoints: true } : {}),
    ...optional("prefetch", integer("prefetch", one("prefetch"), 0)),
    ...optional("compression", compression as Compression | undefined),
    ...optional("exposeEndpoints", one("expose-endpoints") === undefined ? undefined : json("expose-endpoints", one("expose-endpoints"), {}, isObject, 'an object {"/endpoint": {…}}')),
    ...(flags.has("monitoring") ? { monitoring: true } : {}),
    ...optional("portMonitoring", integer("port-monitoring", one("port-monitoring"), 0)),
    ...optional("sslCertfile", one("ssl-certfile")),
    ...optional("sslKeyfile", one("ssl-keyfile")),
  };
}

/**
 * The flags that {@link parseGatewayArgs} reads back into `args` (exports write them into containers' commands).
 * Empty maps and lists are left out.
 *
 * @example
 * ```ts
 * gatewayFlagsOf({ graph, addresses: { enc: ["grpc://enc:8080"] }, conditions: {}, noReduce: [], metadata: {},
 *   deploymentOptions: {}, protocols: ["grpc"], ports: [8080], host: "0.0.0.0" });
 * // ["--graph-description", "{…}", "--deployments-addresses", '{"enc":["grpc://enc:8080"]}', "--protocol", "grpc", "--port", "8080", "--host", "0.0.0.0"]
 * ```
 */
export function gatewayFlagsOf(args: GatewayMainArgs): string[] {
  const nonEmpty = (flag: string, value: object) => (Object.keys(value).length ? [flag, JSON.stringify(value)] : []);
  const optional = (flag: string, value: string | number | undefined) => (value === undefined ? [] : [flag, String(value)]);
  const flag = (name: string, on: boolean | undefined) => (on ? [name] : []);
  return [
    "--graph-description", JSON.stringify(args.graph),
    "--deployments-addresses", JSON.stringify(args.addresses),
    ...nonEmpty("--graph-conditions", args.conditions),
    ...nonEmpty("--deployments-no-reduce", args.noReduce),
    ...nonEmpty("--deployments-metadata", args.metadata),
    ...nonEmpty("--deployments-options", args.deploymentOptions),
    "--protocol", ...args.protocols,
    ...(args.ports.length ? ["--port", ...args.ports.map(String)] : []),
    "--host", args.host,
    ...optional("--timeout-send", args.timeoutSend),
    ...optional("--retries", args.retries),
    ...optional("--grace-period", args.gracePeriod),
    ...optional("--max-docs", args.maxDocs),
    ...optional("--max-request-bytes", args.maxRequestBytes),
    ...optional("--request-timeout", args.requestTimeout),
    ...optional("--title", args.title),
    ...optional("--description", args.description),
    ...flag("--cors", args.cors),
    ...flag("--no-debug-endpoints", args.noDebugEndpoints),
    ...flag("--no-crud-endpoints", args.noCrudEndpoints),
    ...optional("--prefetch", args.prefetch),
    ...optional("--compression", args.compression),
    ...(args.exposeEndpoints ? ["--expose-endpoints", JSON.stringify(args.exposeEndpoints)] : []),
    ...flag("--monitoring", args.monitoring),
    ...optional("--port-monitoring", args.portMonitoring),
    ...optional("--ssl-certfile", args.sslCertfile),
    ...optional("--ssl-keyfile", args.sslKeyfile),
  ];
}

/** Jina's compose export writes `encoder:8081` without a scheme: gRPC is meant. */
function withScheme(addresses: string[]): string[] {
  return addresses.map((address) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `grpc://${address}`));
}

/**
 * The {@link GatewayOptions} of parsed flags: one {@link GatewayDeployment} per deployment, its shards from
 * `--deployments-addresses` (`host:port` without a scheme, as Jina's compose export writes, is gRPC), `when` from
 * `--graph-conditions`, `noReduce`, and the jina-ts extras.
 *
 * @example
 * ```ts
 * const gateway = createGateway(gatewayOptionsOf(parseGatewayArgs(argv)));
 * ```
 */
export function gatewayOptionsOf(args: GatewayMainArgs): GatewayOptions {
  const deployments: GatewayDeployment[] = Object.entries(args.addresses).map(([name, list]) => {
    const extras = args.deploymentOptions[name] ?? {};
    const shards = (list.length > 0 && Array.isArray(list[0]) ? (list as string[][]) : [list as string[]]).map(withScheme);
    const metadata = args.metadata[name];
    return {
      name,
      shards,
      ...(extras.polling === undefined ? {} : { polling: extras.polling }),
      ...(extras.usesBefore ? { usesBefore: withScheme(extras.usesBefore) } : {}),
      ...(extras.usesAfter ? { usesAfter: withScheme(extras.usesAfter) } : {}),
      ...(extras.timeoutSend === undefined ? {} : { timeoutSend: extras.timeoutSend }),
      ...(extras.retries === undefined ? {} : { retries: extras.retries }),
      ...(extras.retryPolicy === undefined ? {} : { retryPolicy: extras.retryPolicy }),
      ...(args.conditions[name] ? { when: args.conditions[name] } : {}),
      ...(args.noReduce.includes(name) ? { noReduce: true } : {}),
      ...(metadata ? { metadata } : {}),
    };
  });
  const optional = <K extends keyof GatewayOptions>(key: K, value: GatewayOptions[K] | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    graph: args.graph,
    deployments,
    ...optional("timeoutSend", args.timeoutSend),
    ...optional("retries", args.retries),
    ...optional("gracePeriod", args.gracePeriod),
    ...optional("maxDocs", args.maxDocs),
    ...optional("maxRequestBytes", args.maxRequestBytes),
    ...optional("requestTimeout", args.requestTimeout),
    ...optional("title", args.title),
    ...optional("description", args.description),
    ...optional("cors", args.cors),
    ...optional("noDebugEndpoints", args.noDebugEndpoints),
    ...optional("noCrudEndpoints", args.noCrudEndpoints),
    ...optional("prefetch", args.prefetch),
    ...optional("compression", args.compression),
    ...optional("exposeEndpoints", args.exposeEndpoints),
    ...optional("monitoring", args.monitoring),
  };
}
