/**
 * Exports of a built Flow (it is never started here): Jina's mermaid flowchart and its SVG.
 *
 * @example
 * ```ts
 * import { Flow } from "jina-ts";
 * import { toMermaid } from "jina-ts/deploy";
 * console.log(toMermaid(new Flow().add({ name: "encoder", uses: "./encoder.ts#Encoder" })));
 * ```
 *
 * @module
 */
export { toMermaid } from "./mermaid.ts";
export { mermaidToSvg } from "./svg.ts";
export { plotFlow } from "./plot.ts";

export type { MermaidOptions } from "./mermaid.ts";
