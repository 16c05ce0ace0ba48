/**
 * The zod schemas of Flow YAML and Executor YAML (Jina's v1 format, keys in snake_case or camelCase): the one
 * source of truth for validation and for the JSON Schema of `jina-ts export schema`.
 *
 * @module
 */
import { z } from "zod";
import { type AliasedObject, aliasedObject } from "./aliased.ts";

/** A port, or one port per protocol / replica. */
type Ports = z.ZodUnion<readonly [z.ZodNumber, z.ZodArray<z.ZodNumber>]>;
/** One name or a list of names. */
type StringList = z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>;
/** A JSON object of any values. */
type JsonObject = z.ZodRecord<z.ZodString, z.ZodUnknown>;
/** A protocol name, lower-cased. */
type ProtocolName = z.ZodPipe<z.ZodString, z.ZodTransform<"grpc" | "http" | "websocket", string>>;
/** Dynamic batching of one endpoint or method. */
type BatchingSchema = AliasedObject<{ preferredBatchSize: z.ZodNumber; timeout: z.ZodNumber }>;
/** Endpoint or method → {@link BatchingSchema}. */
type Batching = z.ZodRecord<z.ZodString, BatchingSchema>;
/** The gateway's retry policy for a deployment (`RetryPolicy`). */
type RetryPolicySchema = AliasedObject<{
  backoffMs: z.ZodNumber;
  maxBackoffMs: z.ZodNumber;
  inFlight: z.ZodUnion<readonly [z.ZodEnum<{ all: "all"; none: "none" }>, z.ZodArray<z.ZodString>]>;
}>;
/** Jina's `metas`. */
type MetasSchema = AliasedObject<{
  name: z.ZodString;
  description: z.ZodString;
  url: z.ZodString;
  keywords: z.ZodArray<z.ZodString>;
  workspace: z.ZodString;
  modules: StringList;
  pyModules: StringList;
}>;
/** The fields of an Executor YAML. */
type ExecutorShape = {
  jtype: z.ZodString;
  with: JsonObject;
  metas: MetasSchema;
  requests: z.ZodRecord<z.ZodString, z.ZodString>;
  dynamicBatching: Batching;
  modules: StringList;
  pyModules: StringList;
};
/** What a deployment runs. */
type UsesSchema = z.ZodUnion<readonly [z.ZodString, AliasedObject<ExecutorShape>]>;
/** The gateway options, as {@link gatewayShape} holds them. */
type GatewayShape = {
  protocol: z.ZodUnion<readonly [ProtocolName, z.ZodArray<ProtocolName>]>;
  port: Ports;
  host: z.ZodString;
  cors: z.ZodBoolean;
  title: z.ZodString;
  description: z.ZodString;
  noDebugEndpoints: z.ZodBoolean;
  noCrudEndpoints: z.ZodBoolean;
  exposeEndpoints: z.ZodRecord<
    z.ZodString,
    AliasedObject<{
      path: z.ZodString;
      methods: z.ZodArray<z.ZodEnum<{ DELETE: "DELETE"; GET: "GET"; PATCH: "PATCH"; POST: "POST"; PUT: "PUT" }>>;
      summary: z.ZodString;
      description: z.ZodString;
      tags: z.ZodArray<z.ZodString>;
    }>
  >;
  prefetch: z.ZodNumber;
  compression: z.ZodEnum<{ gzip: "gzip"; none: "none" }>;
  monitoring: z.ZodBoolean;
  portMonitoring: Ports;
  tls: AliasedObject<{ cert: z.ZodString; key: z.ZodString }>;
  sslCertfile: z.ZodString;
  sslKeyfile: z.ZodString;
  timeoutSend: z.ZodNumber;
  retries: z.ZodNumber;
  maxRequestBytes: z.ZodNumber;
  maxDocs: z.ZodNumber;
  requestTimeout: z.ZodNumber;
  gracePeriod: z.ZodNumber;
};
/** The inherited deployment options, as {@link inheritedShape} holds them. */
type InheritedShape = {
  shards: z.ZodNumber;
  replicas: z.ZodNumber;
  polling: z.ZodUnion<readonly [z.ZodString, z.ZodRecord<z.ZodString, z.ZodString>]>;
  usesWith: JsonObject;
  usesMetas: JsonObject;
  usesRequests: z.ZodRecord<z.ZodString, z.ZodString>;
  usesDynamicBatching: Batching;
  env: z.ZodRecord<z.ZodString, z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber, z.ZodBoolean]>, z.ZodTransform<string, string | number | boolean>>>;
  timeoutSend: z.ZodNumber;
  retries: z.ZodNumber;
  retryPolicy: RetryPolicySchema;
  workspace: z.ZodString;
  monitoring: z.ZodBoolean;
  timeoutReady: z.ZodNumber;
  inProcess: z.ZodBoolean;
  gracePeriod: z.ZodNumber;
};
/** The fields of one `executors:` entry. */
type DeploymentShape = InheritedShape & {
  jtype: z.ZodLiteral<"Deployment">;
  name: z.ZodString;
  uses: UsesSchema;
  usesBefore: UsesSchema;
  usesAfter: UsesSchema;
  needs: StringList;
  method: z.ZodEnum<{ add: "add"; needs: "needs"; inspect: "inspect" }>;
  when: JsonObject;
  external: z.ZodBoolean;
  host: z.ZodString;
  port: Ports;
  tls: z.ZodBoolean;
  floating: z.ZodBoolean;
  noReduce: z.ZodBoolean;
  portMonitoring: Ports;
  image: z.ZodString;
  volumes: StringList;
  gpus: z.ZodNumber;
};
/** The fields of the Flow's `with:`. */
type FlowWithShape = Omit<GatewayShape, keyof InheritedShape> & InheritedShape & { name: z.ZodString };
/** A deployment entry: a name or an object. */
type Deployments = z.ZodArray<z.ZodUnion<readonly [z.ZodString, AliasedObject<DeploymentShape>]>>;

const text = (description: string): z.ZodString => z.string().meta({ description });
const flag = (description: string): z.ZodBoolean => z.boolean().meta({ description });
const port: z.ZodNumber = z.number().int().min(0).max(65535);
const ports = (description: string): Ports => z.union([port, z.array(port).min(1)]).meta({ description });
const positive = (description: string): z.ZodNumber => z.number().int().min(1).meta({ description });
const jsonObject = (description: string): JsonObject => z.record(z.string(), z.unknown()).meta({ description });
const stringList = (description: string): StringList => z.union([z.string().min(1), z.array(z.string().min(1))]).meta({ description });

const pollingMode = z.string().regex(/^(any|all)$/i, 'must be "ANY" or "ALL"');
const polling = z
  .union([pollingMode, z.record(z.string(), pollingMode)])
  .meta({ description: 'Shard polling: "ANY", "ALL", or endpoint → "ANY"/"ALL" with "*" as the default' });
const env = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
  .meta({ description: "Environment variables of spawned executors" });
const timeoutMs = (description: string): z.ZodNumber => z.number().int().min(-1).meta({ description });
const gracePeriodMs = (description: string): z.ZodNumber => z.number().int().min(0).meta({ description });

/** Dynamic batching of one endpoint or method (Jina's `dynamic_batching` entry). */
export const batchingSchema: BatchingSchema = aliasedObject(
  {
    preferredBatchSize: positive("Run the handler once this many documents are queued"),
    timeout: z.number().min(0).meta({ description: "Run it at the latest this many ms after the first request (default 10000)" }),
  },
  "a dynamic_batching entry",
  ["preferredBatchSize"],
);
const batching: Batching = z.record(z.string(), batchingSchema).meta({ description: "Endpoint or method → { preferred_batch_size, timeout }" });

/** How the gateway retries calls to a deployment (`RetryPolicy`: backoff, and which endpoints are retried mid-flight). */
export const retryPolicySchema: RetryPolicySchema = aliasedObject(
  {
    backoffMs: z.number().min(0).meta({ description: "First backoff before retrying a replica that failed the call, in ms; doubles per retry (default 50)" }),
    maxBackoffMs: z.number().min(0).meta({ description: "Longest backoff, in ms (default 1000)" }),
    inFlight: z
      .union([z.enum(["all", "none"]), z.array(z.string().min(1))])
      .meta({ description: 'Endpoints retried on another replica after a failure mid-call: "all" (default, as Jina), "none", or a list; calls that never reached a replica are always retried' }),
  },
  "a retry_policy",
);

/** Jina's `metas` of an executor. */
export const metasSchema: MetasSchema = aliasedObject(
  {
    name: text("The executor's name (default: the class name)"),
    description: text("A free-text description"),
    url: text("Where the executor comes from"),
    keywords: z.array(z.string()).meta({ description: "Keywords" }),
    workspace: text("Workspace root"),
    modules: stringList("TS/JS modules that define the class (Jina's py_modules)"),
    pyModules: stringList("Jina's spelling of modules"),
  },
  "metas",
);

/** The fields of an Executor YAML, and of an inline `uses: { jtype, with, metas }`. */
const executorShape: ExecutorShape = {
  jtype: text('The Executor class: a name exported by a module in `modules`, or "./file.ts#Class"'),
  with: jsonObject("Constructor values (Jina's `with`)"),
  metas: metasSchema,
  requests: z.record(z.string(), z.string()).meta({ description: "Endpoint → method name" }),
  dynamicBatching: batching,
  modules: stringList("TS/JS modules that define the class, relative to this file (Jina's py_modules)"),
  pyModules: stringList("Jina's spelling of modules"),
};

/**
 * An Executor YAML file (`jtype`, `with`, `metas`, `requests`, `dynamic_batching`, `modules` / `py_modules`).
 *
 * @example
 * ```ts
 * executorSchema.parse({ jtype: "Encoder", with: { dim: 64 }, py_modules: ["encoder.ts"] });
 * ```
 */
export const executorSchema: AliasedObject<ExecutorShape> = aliasedObject(executorShape, "an Executor YAML", ["jtype"]).meta({
  title: "jina-ts Executor YAML",
  description: "An Executor: its class, constructor values, metas, endpoint bindings",
});

/** What a deployment runs: a module specifier, an Executor YAML path, a class name, or an inline executor. */
export const usesSchema: UsesSchema = z
  .union([z.string().min(1), aliasedObject(executorShape, "an inline uses", ["jtype"])])
  .meta({ description: '"./file.ts#Class", "executor.yml", a class exported by a module in `modules`, or { jtype, with, metas }' });

const exposedEndpoint = aliasedObject(
  {
    path: text("HTTP path (default: the endpoint)"),
    methods: z.array(z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"])).meta({ description: "HTTP methods (default POST)" }),
    summary: text("OpenAPI summary"),
    description: text("OpenAPI description"),
    tags: z.array(z.string()).meta({ description: "OpenAPI tags" }),
  },
  "an expose_endpoints entry",
);

const protocolName: ProtocolName = z
  .string()
  .regex(/^(grpc|http|websocket)$/i, 'must be "grpc", "http" or "websocket"')
  .transform((value) => value.toLowerCase() as "grpc" | "http" | "websocket");

/** Gateway options (Jina's gateway arguments), in the `gateway:` section or in `with:`. */
export const gatewayShape: GatewayShape = {
  protocol: z.union([protocolName, z.array(protocolName).min(1)]).meta({ description: "grpc, http, websocket, or a list" }),
  port: ports("Gateway port(s), one per protocol"),
  host: text("Gateway host (default 127.0.0.1)"),
  cors: flag("Allow cross-origin HTTP requests"),
  title: text("Title of the HTTP API"),
  description: text("Description of the HTTP API"),
  noDebugEndpoints: flag("Hide /post, /status, /dry_run"),
  noCrudEndpoints: flag("Hide /index, /search, /update, /delete"),
  exposeEndpoints: z.record(z.string(), exposedEndpoint).meta({ description: "Executor endpoints served as HTTP routes" }),
  prefetch: z.number().int().min(0).meta({ description: "In-flight requests per client stream (0: unbounded)" }),
  compression: z.enum(["gzip", "none"]).meta({ description: "Compression of gateway → executor messages" }),
  monitoring: flag("Serve Prometheus metrics"),
  portMonitoring: z.union([port, z.array(port).min(1)]).meta({ description: "Metrics port" }),
  tls: aliasedObject({ cert: text("PEM certificate chain path"), key: text("PEM private key path") }, "tls", ["cert", "key"]),
  sslCertfile: text("Jina's spelling of tls.cert"),
  sslKeyfile: text("Jina's spelling of tls.key"),
  timeoutSend: timeoutMs("Deadline of each gateway → executor call, in ms"),
  retries: z.number().int().min(-1).meta({ description: "Retries on network errors (-1: max(3, replicas))" }),
  maxRequestBytes: positive("Largest request the gateway accepts, in bytes"),
  maxDocs: z.number().int().min(0).meta({ description: "Most documents in one request, in the gateway and every executor (default 100000; 0: no limit)" }),
  requestTimeout: z.number().int().min(0).meta({ description: "Deadline of a whole request through the flow, in ms (default 600000; 0: none)" }),
  gracePeriod: gracePeriodMs("On shutdown (SIGTERM/SIGINT, close()), how long the gateway lets requests in flight finish before cancelling them, in ms (default 10000)"),
};

/** Deployment options every deployment inherits from the Flow's `with:` unless it sets its own. */
export const inheritedShape: InheritedShape = {
  shards: positive("Shards per deployment"),
  replicas: positive("Replicas per shard"),
  polling,
  usesWith: jsonObject("Constructor values of the executor"),
  usesMetas: jsonObject("Metas of the executor"),
  usesRequests: z.record(z.string(), z.string()).meta({ description: "Endpoint → method overrides" }),
  usesDynamicBatching: batching,
  env,
  timeoutSend: timeoutMs("Deadline of each call to the deployment, in ms"),
  retries: z.number().int().min(-1).meta({ description: "Retries on network errors" }),
  retryPolicy: retryPolicySchema,
  workspace: text("Workspace root"),
  monitoring: flag("Serve each replica's Prometheus metrics"),
  timeoutReady: timeoutMs("How long start() waits, in ms (-1: forever)"),
  inProcess: flag("Run string `uses` executors in the flow's process instead of one process per replica (jina-ts)"),
  gracePeriod: gracePeriodMs(
    "On shutdown, how long calls in flight may finish before they are cancelled, in ms (default 10000): in `with:` the gateway's and every executor's, on a deployment its replicas' (they drain after the gateway)",
  ),
};

/** One entry of `executors:` (Jina's `add()` arguments). */
export const deploymentSchema: AliasedObject<DeploymentShape> = aliasedObject(
  {
    ...inheritedShape,
    jtype: z.literal("Deployment").meta({ description: "Optional: Deployment" }),
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "must start with a letter or _ and hold only letters, digits, _ and -").meta({ description: "Unique name (default executor<N>)" }),
    uses: usesSchema,
    usesBefore: usesSchema,
    usesAfter: usesSchema,
    needs: stringList('Deployments this one needs ("gateway" for the start); default: the previous one'),
    method: z.enum(["add", "needs", "inspect"]).meta({ description: "How it joins the flow (default add)" }),
    when: jsonObject("A DocArray query on documents entering this deployment"),
    external: flag("An executor that runs elsewhere (give host and port)"),
    host: text("Host of an external executor, or where spawned replicas bind"),
    port: ports("Port(s) of the replicas"),
    tls: flag("Talk TLS to an external executor"),
    floating: flag("Run without waiting for it"),
    noReduce: flag("Give the executor all parts instead of reducing them"),
    portMonitoring: ports("Metrics port(s) of the replicas"),
    image: text("Exports only: the container image of this deployment (default: JINA_TS_IMAGE)"),
    volumes: stringList('Exports only: volumes "name-or-path:/container/path" (Kubernetes: a StatefulSet with a PVC each)'),
    gpus: z.number().int().min(0).meta({ description: "Exports only: GPUs per pod" }),
  },
  "a deployment",
);

/**
 * The Flow's `with:`: flow arguments, gateway arguments, and deployment arguments every deployment inherits.
 */
export const flowWithSchema: AliasedObject<FlowWithShape> = aliasedObject(
  {
    ...gatewayShape,
    ...inheritedShape,
    name: text("The flow's name"),
  },
  "the flow's with",
);

/**
 * A Flow YAML file (Jina's v1 format).
 *
 * @example
 * ```ts
 * flowSchema.parse({ jtype: "Flow", executors: [{ name: "enc", uses: "./enc.ts#Encoder", replicas: 2 }] });
 * ```
 */
export const flowSchema: AliasedObject<{
  jtype: z.ZodLiteral<"Flow">;
  version: z.ZodUnion<readonly [z.ZodLiteral<"1">, z.ZodLiteral<1>]>;
  with: AliasedObject<FlowWithShape>;
  gateway: AliasedObject<GatewayShape & { jtype: z.ZodLiteral<"Gateway"> }>;
  executors: Deployments;
  deployments: Deployments;
  modules: StringList;
  pyModules: StringList;
}> = aliasedObject(
  {
    jtype: z.literal("Flow").meta({ description: "Flow" }),
    version: z.union([z.literal("1"), z.literal(1)]).meta({ description: 'The YAML version: "1"' }),
    with: flowWithSchema,
    gateway: aliasedObject({ ...gatewayShape, jtype: z.literal("Gateway") }, "the gateway section"),
    executors: z.array(z.union([z.string().min(1), deploymentSchema])).meta({ description: "The deployments, in order" }),
    deployments: z.array(z.union([z.string().min(1), deploymentSchema])).meta({ description: "Alias of executors" }),
    modules: stringList("TS/JS modules whose exported Executor classes `uses` may name (Jina's py_modules)"),
    pyModules: stringList("Jina's spelling of modules"),
  },
  "a Flow YAML",
).meta({ title: "jina-ts Flow YAML", description: "A Flow: gateway, flow-level defaults and deployments (Jina's v1 format)" });

/** A validated Flow YAML (camelCase keys). */
export type FlowYaml = z.output<typeof flowSchema>;
/** A validated deployment entry. */
export type DeploymentYaml = z.output<typeof deploymentSchema>;
/** A validated Executor YAML or inline `uses`. */
export type ExecutorYaml = z.output<typeof executorSchema>;
/** The Flow's validated `with:`. */
export type FlowWithYaml = z.output<typeof flowWithSchema>;
