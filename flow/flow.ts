/**
 * The Flow: a DAG of Deployments behind a Gateway. Build it with `add()`, start it, post documents to it.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { Client, type PostOptions } from "../client/mod.ts";
import type { Document, DocumentArray, DocumentInit } from "../docarray/mod.ts";
import type { Gateway } from "../gateway/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { checkGracePeriod } from "../proto/server/mod.ts";
import { callerFile, onParentExit, onShutdown, readText, saveCodeCaches, type Server, type TlsOptions } from "../runtime/mod.ts";
import {
  checkName,
  type DeploymentDefaults,
  positiveInteger,
  type ResolvedDeployment,
  type RunningDeployment,
  startDeployment,
  startShardReplica,
} from "./deployment.ts";
import { appliedUpdate, checkRollingUpdate, type ReplicaChanges, rollingUpdate, type RollingUpdateOptions, scaleReplicas } from "./scale.ts";
import { toGatewayDeployments } from "./gateway-targets.ts";
import { checkDeploymentOptions } from "./check-options.ts";
import { resolveUsesFromCaller } from "./resolve-uses.ts";
import { buildGraphDescription, resolveNeeds } from "./graph.ts";
import type { DeploymentOptions, FlowDescription, FlowOptions, InheritedDeploymentOptions, Protocol } from "./options.ts";
import { addDeployments, type AddedDeployment, configOfFlow, flowOptionsOf, type JoinMethod, withClassModules } from "./flow-yaml.ts";
import type { LoadConfigOptions } from "../config/mod.ts";

/** Inputs a flow accepts for `post()`. */
export type FlowInputs = DocumentArray | Document | Iterable<Document | DocumentInit>;

/**
 * A Flow of Executors. Everything is async; `AsyncFlow` is the same class.
 *
 * @example
 * ```ts
 * import { Document, DocumentArray, Executor, Flow, requests } from "jina-ts";
 * class Upper extends Executor {
 *   @requests("/index")
 *   upper({ docs }: { docs: DocumentArray }) {
 *     for (const doc of docs) doc.text = doc.text?.toUpperCase();
 *   }
 * }
 * await using flow = await new Flow().add({ name: "upper", uses: Upper }).start();
 * const docs = await flow.index(new DocumentArray([new Document({ text: "hi" })]));
 * console.log(docs.at(0)?.text); // "HI"
 * ```
 */
export class Flow implements AsyncDisposable {
  #options: FlowOptions;
  readonly #deployments: ResolvedDeployment[] = [];
  readonly #added: AddedDeployment[] = [];
  readonly #inspects: string[] = [];
  #running: RunningDeployment[] = [];
  #gateway: Gateway | undefined;
  #servers: Server[] = [];
  #monitoring: Server | undefined;
  #client: Client | undefined;
  #starting: Promise<this> | undefined;
  #defaults: DeploymentDefaults | undefined;
  /** The scale / rolling update running or queued per deployment (one at a time each). */
  readonly #changes = new Map<string, Promise<void>>();
  /** What `scale()` / `rollingUpdate()` changed per deployment (replicas, usesWith, usesMetas, env), for `save()`. */
  readonly #live = new Map<string, DeploymentOptions>();
  #removeShutdownHook: (() => void) | undefined;

  constructor(options: FlowOptions = {}) {
    this.#options = { ...options };
    this.protocols.forEach((protocol) => checkProtocol(protocol));
  }

  /**
   * Adds a deployment. By default it needs the deployment added before it.
   *
   * @example
   * ```ts
   * new Flow().add({ name: "encoder", uses: Encoder, replicas: 2 }).add({ name: "indexer", uses: "./indexer.ts#Indexer" });
   * ```
   */
  add(options: DeploymentOptions = {}): this {
    return this.#add(options, "add");
  }

  /**
   * Loads a Flow YAML file or text (Jina's v1 format: `jtype: Flow`, `with:`, `gateway:`, `executors:`), with
   * variables from `context` and the environment; errors name `file:line:col` and the key path.
   *
   * @example
   * ```ts
   * await using flow = await (await Flow.load("flow.yml", { context: { replicas: 2 } })).start();
   * ```
   */
  static async load<T extends Flow>(this: new (options?: FlowOptions) => T, pathOrText: string, options: LoadConfigOptions = {}): Promise<T> {
    const { loadFlowConfig } = await import("../config/mod.ts"); // yaml and zod load on first use
    const config = await loadFlowConfig(pathOrText, options);
    let flow: T;
    try {
      flow = new this(flowOptionsOf(config));
    } catch (error) {
      throw config.errorAt?.(["with"], JinaError.from(error)) ?? error;
    }
    addDeployments(flow, config.deployments, config);
    return flow;
  }

  /**
   * Writes the flow as Flow YAML: its options as given (gateway ones under `gateway:`, the rest under `with:`) and
   * its deployments as added, with what runs now after `scale()` (replicas) and `rollingUpdate()` (usesWith,
   * usesMetas, env), paths relative to the file. `Flow.load(path)` gives the same flow back. A `uses`
   * that is a class is written `./file.ts#Class` when the module that declared its `@requests` (or called
   * `bindRequests`) exports it; a class declared in the saving script itself, or exported by no module, is an
   * error that names the deployment (give `"./file.ts#Class"` then).
   *
   * @example
   * ```ts
   * await flow.save("flow.yml");
   * ```
   */
  async save(path: string): Promise<void> {
    const saver = callerFile(); // a class declared in the script that saves cannot be imported from it (it is running)
    const { saveFlowConfig } = await import("../config/mod.ts");
    const added = this.#added.map((entry, index) => ({ ...entry, options: { ...entry.options, ...this.#live.get(this.#deployments[index]!.name) } }));
    saveFlowConfig(configOfFlow(this.#options, await withClassModules(added, [saver])), path);
  }

  #add(given: DeploymentOptions, method: JoinMethod, recorded: DeploymentOptions = given): this {
    this.#assertNotStarted(`${method}()`);
    const options = { ...inheritedOf(this.#options), ...withoutUndefined(given) };
    const name = checkName(options.name ?? `executor${this.#deployments.length}`);
    const checked = resolveUsesFromCaller(checkDeploymentOptions(name, options), callerFile());
    if (this.#deployments.some((deployment) => deployment.name === name)) {
      throw new JinaError(`A deployment named "${name}" is already in the flow: names must be unique`, ErrorCode.InvalidArgument);
    }
    const earlier = this.#deployments.map((deployment) => deployment.name);
    const needs = resolveNeeds(name, options.needs ?? this.#lastNonFloating() ?? "gateway", earlier);
    const external = options.external && Array.isArray(options.port) ? options.port.length : undefined;
    this.#deployments.push({
      name,
      options: checked,
      needs,
      shards: positiveInteger(name, "shards", options.shards, 1),
      replicas: positiveInteger(name, "replicas", given.replicas ?? external ?? options.replicas, 1),
    });
    this.#added.push({ method, options: recorded });
    return this;
  }

  /**
   * Serves an executor endpoint as its own HTTP route (Jina's `expose_endpoint`): `path` (default: the endpoint),
   * `methods` (default `["POST"]`), and `summary`, `description`, `tags` (default `["Customized"]`) for
   * `/openapi.json`. The route takes the CRUD body (`data`, `parameters`, `targetExecutor`).
   *
   * @example
   * ```ts
   * const flow = new Flow({ protocol: "http" }).add({ uses: Ranker }).exposeEndpoint("/rank", { methods: ["GET", "POST"], tags: ["Ranking"] });
   * ```
   */
  exposeEndpoint(endpoint: string, options: NonNullable<FlowOptions["exposeEndpoints"]>[string] = {}): this {
    this.#assertNotStarted("exposeEndpoint()");
    this.#options = { ...this.#options, exposeEndpoints: { ...this.#options.exposeEndpoints, [endpoint]: options } };
    return this;
  }

  /**
   * Sets the flow's `gracePeriod` before it starts (what `jina-ts flow --grace-period MS` does to a loaded flow): how
   * long `close()` / SIGTERM lets calls in flight finish, in the gateway and then in every deployment that does not
   * set its own.
   *
   * @example
   * ```ts
   * const flow = (await Flow.load("flow.yml")).setGracePeriod(30_000);
   * ```
   */
  setGracePeriod(gracePeriod: number): this {
    this.#assertNotStarted("setGracePeriod()");
    checkGracePeriod(gracePeriod);
    this.#options = { ...this.#options, gracePeriod };
    return this;
  }

  /**
   * Adds a no-op deployment that joins (waits for and reduces) the given deployments.
   *
   * @example
   * ```ts
   * flow.add({ name: "a", needs: "gateway" }).add({ name: "b", needs: "gateway" }).needs(["a", "b"], { name: "joiner" });
   * ```
   */
  needs(needs: string | string[], options: DeploymentOptions = {}): this {
    return this.#add({ name: options.name ?? "joiner", ...options, needs }, "needs");
  }

  /** Alias of {@link Flow.needs}. */
  join(needs: string | string[], options: DeploymentOptions = {}): this {
    return this.needs(needs, options);
  }

  /**
   * Adds a joiner that needs every deployment that has no successor yet (floating ones excepted: nobody waits
   * for them).
   *
   * @example
   * ```ts
   * flow.add({ name: "a", needs: "gateway" }).add({ name: "b", needs: "gateway" }).needsAll(); // joiner needs a, b
   * ```
   */
  needsAll(options: DeploymentOptions = {}): this {
    const graph = this.build();
    const floating = new Set(this.#deployments.filter((deployment) => deployment.options.floating).map((deployment) => deployment.name));
    const dangling = Object.entries(graph)
      .filter(([name, next]) => name !== "start-gateway" && !floating.has(name) && next.filter((n) => n !== "end-gateway").length === 0)
      .map(([name]) => name);
    return this.needs(dangling.length ? dangling : ["gateway"], options);
  }

  /**
   * Adds an inspect deployment (Jina's `inspect()`): it gets what the last deployment returns, runs floating
   * (nobody waits for it, its result is not in the answer) and the next `add()` still follows the last
   * deployment, so the main path is unchanged. Use it for evaluation and monitoring; {@link Flow.gatherInspect}
   * brings the inspect results back into the main path.
   *
   * @example
   * ```ts
   * new Flow().add({ name: "encoder", uses: Encoder }).inspect({ name: "check", uses: Checker }).add({ name: "indexer" });
   * // encoder → check (floating), encoder → indexer → end-gateway
   * ```
   */
  inspect(options: Omit<DeploymentOptions, "needs" | "floating"> = {}): this {
    const name = options.name ?? "inspect";
    this.#add({ ...options, name, needs: this.#lastNonFloating() ?? "gateway", floating: true }, "inspect", { ...options, name });
    this.#inspects.push(name);
    return this;
  }

  /**
   * Adds a joiner (default name `gather_inspect`) that needs every inspect deployment and, unless
   * `includeLastDeployment: false`, the last main deployment, so the inspect results are reduced into the answer
   * (Jina's `gather_inspect()`). Without inspect deployments it adds nothing.
   *
   * @example
   * ```ts
   * flow.add({ name: "ranker" }).inspect({ name: "evaluate", uses: Evaluator }).gatherInspect();
   * // ranker → evaluate → gather_inspect, ranker → gather_inspect → end-gateway
   * ```
   */
  gatherInspect(options: Omit<DeploymentOptions, "needs"> & { includeLastDeployment?: boolean } = {}): this {
    if (this.#inspects.length === 0) return this;
    const { includeLastDeployment = true, ...rest } = options;
    const last = this.#lastNonFloating();
    const needs = [...this.#inspects, ...(includeLastDeployment && last ? [last] : [])];
    return this.needs(needs, { ...rest, name: rest.name ?? "gather_inspect" });
  }

  /**
   * The graph description the gateway runs (Jina's `--graph-description`).
   *
   * @example
   * ```ts
   * new Flow().add({ name: "a" }).build(); // { "start-gateway": ["a"], "a": ["end-gateway"] }
   * ```
   */
  build(): Record<string, string[]> {
    return buildGraphDescription(
      this.#deployments.map((deployment) => ({ name: deployment.name, needs: deployment.needs, floating: !!deployment.options.floating })),
    );
  }

  /**
   * What the flow is, for tools that read it without starting it (exports, plot): its options, every deployment
   * with its resolved needs, shards and replicas, the inspect deployments and the graph.
   *
   * @example
   * ```ts
   * new Flow().add({ name: "a", replicas: 2 }).describe().deployments[0]!.replicas; // 2
   * ```
   */
  describe(): FlowDescription {
    return {
      options: { ...this.#options },
      deployments: this.#deployments.map((deployment) => ({ ...deployment, needs: [...deployment.needs] })),
      inspects: [...this.#inspects],
      graph: this.build(),
    };
  }

  /**
   * Draws the flow as Jina's mermaid flowchart (`deploy/mermaid.ts`) and, given a path, writes it: `.svg`
   * (rendered locally, no browser, no network), `.md` (a mermaid block) or `.mmd`. Resolves with the mermaid text.
   *
   * @example
   * ```ts
   * await new Flow().add({ name: "encoder", replicas: 2 }).add({ name: "indexer", shards: 2 }).plot("flow.svg");
   * ```
   */
  async plot(path?: string, options: { verticalLayout?: boolean } = {}): Promise<string> {
    const { plotFlow } = await import("../deploy/plot.ts");
    return await plotFlow(this.describe(), path, options);
  }

  /** The playground's graph: {@link plot}'s mermaid and its SVG (mermaid alone if rendering fails). */
  async #plotForPlayground(): Promise<{ mermaid: string; svg?: string }> {
    const mermaid = await this.plot();
    try {
      const { mermaidToSvg } = await import("../deploy/svg.ts");
      return { mermaid, svg: mermaidToSvg(mermaid) };
    } catch {
      return { mermaid }; // the page draws it itself
    }
  }

  /**
   * Writes Jina's Kubernetes export of this flow under `dir` (`deploy/kubernetes.ts`): per shard of each
   * deployment a ConfigMap, a headless Service and a Deployment (StatefulSet with `volumes`), and the gateway.
   * The flow is not started. Resolves with the files written; deploy with `kubectl apply -R -f dir`.
   *
   * @example
   * ```ts
   * await new Flow({ name: "search" }).add({ name: "encoder", uses: "./encoder.ts#Encoder", replicas: 2 }).toKubernetesYaml("k8s");
   * ```
   */
  async toKubernetesYaml(dir: string, options: { namespace?: string; image?: string } = {}): Promise<string[]> {
    const { toKubernetesYaml } = await import("../deploy/kubernetes.ts");
    return await toKubernetesYaml(this.describe(), dir, options);
  }

  /** Alias of {@link Flow.toKubernetesYaml} (Jina's `to_k8s_yaml`). */
  toK8sYaml(dir: string, options: { namespace?: string; image?: string } = {}): Promise<string[]> {
    return this.toKubernetesYaml(dir, options);
  }

  /**
   * Writes Jina's docker-compose export of this flow to `path` (default `docker-compose.yml`; `deploy/docker-compose.ts`):
   * a service per replica, the gateway listing them all. The flow is not started. Resolves with the path.
   *
   * @example
   * ```ts
   * await flow.toDockerComposeYaml("docker-compose.yml", { networkName: "search", includeGateway: true });
   * ```
   */
  async toDockerComposeYaml(path?: string, options: { networkName?: string; includeGateway?: boolean; image?: string } = {}): Promise<string> {
    const { toDockerComposeYaml } = await import("../deploy/docker-compose.ts");
    return await toDockerComposeYaml(this.describe(), path, options);
  }

  /**
   * Starts every deployment (in parallel) and the gateway; resolves when all are ready. On failure everything
   * started is stopped and the error names the deployment.
   */
  start(): Promise<this> {
    this.#starting ??= this.#start().catch(async (error) => {
      await this.close();
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  async #start(): Promise<this> {
    checkGracePeriod(this.#options.gracePeriod); // before any replica starts with it
    const defaults = this.#defaults = {
      workspace: this.#options.workspace ?? ".workspace",
      env: this.#options.env ?? {},
      timeoutReadyMs: this.#options.timeoutReady ?? 600_000,
      monitoring: this.#options.monitoring ?? false,
      ...(this.#options.gracePeriod === undefined ? {} : { gracePeriod: this.#options.gracePeriod }),
      ...(this.#options.maxDocs === undefined ? {} : { maxDocs: this.#options.maxDocs }),
    };
    // The gateway's code (Hono, zod, OpenTelemetry) loads only here, while the replicas start: a module that imports
    // the package root (an executor's, say) does not pay for it.
    const gatewayModule = import("../gateway/gateway.ts"); // not mod.ts: the HTTP side loads only if served (http-side.ts)
    gatewayModule.catch(() => {}); // awaited below unless a deployment fails first
    const results = await Promise.allSettled(this.#deployments.map((deployment) => startDeployment(deployment, defaults)));
    this.#running = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) throw JinaError.from(failed.reason);

    const { createGateway } = await gatewayModule;
    this.#gateway = createGateway({
      graph: this.build(),
      deployments: toGatewayDeployments(this.#deployments, this.#running, this.#options),
      ...pick(this.#options, [
        "timeoutSend",
        "retries",
        "retryPolicy",
        "gracePeriod",
        "maxDocs",
        "requestTimeout",
        "debug",
        "allowedHosts",
        "limits",
        "title",
        "description",
        "noDebugEndpoints",
        "noCrudEndpoints",
        "cors",
        "prefetch",
        "compression",
        "maxRequestBytes",
        "exposeEndpoints",
        "monitoring",
      ]),
      playground: this.#options.playground === false ? false : { graph: () => this.#plotForPlayground(), ...this.#options.playground },
    });
    const ports = this.#requestedPorts();
    const tls = readTlsFiles(this.#options.tls);
    for (const [index, protocol] of this.protocols.entries()) {
      this.#servers.push(
        await this.#gateway.serve({ protocol, port: ports[index] ?? 0, host: this.#options.host ?? "127.0.0.1", ...(tls ? { tls } : {}) }),
      );
    }
    if (this.#options.monitoring) {
      this.#monitoring = await this.#gateway.serveMonitoring({ port: this.#options.portMonitoring ?? 0, host: this.#options.host ?? "127.0.0.1" });
    }
    // From the package build, once: the next flow's process compiles the gateway from its cache. Only missing caches:
    // this process may run with V8 flags its executors lack, and V8 rejects a cache made with other flags.
    saveCodeCaches({ onlyMissing: true });
    return this;
  }

  /**
   * Shuts down gracefully: the gateway drains (health NOT_SERVING, new calls 503 / UNAVAILABLE, calls in flight
   * finish up to `gracePeriod`, default 10 s, then are cancelled with UNAVAILABLE), then every deployment stops; no
   * child process stays alive and every port is freed.
   */
  async close(): Promise<void> {
    this.#removeShutdownHook?.();
    // Drain first (new calls refused, calls in flight — this flow's own client's too — finish up to gracePeriod),
    // then stop the servers, the pools, this flow's client and the deployments.
    await this.#gateway?.close();
    this.#gateway = undefined;
    await Promise.allSettled(this.#changes.values()); // a scale under way fails once the gateway is closed
    const client = this.#client;
    this.#client = undefined;
    client?.close();
    this.#servers = [];
    this.#monitoring = undefined;
    const running = this.#running.splice(0);
    await Promise.allSettled(running.map((deployment) => deployment.close()));
    this.#starting = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Serves until SIGINT or SIGTERM (a second one exits at once) or until this process's parent exits, then closes (drains). */
  async block(): Promise<void> {
    await new Promise<void>((resolve) => {
      const stopSignals = onShutdown(() => resolve());
      const stopWatching = onParentExit(() => resolve()); // e.g. an `npx` wrapper killed without forwarding SIGTERM
      this.#removeShutdownHook = () => (stopSignals(), stopWatching());
    });
    await this.close();
  }

  /**
   * Grows or shrinks a running deployment to `replicas` per shard (Jina 3.0–3.2's `scale`; with shards, every
   * shard is scaled). New replicas (in their own process or in this one, as the deployment's others) get requests
   * only once their health answers SERVING; leaving ones (the last ones) are first taken out of the gateway's
   * rotation, then their calls in flight finish, then they stop: no request is lost. Calls on one deployment run
   * one after another. If a new replica fails to start, those started are stopped and the size is unchanged.
   *
   * @example
   * ```ts
   * await using flow = await new Flow().add({ name: "encoder", uses: "./encoder.ts#Encoder" }).start();
   * await flow.scale("encoder", 3); // encoder/rep-1 and encoder/rep-2 join
   * await flow.scale("encoder", 1); // they leave, drained
   * ```
   */
  async scale(deployment: string, replicas: number): Promise<void> {
    const resolved = this.#changeable(deployment, "scale");
    positiveInteger(deployment, "scale(): replicas", replicas, 1);
    return await this.#change(resolved, (running, changes) => scaleReplicas(resolved, running, replicas, changes), () => ({ replicas: resolved.replicas }));
  }

  /**
   * Replaces the replicas of a running deployment one at a time with ones started with new `usesWith` (Jina
   * 3.0–3.2's `rolling_update`), and/or new `usesMetas` or `env`; each given option replaces the deployment's. A
   * new replica joins once SERVING, then the one it replaces leaves (out of the rotation, drained, stopped): no
   * request is lost and a shard never has fewer replicas serving. Replicas get free ports (fixed `port`s are not
   * reused). Queued behind a running `scale()` of the same deployment.
   *
   * @example
   * ```ts
   * await flow.rollingUpdate("encoder", { usesWith: { model: "v2" } });
   * ```
   */
  async rollingUpdate(deployment: string, update: RollingUpdateOptions): Promise<void> {
    const resolved = this.#changeable(deployment, "rollingUpdate");
    checkRollingUpdate(deployment, update);
    return await this.#change(resolved, (running, changes) => rollingUpdate(resolved, running, update, changes), () => appliedUpdate(resolved, update));
  }

  /** The deployment a `scale()` / `rollingUpdate()` may change, or a JinaError saying why not. */
  #changeable(name: string, what: string): ResolvedDeployment {
    if (!this.#gateway || !this.#defaults) {
      throw new JinaError(`${what}("${name}") needs a running flow: call \`await flow.start()\` first`, ErrorCode.FailedPrecondition);
    }
    const resolved = this.#deployments.find((deployment) => deployment.name === name);
    if (!resolved) {
      const known = this.#deployments.map((deployment) => `"${deployment.name}"`).join(", ") || "none";
      throw new JinaError(`${what}(): the flow has no deployment "${name}" (it has ${known})`, ErrorCode.NotFound);
    }
    if (resolved.options.external) {
      throw new JinaError(
        `${what}("${name}"): the deployment is external: its replicas run elsewhere (${resolved.options.host ?? "?"}), scale or update them there`,
        ErrorCode.FailedPrecondition,
      );
    }
    return resolved;
  }

  /**
   * Runs one change of a deployment after the ones before it, with the flow's gateway and defaults; then records
   * `live()` (what the deployment runs with now, also after a failure that was rolled back) for `save()`.
   */
  #change(
    resolved: ResolvedDeployment,
    run: (running: RunningDeployment, changes: ReplicaChanges) => Promise<void>,
    live: () => DeploymentOptions,
  ): Promise<void> {
    const name = resolved.name;
    const previous = this.#changes.get(name) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(async () => {
      const gateway = this.#gateway;
      const defaults = this.#defaults;
      const running = this.#running.find((deployment) => deployment.name === name);
      if (!gateway || !defaults || !running) throw new JinaError(`Deployment "${name}" cannot change: the flow is closing`, ErrorCode.FailedPrecondition);
      try {
        await run(running, {
          start: (shard, replicaId) => startShardReplica(resolved, defaults, shard, replicaId, "free"),
          // the replica is ready (its process printed its ready line): the gateway waits ≤ 30 s for health SERVING
          join: (shard, replica) => gateway.addReplica(name, replica.target, { shard }),
          leave: async (shard, replica) => void (await gateway.removeReplica(name, replica.target, { shard })),
        });
      } finally {
        this.#live.set(name, { ...this.#live.get(name), ...live() });
      }
    });
    this.#changes.set(name, next);
    void next.finally(() => this.#changes.get(name) === next && this.#changes.delete(name)).catch(() => {});
    return next;
  }

  /**
   * Sends documents to an endpoint through the gateway and resolves with the documents that come back.
   *
   * @example
   * ```ts
   * const matches = await flow.post("/search", [{ text: "hello" }], { parameters: { limit: 3 } });
   * ```
   */
  post(on: string, inputs?: FlowInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray> {
    return this.client.post(on, inputs, options);
  }

  /** `post("/index", ...)`. */
  index(inputs?: FlowInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray> {
    return this.post("/index", inputs, options);
  }

  /** `post("/search", ...)`. */
  search(inputs?: FlowInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray> {
    return this.post("/search", inputs, options);
  }

  /** `post("/update", ...)`. */
  update(inputs?: FlowInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray> {
    return this.post("/update", inputs, options);
  }

  /** `post("/delete", ...)`. */
  delete(inputs?: FlowInputs, options?: PostOptions & { returnResponses?: false }): Promise<DocumentArray> {
    return this.post("/delete", inputs, options);
  }

  /** A client connected to the gateway's first protocol. */
  get client(): Client {
    if (!this.#gateway || this.#servers.length === 0) {
      throw new JinaError("The flow is not started: call `await flow.start()` first", ErrorCode.FailedPrecondition);
    }
    return (this.#client ??= new Client({ host: this.host, port: this.port, protocol: this.protocol, tls: this.#options.tls !== undefined }));
  }

  /** The gateway's protocols. */
  get protocols(): Protocol[] {
    const protocol = this.#options.protocol ?? "grpc";
    return Array.isArray(protocol) ? protocol : [protocol];
  }

  /** The gateway's first protocol. */
  get protocol(): Protocol {
    return this.protocols[0]!;
  }

  /** The gateway's first port (the bound one once started). */
  get port(): number {
    return this.#servers[0]?.port ?? this.#requestedPorts()[0] ?? 0;
  }

  /**
   * The gateway's metrics port (`monitoring: true`): the bound one once started, else the requested one;
   * undefined without monitoring. Each replica's is `flow.pods[d].shards[s][r].portMonitoring`.
   */
  get portMonitoring(): number | undefined {
    if (!this.#options.monitoring) return undefined;
    return this.#monitoring?.port ?? this.#options.portMonitoring ?? 0;
  }

  /** All gateway ports, one per protocol. */
  get ports(): number[] {
    return this.#servers.length ? this.#servers.map((server) => server.port) : this.#requestedPorts();
  }

  /** The gateway's host. */
  get host(): string {
    return this.#options.host ?? "127.0.0.1";
  }

  /** The address other processes on this machine use. */
  get addressPrivate(): string {
    return this.host;
  }

  /** The flow's name (`name` option; `"flow"` by default). */
  get name(): string {
    return this.#options.name ?? "flow";
  }

  /** The flow's workspace root. */
  get workspace(): string {
    return this.#options.workspace ?? ".workspace";
  }

  /** Environment variables given to every spawned executor. */
  get env(): Record<string, string> {
    return { ...this.#options.env };
  }

  /** The number of deployments. */
  get numDeployments(): number {
    return this.#deployments.length;
  }

  /** The number of pods: replicas of every shard of every deployment, plus `usesBefore` / `usesAfter` ones. */
  get numPods(): number {
    return this.#deployments.reduce((sum, { shards, replicas, options }) => {
      const helpers = shards > 1 ? Number(options.usesBefore !== undefined) + Number(options.usesAfter !== undefined) : 0;
      return sum + shards * replicas + helpers;
    }, 0);
  }

  /** The running replicas by deployment (for tests and tooling). */
  get pods(): ReadonlyArray<RunningDeployment> {
    return this.#running;
  }

  #requestedPorts(): number[] {
    const port = this.#options.port;
    return port === undefined ? [] : Array.isArray(port) ? port : [port];
  }

  #lastNonFloating(): string | undefined {
    return this.#deployments.findLast((deployment) => !deployment.options.floating)?.name;
  }

  #assertNotStarted(what: string): void {
    if (this.#starting) throw new JinaError(`${what} is not allowed once the flow has started`, ErrorCode.FailedPrecondition);
  }
}

const inheritedKeys = ["shards", "replicas", "polling", "usesWith", "usesMetas", "usesRequests", "usesDynamicBatching", "inProcess"] as const;

/** The deployment options the flow passes on (Jina's flow-level executor arguments). */
function inheritedOf(options: FlowOptions): InheritedDeploymentOptions {
  return withoutUndefined(Object.fromEntries(inheritedKeys.map((key) => [key, options[key]])) as InheritedDeploymentOptions);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** `AsyncFlow` is `Flow`: everything in jina-ts is async. */
export const AsyncFlow = Flow;

function checkProtocol(protocol: string): void {
  if (!["grpc", "http", "websocket"].includes(protocol)) {
    throw new JinaError(`Unknown gateway protocol "${protocol}": use "grpc", "http" or "websocket"`, ErrorCode.InvalidArgument);
  }
}

function readTlsFiles(tls: FlowOptions["tls"]): TlsOptions | undefined {
  if (tls === undefined) return undefined;
  const read = (field: "cert" | "key"): string => {
    const path = tls[field];
    if (typeof path !== "string" || path === "") {
      throw new JinaError(`Flow option tls.${field} must be the path of a PEM file; give both tls.cert and tls.key`, ErrorCode.InvalidArgument);
    }
    try {
      return readText(path);
    } catch (error) {
      throw new JinaError(`Flow option tls.${field}: cannot read ${JSON.stringify(path)} (${(error as Error).message})`, ErrorCode.InvalidArgument, { cause: error });
    }
  };
  return { cert: read("cert"), key: read("key") };
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}

export type { JsonObject };
