/**
 * A YAML source: the text read (with a size limit), parsed with positions, so every later error can say
 * `file:line:col` and the key path.
 *
 * @module
 */
import { isMap, isPair, isScalar, type Document, LineCounter, parseDocument } from "yaml";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { absolutePath, currentDir, directoryOf, readText } from "../runtime/mod.ts";

/** A key path inside a YAML document: `["executors", 1, "replicas"]`. */
export type KeyPath = ReadonlyArray<string | number>;

/** Largest YAML file or text accepted by default (1 MiB); a Flow YAML is a few kilobytes. */
export const defaultMaxYamlBytes = 1024 * 1024;

/** Most aliases a document may expand (a "billion laughs" YAML bomb needs many more). */
export const maxAliasCount = 100;

/**
 * A parsed YAML file or text.
 *
 * @example
 * ```ts
 * const source = readYamlSource("flow.yml");
 * source.locate(["executors", 0, "uses"]); // "flow.yml:7:11"
 * ```
 */
export interface YamlSource {
  /** How errors name it: the path as given, or `<text>`. */
  readonly file: string;
  /** The absolute directory relative paths in it resolve against (the file's, or the working directory). */
  readonly dir: string;
  /** The parsed document (variables are substituted in place, see `variables.ts`). */
  readonly doc: Document.Parsed;
  /** `file:line:col` of the value at `path` (of its key with `{ key: true }`), or of the nearest enclosing one. */
  locate(path: KeyPath, options?: { key?: boolean }): string;
  /** `file:line:col` of a character offset. */
  at(offset: number): string;
}

/** Options of {@link readYamlSource}. */
export interface ReadYamlOptions {
  /** Largest input in bytes (default {@link defaultMaxYamlBytes}). */
  maxBytes?: number;
}

/**
 * Formats a key path as `executors[1].uses_with.dim`.
 *
 * @example
 * ```ts
 * formatKeyPath(["executors", 1, "replicas"]); // "executors[1].replicas"
 * ```
 */
export function formatKeyPath(path: KeyPath): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key), "");
}

/**
 * A configuration error: `file:line:col: key.path: message`, code InvalidArgument (NotFound for missing files).
 *
 * @example
 * ```ts
 * throw configError(source.locate(["executors", 0, "replicas"]), ["executors", 0, "replicas"], "must be a whole number");
 * ```
 */
export function configError(where: string, path: KeyPath, message: string, code = ErrorCode.InvalidArgument): JinaError {
  const key = formatKeyPath(path);
  return new JinaError(`${where}: ${key ? `${key}: ` : ""}${message}`, code);
}

/** Whether `pathOrText` is YAML text rather than a file path: it has a newline or a `key: value`. */
export function isYamlText(pathOrText: string): boolean {
  return pathOrText.includes("\n") || /^\s*[\w-]+\s*:\s/.test(pathOrText) || pathOrText.trim().startsWith("{");
}

/**
 * Reads a YAML file (or takes YAML text), refuses it when larger than `maxBytes`, parses it and reports the
 * parser's first error as `file:line:col`. Duplicate keys are errors.
 *
 * @example
 * ```ts
 * const source = readYamlSource("jtype: Flow\nexecutors: []\n");
 * source.doc.toJS(); // { jtype: "Flow", executors: [] }
 * ```
 */
export function readYamlSource(pathOrText: string, options: ReadYamlOptions = {}): YamlSource {
  const isText = isYamlText(pathOrText);
  const file = isText ? "<text>" : pathOrText;
  let text = pathOrText;
  if (!isText) {
    try {
      text = readText(pathOrText);
    } catch (error) {
      const missing = (error as { code?: string }).code === "ENOENT";
      throw new JinaError(
        missing ? `${file}: no such file (resolved to ${absolutePath(pathOrText)})` : `${file}: cannot read it (${(error as Error).message})`,
        missing ? ErrorCode.NotFound : ErrorCode.InvalidArgument,
        { cause: error },
      );
    }
  }
  const maxBytes = options.maxBytes ?? defaultMaxYamlBytes;
  const bytes = text.length > maxBytes / 4 ? new TextEncoder().encode(text).length : text.length;
  if (bytes > maxBytes) {
    throw new JinaError(
      `${file}: the YAML is ${bytes} bytes, more than the limit of ${maxBytes} bytes; a Flow or Executor YAML is a few kilobytes (raise maxBytes if you mean it)`,
      ErrorCode.ResourceExhausted,
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const first = doc.errors[0];
  if (first) {
    const message = first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new JinaError(`${at(first.pos[0])}: malformed YAML: ${message}`, ErrorCode.InvalidArgument);
  }
  return {
    file,
    dir: isText ? currentDir() : directoryOf(pathOrText),
    doc,
    at,
    locate(path, locateOptions = {}) {
      for (let depth = path.length; depth >= 0; depth--) {
        const prefix = path.slice(0, depth);
        if (locateOptions.key && depth === path.length && depth > 0) {
          const parent = doc.getIn(prefix.slice(0, -1), true);
          const last = prefix[prefix.length - 1];
          if (isMap(parent)) {
            const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === last);
            const range = pair && (pair.key as { range?: [number, number, number] }).range;
            if (range) return at(range[0]);
          }
        }
        const node = depth === 0 ? doc.contents : doc.getIn(prefix, true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) return at(range[0]);
      }
      return `${file}:1:1`;
    },
  };
}

/**
 * The document's plain value, refusing aliases expanded more than {@link maxAliasCount} times (a YAML bomb).
 *
 * @example
 * ```ts
 * const value = toPlainValue(readYamlSource("flow.yml"));
 * ```
 */
export function toPlainValue(source: YamlSource): unknown {
  try {
    return source.doc.toJS({ maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new JinaError(
        `${source.file}: refused: its aliases (*name) expand more than ${maxAliasCount} times, as a YAML bomb does`,
        ErrorCode.ResourceExhausted,
      );
    }
    throw new JinaError(`${source.file}: ${(error as Error).message}`, ErrorCode.InvalidArgument, { cause: error });
  }
}
