/**
 * Loads an Executor class from a `uses` specifier `"./file.ts#ClassName"` (or `"./file.ts"` for the default export
 * or the module's only Executor subclass), with errors that name what was looked for and where.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { absolutePath, fileUrl, readText } from "../runtime/files.ts";
import { importModule } from "../runtime/typescript.ts";
import { Executor, isExecutorClass } from "./executor.ts";

/**
 * An Executor class, constructed with Jina's options object.
 *
 * @example
 * ```ts
 * const cls: ExecutorClass = await loadExecutorClass("./enc.ts#Encoder");
 * ```
 */
export type ExecutorClass = new (options?: Record<string, unknown>) => Executor;

/**
 * Splits `"./file.ts#ClassName"` into the path and the class name.
 *
 * @example
 * ```ts
 * parseUses("./indexer.ts#Indexer"); // { path: "./indexer.ts", className: "Indexer" }
 * parseUses("./indexer.ts");         // { path: "./indexer.ts" }
 * ```
 */
export function parseUses(uses: string): { path: string; className?: string } {
  const hash = uses.lastIndexOf("#");
  const path = hash >= 0 ? uses.slice(0, hash) : uses;
  const className = hash >= 0 ? uses.slice(hash + 1) : "";
  if (!path) throw new JinaError(`uses "${uses}" has no file path; write it as "./file.ts#ClassName"`, ErrorCode.InvalidArgument);
  return className ? { path, className } : { path };
}

function fileExists(path: string): boolean {
  try {
    readText(path);
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== "ENOENT";
  }
}

/**
 * Imports the module named by `uses` (a path resolved against the working directory) and returns the Executor
 * class it names; `"BaseExecutor"` is the base class itself (a no-op, as Jina's).
 *
 * @example
 * ```ts
 * const Indexer = await loadExecutorClass("./indexer.ts#Indexer");
 * const executor = new Indexer({ metas: { name: "indexer" } });
 * ```
 */
export async function loadExecutorClass(uses: string): Promise<ExecutorClass> {
  if (uses === "BaseExecutor") return Executor as ExecutorClass; // Jina's name for the no-op executor (joiners in exports)
  if (/^[a-z+]+:\/\//.test(uses)) {
    // loaded only for a URL-like uses: an executor process's start-up imports no config/ code
    const { hubUsesMessage, isHubUses } = await import("../config/hub-uses.ts");
    if (isHubUses(uses)) throw new JinaError(`Cannot load executor: ${hubUsesMessage(uses)}`, ErrorCode.InvalidArgument);
  }
  const { path, className } = parseUses(uses);
  const resolved = absolutePath(path);
  let module: Record<string, unknown>;
  try {
    module = await importModule(fileUrl(path));
  } catch (error) {
    if (!fileExists(path)) {
      throw new JinaError(`Cannot load executor "${uses}": file "${path}" does not exist (resolved to ${resolved})`, ErrorCode.NotFound, { cause: error });
    }
    throw new JinaError(`Cannot load executor "${uses}": importing ${resolved} failed: ${(error as Error)?.message ?? error}`, ErrorCode.FailedPrecondition, { cause: error });
  }
  const executors = Object.entries(module).filter(([, value]) => isExecutorClass(value));
  const listed = executors.length
    ? `its Executor subclasses are: ${[...new Set(executors.map(([name]) => name))].join(", ")}`
    : "it exports no Executor subclass";
  if (className) {
    const value = module[className];
    if (value === undefined) {
      throw new JinaError(`Cannot load executor "${uses}": ${resolved} has no export "${className}"; ${listed}`, ErrorCode.NotFound);
    }
    if (!isExecutorClass(value)) {
      throw new JinaError(`Cannot load executor "${uses}": "${className}" in ${resolved} is not an Executor subclass; ${listed}`, ErrorCode.InvalidArgument);
    }
    return value as unknown as ExecutorClass;
  }
  if (isExecutorClass(module.default)) return module.default as unknown as ExecutorClass;
  const distinct = [...new Set(executors.map(([, value]) => value))];
  if (distinct.length === 1) return distinct[0] as unknown as ExecutorClass;
  throw new JinaError(
    `Cannot load executor "${uses}": name the class as "${path}#ClassName"; ${resolved} has no default Executor export and ${listed}`,
    ErrorCode.InvalidArgument,
  );
}
