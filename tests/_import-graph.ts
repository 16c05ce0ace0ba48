/**
 * The static import graph of a source file, for the fast-start tests (issue 8): what a module loads at start-up.
 * Type-only imports and dynamic `import()` are not loads at start-up and are not followed.
 *
 * @example
 * ```ts
 * const { files, packages } = staticGraph(join(root, "executor/main.ts"));
 * packageNames(packages).includes("zod"); // false
 * ```
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The files and packages `entry` loads through static value imports, each with the file that imports it first. */
export function staticGraph(entry: string): { files: Map<string, string>; packages: Map<string, string> } {
  const files = new Map<string, string>([[entry, ""]]);
  const packages = new Map<string, string>();
  const queue = [entry];
  const statement = /^\s*(?:import|export)\s+(?!type\b)([^;]*?)\s*from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    for (const match of source.matchAll(statement)) {
      const clause = match[1] ?? "";
      // `import { type A, type B } from "x"` loads nothing either
      if (/^\{[^}]*\}$/.test(clause) && clause.slice(1, -1).split(",").every((name) => /^\s*(type\s|$)/.test(name))) continue;
      const specifier = (match[2] ?? match[3])!;
      if (specifier.startsWith(".")) {
        const target = join(dirname(file), specifier);
        if (!files.has(target)) {
          files.set(target, file);
          queue.push(target);
        }
      } else if (!specifier.startsWith("node:") && !packages.has(specifier)) packages.set(specifier, file);
    }
  }
  return { files, packages };
}

/** The package names (`zod`, `@hono/node-server`) of a graph's package specifiers (`zod/v4`, …). */
export function packageNames(packages: Map<string, string>): string[] {
  return [...packages.keys()].map((specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"));
}
