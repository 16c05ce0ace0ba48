/**
 * Jina's variable substitution in YAML values: `${{ ENV.X }}` / `${{ env.X }}`, `${{ CONTEXT.X }}` / `${{ X }}`
 * from a context, `${{root.a.b}}` / `${{this.key}}` for values of the same document, and legacy `$X` / `${X}`.
 * A value that is one whole expression takes the variable's type (`replicas: ${{ ENV.N }}` with N=3 is 3).
 *
 * @module
 */
import { isMap, isScalar, parse, type Scalar, visit } from "yaml";
import { getEnv } from "../runtime/mod.ts";
import { configError, type KeyPath, maxAliasCount, toPlainValue, type YamlSource } from "./source.ts";

/** Options of {@link substituteVariables}. */
export interface SubstituteOptions {
  /** Values of `${{ CONTEXT.X }}` and `${{ X }}`. */
  context?: Record<string, unknown>;
  /** Environment look-up (default: the process environment). */
  env?: (name: string) => string | undefined;
}

const expression = /\$\{\{\s*([A-Za-z_][\w]*)(?:\.([\w.\-[\]]+))?\s*\}\}|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g;
const maxReferencePasses = 5;

type Lookup = { found: true; value: unknown } | { found: false; what: string };

function typed(text: string): unknown {
  try {
    const value: unknown = parse(text);
    return value === null || ["number", "boolean"].includes(typeof value) ? value : text;
  } catch {
    return text;
  }
}

function walk(value: unknown, dotted: string): Lookup {
  let current = value;
  for (const part of dotted.split(".").flatMap((segment) => segment.split(/[[\]]/).filter(Boolean))) {
    if (current === null || typeof current !== "object" || !(part in current)) return { found: false, what: dotted };
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}

/**
 * Substitutes every variable in the document's values, in place; throws naming the variable and its
 * `file:line:col` when one is not set. References (`root.` / `this.`) are resolved after the others, in up to
 * five passes so that references to references work.
 *
 * @example
 * ```ts
 * substituteVariables(source, { context: { dim: 64 } }); // "${{ CONTEXT.dim }}" → 64
 * ```
 */
export function substituteVariables(source: YamlSource, options: SubstituteOptions = {}): void {
  const env = options.env ?? getEnv;
  const context = options.context ?? {};
  const replaceIn = (node: Scalar<unknown>, path: KeyPath, lookup: (head: string, tail: string | undefined, legacy: boolean) => Lookup | undefined) => {
    const text = node.value as string;
    let whole: { value: unknown } | undefined;
    const replaced = text.replace(expression, (match, head: string | undefined, tail: string | undefined, braced: string | undefined, bare: string | undefined) => {
      const legacy = head === undefined;
      const result = lookup(legacy ? (braced ?? bare)! : head, tail, legacy);
      if (result === undefined) return match;
      if (!result.found) {
        const where = node.range ? source.at(node.range[0] + Math.max(0, text.indexOf(match))) : source.locate(path);
        throw configError(where, path, `${match} is not set (${result.what})`);
      }
      if (match === text) whole = { value: result.value };
      return typeof result.value === "string" ? result.value : JSON.stringify(result.value);
    });
    if (whole) node.value = typeof whole.value === "string" ? typed(whole.value) : whole.value;
    else if (replaced !== text) node.value = replaced;
  };
  const scalars = (each: (node: Scalar<unknown>, path: KeyPath, parentValue: () => unknown) => void) => {
    visit(source.doc, {
      Scalar(key, node, ancestry) {
        if (key === "key" || typeof node.value !== "string" || !node.value.includes("$")) return;
        const path = pathOf(ancestry, node);
        const parent = [...ancestry].reverse().find((item) => isMap(item));
        each(node, path, () => (isMap(parent) ? parent.toJS(source.doc, { maxAliasCount }) : undefined));
      },
    });
  };
  scalars((node, path) =>
    replaceIn(node, path, (head, tail, legacy) => {
      if (legacy) {
        const value = env(head);
        return value === undefined ? { found: false, what: `environment variable ${head}` } : { found: true, value };
      }
      if (tail !== undefined && (head === "ENV" || head === "env")) {
        const value = env(tail);
        return value === undefined ? { found: false, what: `environment variable ${tail}` } : { found: true, value };
      }
      if (tail !== undefined && head === "CONTEXT") {
        return tail in context ? { found: true, value: context[tail] } : { found: false, what: `context variable ${tail}: give it in the context` };
      }
      if (tail === undefined) {
        return head in context ? { found: true, value: context[head] } : { found: false, what: `context variable ${head}: give it in the context` };
      }
      return undefined; // root. / this. references: the next passes
    }),
  );
  for (let pass = 0; pass < maxReferencePasses; pass++) {
    let pending = false;
    let root: unknown;
    scalars((node, path, parentValue) => {
      replaceIn(node, path, (head, tail) => {
        if (tail === undefined || (head !== "root" && head !== "this")) return undefined;
        const result = walk(head === "root" ? (root ??= toPlainValue(source)) : parentValue(), tail);
        if (result.found && typeof result.value === "string" && result.value.includes("${{")) {
          pending = true;
          return undefined;
        }
        return result.found ? result : { found: false, what: `no value at ${head}.${tail}` };
      });
    });
    if (!pending) return;
  }
}

function pathOf(ancestry: readonly unknown[], node: unknown): KeyPath {
  const path: (string | number)[] = [];
  for (const [index, item] of ancestry.entries()) {
    const next = ancestry[index + 1] ?? node;
    if (isMap(item) || (item as { items?: unknown[] })?.items) {
      const items = (item as { items: unknown[] }).items;
      if (isMap(item)) {
        const pair = items.find((candidate) => candidate === next) as { key?: unknown } | undefined;
        if (pair && isScalar(pair.key)) path.push(pair.key.value as string);
      } else {
        path.push(items.indexOf(next));
      }
    }
  }
  return path;
}
