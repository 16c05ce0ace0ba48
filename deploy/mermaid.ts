/**
 * A Flow as Jina's mermaid `flowchart LR` (what `flow.plot()` draws): a subgraph per deployment with its replicas,
 * a subgraph per shard when sharded, `usesBefore` / `usesAfter` as the head and tail of the shards, external
 * deployments as plain nodes, inspect edges dotted, `when` conditions as edge labels, and floating deployments
 * with no edge to the gateway's end.
 *
 * @module
 */
import type { Flow, FlowDescription, ResolvedDeployment, Uses } from "../flow/mod.ts";

/**
 * Options of {@link toMermaid}.
 *
 * @example
 * ```ts
 * const options: MermaidOptions = { verticalLayout: true };
 * ```
 */
export interface MermaidOptions {
  /** Top-down (`flowchart TD`) instead of left-right (`flowchart LR`), as Jina's `vertical_layout`. */
  verticalLayout?: boolean;
}

/** Jina's plot theme, as its `_mermaid_str` writes it. */
const theme =
  `%%{init:{"theme": "base", "themeVariables": {"primaryColor": "#fff", "primaryBorderColor": "#fff", "mainBkg": "#32C8CD", ` +
  `"clusterBkg": "#EEEDE78C", "secondaryBorderColor": "none", "tertiaryBorderColor": "none", "lineColor": "#a6d8da"}}}%%`;

const classDefs = [
  "classDef INSPECT stroke:#F29C9F",
  "classDef JOIN_INSPECT stroke:#F29C9F",
  "classDef GATEWAY fill:none,color:#000,stroke:none",
  "classDef INSPECT_AUX_PASS stroke-dasharray: 2 2",
  "classDef HEADTAIL fill:#32C8CD1D",
  "classDef EXTERNAL fill:#fff,stroke:#32C8CD",
];

/**
 * The flow's mermaid text. Node ids are `d<i>` (deployment i), `d<i>_s<s>_r<r>` (its replicas), so any deployment
 * name is safe; labels carry the names and each replica's `uses`, as Jina's plot does.
 *
 * @example
 * ```ts
 * import { Flow } from "jina-ts";
 * import { toMermaid } from "jina-ts/deploy";
 * const text = toMermaid(new Flow().add({ name: "encoder", uses: "./enc.ts#Encoder", replicas: 2 }));
 * // flowchart LR … subgraph d0 ["encoder"] … d0_s0_r0["./enc.ts#Encoder"]:::pod … gatewaystart["gateway"]:::GATEWAY --> d0
 * ```
 */
export function toMermaid(flow: Flow | FlowDescription, options: MermaidOptions = {}): string {
  const description = "describe" in flow ? flow.describe() : flow;
  const { deployments, inspects } = description;
  const ids = new Map(deployments.map((deployment, index) => [deployment.name, `d${index}`]));
  const lines = [theme, options.verticalLayout ? "flowchart TD" : "flowchart LR"];
  for (const [index, deployment] of deployments.entries()) lines.push(...deploymentLines(`d${index}`, deployment));
  const roleOf = (name: string): string => {
    if (inspects.includes(name)) return "INSPECT";
    if (name === "gather_inspect") return "JOIN_INSPECT";
    return "DEPLOYMENT";
  };
  const ref = (name: string): string => {
    const deployment = deployments.find((candidate) => candidate.name === name)!;
    const id = ids.get(name)!;
    return deployment.options.external ? `${id}:::EXTERNAL` : id;
  };
  for (const deployment of deployments) {
    for (const need of [...deployment.needs].sort()) {
      const from = need === "gateway" ? `gatewaystart["gateway"]:::GATEWAY` : ref(need);
      const dotted = roleOf(deployment.name).includes("INSPECT") || (need !== "gateway" && roleOf(need) === "INSPECT");
      const when = deployment.options.when === undefined ? "" : `|"${label(`when ${JSON.stringify(deployment.options.when)}`)}"|`;
      lines.push(`${from} ${dotted ? "-.->" : "-->"}${when} ${ref(deployment.name)}`);
    }
  }
  const last = Object.entries(description.graph).find(([, next]) => next.includes("end-gateway"))?.[0];
  if (last === "start-gateway" || last === undefined) lines.push(`gatewaystart["gateway"]:::GATEWAY --> gatewayend["gateway"]:::GATEWAY`);
  else lines.push(`${ref(last)} --> gatewayend["gateway"]:::GATEWAY`);
  lines.push(...classDefs);
  return `${lines.join("\n")}\n`;
}

function deploymentLines(id: string, deployment: ResolvedDeployment): string[] {
  const { name, shards, replicas, options } = deployment;
  const title = label(name);
  if (options.external) return [`${id}["${title} (external)"]`];
  const uses = label(usesLabel(options.uses));
  const lines = [`subgraph ${id} ["${title}"]`, "direction LR"];
  if (shards === 1) {
    for (let r = 0; r < replicas; r++) lines.push(`${id}_s0_r${r}["${uses}"]:::pod`);
  } else {
    for (let s = 0; s < shards; s++) {
      lines.push(`subgraph ${id}_s${s} ["${title}/shard-${s}"]`, "direction TB");
      for (let r = 0; r < replicas; r++) lines.push(`${id}_s${s}_r${r}["${uses}"]:::pod`);
      lines.push("end");
    }
    if (options.usesBefore !== undefined) {
      const head = `${id}_head["${label(usesLabel(options.usesBefore))}"]:::HEADTAIL`;
      for (let s = 0; s < shards; s++) lines.push(`${s === 0 ? head : `${id}_head`} --> ${id}_s${s}`);
    }
    if (options.usesAfter !== undefined) {
      const tail = `${id}_tail["${label(usesLabel(options.usesAfter))}"]:::HEADTAIL`;
      for (let s = 0; s < shards; s++) lines.push(`${id}_s${s} --> ${s === 0 ? tail : `${id}_tail`}`);
    }
  }
  lines.push("end");
  return lines;
}

/**
 * What a node shows for `uses`: the module specifier (a spec's `jtype`), the class name, or Jina's default
 * `BaseExecutor`. An absolute path (as `Flow.load` resolves a YAML's `./x.ts`) is cut to its file name, so the graph
 * shows `encoder.ts#Encoder` rather than where the checkout happens to live.
 */
function usesLabel(uses: Uses | undefined): string {
  if (uses === undefined) return "BaseExecutor";
  if (typeof uses === "string") return shortPath(uses);
  return typeof uses === "function" ? uses.name || "Executor" : shortPath(uses.jtype); // an executor spec: its class specifier
}

/** `/home/me/app/encoder.ts#Encoder` (or a `file:` URL, or `C:\…`) → `encoder.ts#Encoder`; anything else as it is. */
function shortPath(specifier: string): string {
  if (!/^(\/|file:|[A-Za-z]:[\\/])/.test(specifier)) return specifier;
  const [path = "", exported] = specifier.split("#");
  const name = path.split(/[\\/]/).pop() ?? path;
  return exported === undefined ? name : `${name}#${exported}`;
}

/** Text safe inside a quoted mermaid label: no double quotes, no line breaks. */
function label(text: string): string {
  return text.replaceAll('"', "'").replace(/[\r\n]+/g, " ");
}
