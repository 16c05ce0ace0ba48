/**
 * The Executor base class: metas, runtime args, workspace, endpoint bindings and lifecycle.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { ensureDir } from "../runtime/files.ts";
import type { Server } from "../runtime/mod.ts";
import { applyRequestOverrides, classBindings } from "./bindings.ts";
import { setInstanceBatching } from "./dynamic-batching-config.ts";
import { drainOnClose } from "./dynamic-batching.ts";
import { setInstanceBindings } from "./endpoints.ts";
import { loadExecutor, rememberOptions, saveExecutor } from "./executor-yaml.ts";
import type { LoadConfigOptions } from "../config/mod.ts";
import type { ExecutorMetas, ExecutorOptions, RuntimeArgs } from "./options.ts";
import { serveExecutor } from "./serve.ts";

const executorBrand = Symbol.for("jina-ts.Executor");

/**
 * Options of {@link Executor.serve}.
 *
 * @example
 * ```ts
 * const options: ExecutorServeOptions = { port: 12345, usesWith: { dim: 64 }, metas: { name: "encoder" } };
 * ```
 */
export interface ExecutorServeOptions {
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind; 127.0.0.1 by default. */
  host?: string;
  /** Constructor values (Jina's `uses_with`). */
  usesWith?: JsonObject;
  /** Overrides of the metas (`name`, `workspace`, ...). */
  metas?: Partial<ExecutorMetas>;
  /** How long closing lets data calls in flight finish, in ms (default 10,000; see `serveExecutor`). */
  gracePeriod?: number;
}

/**
 * The base class of every executor. Subclasses bind methods to endpoints with `@requests` (or `bindRequests`);
 * each method receives `{ docs, parameters, docsMatrix, docsMap, signal }` and may mutate the docs, return a new
 * DocumentArray, or return a plain object that goes to `parameters.__results__[metas.name]`.
 *
 * @example
 * ```ts
 * import { DocumentArray, Executor, type ExecutorOptions, requests } from "jina-ts";
 *
 * class Tagger extends Executor {
 *   readonly tag: string;
 *   constructor(options: ExecutorOptions & { tag?: string } = {}) {
 *     super(options);
 *     this.tag = options.tag ?? "seen";
 *   }
 *
 *   @requests("/index")
 *   mark({ docs }: { docs: DocumentArray }) {
 *     for (const doc of docs) doc.tags = { ...doc.tags, [this.tag]: true };
 *   }
 * }
 *
 * await using server = await Tagger.serve({ port: 12345, usesWith: { tag: "indexed" } });
 * ```
 */
export class Executor {
  /** Who this executor is: `name` (the class name unless told), `workspace`, `description`, ... */
  readonly metas: ExecutorMetas;
  /** Where this instance runs: pod `name`, `shardId`, `shards`, `replicas`, `workspace`. */
  readonly runtimeArgs: RuntimeArgs;

  constructor(options: ExecutorOptions = {}) {
    const metas = { ...options.metas } as Partial<ExecutorMetas>;
    this.metas = { ...metas, name: metas.name || new.target.name || "Executor" } as ExecutorMetas;
    const args = { ...options.runtimeArgs };
    this.runtimeArgs = {
      ...args,
      name: args.name || this.metas.name,
      shardId: args.shardId ?? 0,
      shards: args.shards ?? 1,
      replicas: args.replicas ?? 1,
    } as RuntimeArgs;
    const bindings = classBindings(new.target);
    setInstanceBindings(this, options.requests ? applyRequestOverrides(bindings, options.requests) : bindings);
    if (setInstanceBatching(this, options.dynamicBatching)) drainOnClose(this);
    rememberOptions(this, options);
  }

  /**
   * Loads an Executor YAML (`jtype`, `with`, `metas`, `requests`, `dynamic_batching`, `modules`) or
   * `"./file.ts#Class"` and constructs the executor (Jina's `Executor.load_config`). Relative paths in the YAML
   * resolve against its directory; `context` fills `${{ CONTEXT.X }}`.
   *
   * @example
   * ```ts
   * const executor = await Executor.load("executor1/config.yml");
   * await executor.save("copy.yml");
   * ```
   */
  static load(path: string, options: LoadConfigOptions = {}): Promise<Executor> {
    return loadExecutor(path, Executor, options);
  }

  /**
   * Writes this executor as Executor YAML: its class (and module, when loaded from one), its constructor values,
   * metas and request overrides (Jina's `save_config`).
   *
   * @example
   * ```ts
   * new Encoder({ dim: 64 }).save("encoder.yml"); // jtype: Encoder, with: { dim: 64 }
   * ```
   */
  async save(path: string): Promise<void> {
    await saveExecutor(this, path);
  }

  /** Marks the class chain, see {@link isExecutorClass}. */
  static readonly [executorBrand] = true;

  /**
   * `<runtimeArgs.workspace ?? metas.workspace ?? ".workspace">/<metas.name>/<shardId>`, absolute; created on access.
   *
   * @example
   * ```ts
   * const file = `${this.workspace}/index.json`;
   * ```
   */
  get workspace(): string {
    const root = this.runtimeArgs.workspace || this.metas.workspace || ".workspace";
    return ensureDir(`${root}/${this.metas.name}/${this.runtimeArgs.shardId}`);
  }

  /**
   * Called once on shutdown (the Flow closes, the process gets SIGTERM). Override to flush and release resources.
   * On an executor with dynamic batching, the requests still queued are handled first (and later ones run at once).
   *
   * @example
   * ```ts
   * override async close() { await this.store.flush(); }
   * ```
   */
  close(): void | Promise<void> {}

  /**
   * Serves this executor class alone over gRPC (Jina's `Executor.serve`). Closing the server also closes the
   * executor.
   *
   * @example
   * ```ts
   * await using server = await Tagger.serve({ port: 12345, usesWith: { tag: "x" } });
   * console.log(server.url);
   * ```
   */
  static async serve<T extends Executor>(
    this: new (options?: ExecutorOptions) => T,
    options: ExecutorServeOptions = {},
  ): Promise<Server> {
    const executor = new this({ ...options.usesWith, ...(options.metas ? { metas: options.metas } : {}) });
    let server: Server;
    try {
      server = await serveExecutor(executor, {
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.host !== undefined ? { host: options.host } : {}),
        ...(options.gracePeriod !== undefined ? { gracePeriod: options.gracePeriod } : {}),
      });
    } catch (error) {
      await executor.close();
      throw error;
    }
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= server.close().then(() => executor.close()));
    return { port: server.port, host: server.host, url: server.url, close, [Symbol.asyncDispose]: close };
  }
}

/**
 * Whether `value` is the Executor class or a subclass of it.
 *
 * @example
 * ```ts
 * isExecutorClass(Tagger); // true
 * isExecutorClass(Map);    // false
 * ```
 */
export function isExecutorClass(value: unknown): value is typeof Executor {
  return typeof value === "function" && (value as unknown as Record<symbol, unknown>)[executorBrand] === true;
}
