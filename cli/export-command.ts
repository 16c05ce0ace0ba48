/**
 * `jina-ts export kubernetes|docker-compose|flowchart|dockerfile …` (Jina's `jina export`): writes what a built
 * Flow needs to run elsewhere, without starting it. One row per exporter in {@link exporters}; other engineers'
 * exporters (e.g. `schema`) are one more row.
 *
 * @module
 */
import type { Flow } from "../flow/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type CliFlags, formatUsage, parseCommandArgs } from "./command.ts";

/** The command's name. */
export const name = "export";

/** One line for `jina-ts --help`. */
export const summary = "writes Kubernetes, docker-compose, a Dockerfile or a flowchart for a flow";

/** What one exporter takes and does. */
interface Exporter {
  /** Positionals after the exporter's name, for the help. */
  synopsis: string;
  /** One line for the help. */
  help: string;
  /** Writes the export; resolves with the lines to print. */
  run(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<string[]>;
}

/** Every flag of every exporter (each uses its own). */
export const flags: CliFlags = {
  "k8s-namespace": { value: "NS", help: "kubernetes: the namespace (default: the flow's name, else default)" },
  "network-name": { value: "NAME", help: "docker-compose: the network", default: "jina-network" },
  "no-gateway": { help: "docker-compose: leave the gateway service out" },
  image: { value: "IMAGE", help: "kubernetes, docker-compose: the image of the gateway and of deployments without `image` (default: $JINA_TS_IMAGE, else jina-ts:<version>)" },
  "vertical-layout": { help: "flowchart: top-down instead of left-right" },
  "base-image": { value: "IMAGE", help: "dockerfile: the base image", default: "node:20-alpine" },
  executor: { help: "schema: the Executor YAML schema instead of the Flow YAML one" },
};

/** Loads a flow file: a module exporting a Flow (`.ts`, `.js`, `.mjs`), or Flow YAML through `Flow.load`. */
async function loadFlow(path: string | undefined): Promise<Flow> {
  if (!path) throw new JinaError("jina-ts export needs the flow file first (flow.yml or flow.ts; see jina-ts export --help)", ErrorCode.InvalidArgument);
  if (/\.ya?ml$/i.test(path)) {
    const { Flow } = await import("../flow/mod.ts");
    const load = (Flow as unknown as { load?: (path: string) => Promise<Flow> | Flow }).load;
    if (!load) throw new JinaError(`Cannot read ${path}: Flow YAML needs Flow.load, which this build does not have; export a Flow from a .ts module instead`, ErrorCode.Unimplemented);
    return await load.call(Flow, path);
  }
  const { loadFlowModule } = await import("./flow-command.ts");
  return await loadFlowModule(path);
}

function output(positionals: string[], what: string): string {
  const path = positionals[1];
  if (!path) throw new JinaError(`jina-ts export: give where to write ${what} after the flow file`, ErrorCode.InvalidArgument);
  return path;
}

const text = (value: string | boolean | undefined) => (typeof value === "string" ? value : undefined);

/**
 * The exporters, by name: what `jina-ts export <name>` runs.
 *
 * @example
 * ```ts
 * Object.keys(exporters); // ["kubernetes", "docker-compose", "flowchart", "dockerfile", "schema"]
 * ```
 */
export const exporters: Record<string, Exporter> = {
  kubernetes: {
    synopsis: "FLOW DIR [--k8s-namespace NS] [--image IMAGE]",
    help: "a folder of Kubernetes YAML (kubectl apply -R -f DIR)",
    async run(positionals, values) {
      const flow = await loadFlow(positionals[0]);
      const dir = output(positionals, "the Kubernetes folder");
      const namespace = text(values["k8s-namespace"]);
      const image = text(values.image);
      const files = await flow.toKubernetesYaml(dir, { ...(namespace ? { namespace } : {}), ...(image ? { image } : {}) });
      return [...files, `${files.length} files written; deploy with: kubectl apply -R -f ${dir}`];
    },
  },
  "docker-compose": {
    synopsis: "FLOW FILE [--network-name NAME] [--no-gateway] [--image IMAGE]",
    help: "a docker-compose file (docker compose -f FILE up)",
    async run(positionals, values) {
      const flow = await loadFlow(positionals[0]);
      const path = output(positionals, "the compose file");
      const image = text(values.image);
      await flow.toDockerComposeYaml(path, {
        networkName: text(values["network-name"]) ?? "jina-network",
        includeGateway: values["no-gateway"] !== true,
        ...(image ? { image } : {}),
      });
      return [`${path} written; run with: docker compose -f ${path} up`];
    },
  },
  flowchart: {
    synopsis: "FLOW OUT.svg|OUT.md|OUT.mmd [--vertical-layout]",
    help: "the flow's mermaid flowchart, as SVG (rendered here), Markdown or mermaid",
    async run(positionals, values) {
      const flow = await loadFlow(positionals[0]);
      const path = output(positionals, "the flowchart");
      await flow.plot(path, { verticalLayout: values["vertical-layout"] === true });
      return [`${path} written`];
    },
  },
  dockerfile: {
    synopsis: "[DIR] [--base-image IMAGE]",
    help: "a Dockerfile and .dockerignore for this project's image (docker build -t NAME:TAG DIR)",
    async run(positionals, values) {
      const [{ dockerfileText, dockerignoreText }, { ensureDir, writeText }] = await Promise.all([import("../deploy/dockerfile.ts"), import("../runtime/mod.ts")]);
      const dir = (positionals[0] ?? ".").replace(/\/+$/, "") || ".";
      ensureDir(dir);
      const baseImage = text(values["base-image"]);
      writeText(`${dir}/Dockerfile`, dockerfileText(baseImage ? { baseImage } : {}));
      writeText(`${dir}/.dockerignore`, dockerignoreText());
      return [`${dir}/Dockerfile and ${dir}/.dockerignore written; build with: docker build -t NAME:TAG ${dir}, then export with JINA_TS_IMAGE=NAME:TAG`];
    },
  },
  schema: {
    synopsis: "[OUT.json] [--executor]",
    help: "the JSON Schema of Flow YAML (Executor YAML with --executor), from the zod schemas that validate them",
    async run(positionals, values) {
      const [{ configJsonSchema }, { writeText }] = await Promise.all([import("../config/mod.ts"), import("../runtime/mod.ts")]);
      const schema = `${JSON.stringify(configJsonSchema(values.executor === true ? "executor" : "flow"), null, 2)}\n`;
      if (!positionals[0]) return [schema.trimEnd()];
      writeText(positionals[0], schema);
      return [`${positionals[0]} written`];
    },
  },
};

/** `jina-ts export --help`. */
export const usage = formatUsage(
  "jina-ts export <what> … [flags]",
  ["Writes what a flow needs to run elsewhere; the flow is read, never started. FLOW is a flow.yml or a module", "exporting a Flow (flow.ts).", "",
    ...Object.entries(exporters).map(([key, exporter]) => `jina-ts export ${key} ${exporter.synopsis}\n    ${exporter.help}`)].join("\n"),
  flags,
);

/**
 * Runs one exporter and prints what it wrote; resolves 0.
 *
 * @example
 * ```ts
 * await run(["kubernetes", "flow.ts", "k8s", "--k8s-namespace", "search"]);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(name, args, flags);
  const [what, ...rest] = positionals;
  const exporter = what === undefined ? undefined : exporters[what];
  if (!exporter) {
    throw new JinaError(`jina-ts export: ${what === undefined ? "say what to export" : `unknown export "${what}"`}: one of ${Object.keys(exporters).join(", ")} (see jina-ts export --help)`, ErrorCode.InvalidArgument);
  }
  for (const line of await exporter.run(rest, values)) console.log(line);
  return 0;
}
