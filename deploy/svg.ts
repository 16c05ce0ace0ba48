/**
 * Renders mermaid text to SVG in this process, with no browser and no network, using `beautiful-mermaid` (a
 * mermaid parser and ELK layout that write SVG directly; mermaid's own renderer needs a DOM and a browser).
 *
 * @module
 */
import { renderMermaidSVG } from "beautiful-mermaid";

/**
 * The SVG of a mermaid flowchart. The renderer's web-font `@import` is removed, so the file loads nothing from
 * the network; text falls back to the system's sans-serif font.
 *
 * @example
 * ```ts
 * const svg = mermaidToSvg("flowchart LR\nA --> B"); // "<svg xmlns=…"
 * ```
 */
export function mermaidToSvg(mermaid: string): string {
  const svg = renderMermaidSVG(mermaid, { font: "sans-serif" });
  return svg.replace(/^\s*@import url\([^)]*\);?\s*$/m, "");
}
