/**
 * `jina-ts flow --uses flow.yml` (a Flow YAML) or `--uses ./my-flow.ts` (a module that exports the Flow as
 * `default` or `flow`): starts the Flow and serves it until Ctrl-C.
 *
 * @module
 */
import type { Flow } from "../flow/mod.ts";
import { CliUsageError, type CliFlags, formatUsage, parseCommandArgs } from "./command.ts";

/** The command's name. */
export const name = "flow";

/** One line for `jina-ts --help`. */
export const summary = "starts a Flow YAML (or the Flow a module exports) and serves it";

/** Every flag. */
export const flags: CliFlags = {
  uses: {
    value: "FILE",
    help: "a Flow YAML (.yml/.yaml), or a module that exports the Flow (as default or as `flow`), relative to the working directory",
  },
  "grace-period": {
    value: "MS",
    help: "on Ctrl-C/SIGTERM the gateway, then each executor, lets calls in flight finish up to this long before cancelling them (overrides the YAML's grace_period; default 10000)",
  },
};

/** `jina-ts flow --help`. */
export const usage = formatUsage(
  "jina-ts flow --uses flow.yml|./flow.ts [flags]",
  "Loads the Flow YAML (${{ ENV.X }} from the environment) or imports the module, starts its Flow and serves it until Ctrl-C. Prints `JINA_FLOW_READY {…}` (for programs)\n" +
    "and one line per gateway address, with Swagger UI's /docs for HTTP (for people).",
  flags,
);

/**
 * What `jina-ts flow` prints once the flow serves: the machine-readable line, then a line per address.
 *
 * @example
 * ```ts
 * flowReadyLines({ host: "127.0.0.1", protocols: ["grpc", "http"], ports: [54321, 54322] });
 * // ['JINA_FLOW_READY {"host":"127.0.0.1","protocols":["grpc","http"],"ports":[54321,54322]}',
 * //  "flow ready (Ctrl-C to stop):", "  grpc  grpc://127.0.0.1:54321",
 * //  "  http  http://127.0.0.1:54322  (Swagger UI http://127.0.0.1:54322/docs)"]
 * ```
 */
export function flowReadyLines(flow: Pick<Flow, "host" | "protocols" | "ports">): string[] {
  const host = flow.host.includes(":") ? `[${flow.host}]` : flow.host;
  const machine = JSON.stringify({ host: flow.host, protocols: flow.protocols, ports: flow.ports });
  return [
    `JINA_FLOW_READY ${machine}`,
    "flow ready (Ctrl-C to stop):",
    ...flow.protocols.map((protocol, i) => {
      const url = `${protocol === "websocket" ? "ws" : protocol}://${host}:${flow.ports[i]}`;
      return `  ${protocol.padEnd(9)} ${url}${protocol === "http" ? `  (Swagger UI ${url}/docs)` : ""}`;
    }),
  ];
}

/**
 * Loads the Flow YAML at `path` (or imports the module and finds its Flow), sets its `gracePeriod` when given,
 * starts it, prints its ready lines and serves until SIGINT/SIGTERM (then drains; a second signal exits at once).
 *
 * @example
 * ```ts
 * await runFlowModule("./flows/search.ts", console.log);
 * ```
 */
export async function runFlowModule(path: string, report: (line: string) => void, options: { gracePeriod?: number } = {}): Promise<void> {
  const flow = await loadFlowModule(path);
  if (options.gracePeriod !== undefined) flow.setGracePeriod(options.gracePeriod);
  await flow.start();
  for (const line of flowReadyLines(flow)) report(line);
  await flow.block();
}

/**
 * Imports `path` and returns the Flow it exports (as `default` or `flow`), without starting it.
 *
 * @example
 * ```ts
 * const flow = await loadFlowModule("./flows/search.ts");
 * ```
 */
export async function loadFlowModule(path: string): Promise<Flow> {
  const [{ Flow }, { fileUrl, importModule }, { ErrorCode, JinaError }] = await Promise.all([
    import("../flow/mod.ts"),
    import("../runtime/mod.ts"),
    import("../proto/errors.ts"),
  ]);
  if (/\.(ya?ml|jaml)$/i.test(path)) return await Flow.load(path);
  const module = (await importModule(fileUrl(path)).catch((error) => {
    throw new JinaError(`Cannot load the flow module "${path}": ${JinaError.from(error).rawMessage}`, ErrorCode.NotFound);
  })) as Record<string, unknown>;
  const flow = [module.default, module.flow].find((value): value is Flow => value instanceof Flow);
  if (!flow) {
    throw new JinaError(
      `"${path}" exports no Flow: export it as \`export default new Flow()…\` or \`export const flow = …\``,
      ErrorCode.InvalidArgument,
    );
  }
  return flow;
}

/**
 * Runs the flow until a signal; resolves 0 once it is closed.
 *
 * @example
 * ```ts
 * await run(["--uses", "./flow.ts"]);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(name, args, flags);
  if (typeof values.uses !== "string") throw new CliUsageError("jina-ts flow needs --uses flow.yml or ./flow.ts (see jina-ts flow --help)");
  const grace = values["grace-period"];
  const gracePeriod = typeof grace === "string" ? Number(grace) : undefined;
  if (gracePeriod !== undefined && !(Number.isInteger(gracePeriod) && gracePeriod >= 0)) {
    throw new CliUsageError(`--grace-period must be a whole number of milliseconds ≥ 0, got "${grace}" (see jina-ts flow --help)`);
  }
  await runFlowModule(values.uses, console.log, gracePeriod === undefined ? {} : { gracePeriod });
  return 0;
}
