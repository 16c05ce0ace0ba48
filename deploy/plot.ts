/**
 * `flow.plot(path)`: the flow's mermaid flowchart written as SVG (rendered here), Markdown or plain mermaid.
 *
 * @module
 */
import type { Flow, FlowDescription } from "../flow/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { writeText } from "../runtime/mod.ts";
import { type MermaidOptions, toMermaid } from "./mermaid.ts";

/**
 * Writes the flow's flowchart to `path` by its extension: `.svg` (rendered locally, see `deploy/svg.ts`), `.md`
 * (a fenced ```mermaid block, which GitHub and most Markdown viewers draw) or `.mmd` (the mermaid text). Without
 * a path nothing is written. Resolves with the mermaid text either way.
 *
 * @example
 * ```ts
 * await plotFlow(new Flow().add({ name: "encoder" }), "flow.svg");
 * await plotFlow(flow, "flow.md", { verticalLayout: true });
 * ```
 */
export async function plotFlow(flow: Flow | FlowDescription, path?: string, options: MermaidOptions = {}): Promise<string> {
  const mermaid = toMermaid(flow, options);
  if (path === undefined) return mermaid;
  const extension = path.slice(path.lastIndexOf(".")).toLowerCase();
  if (extension === ".svg") {
    const { mermaidToSvg } = await import("./svg.ts");
    writeText(path, mermaidToSvg(mermaid));
  } else if (extension === ".md" || extension === ".markdown") {
    writeText(path, `\`\`\`mermaid\n${mermaid}\`\`\`\n`);
  } else if (extension === ".mmd" || extension === ".mermaid") {
    writeText(path, mermaid);
  } else {
    throw new JinaError(`Cannot plot to ${JSON.stringify(path)}: use a .svg, .md or .mmd file`, ErrorCode.InvalidArgument);
  }
  return mermaid;
}
