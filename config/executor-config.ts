/**
 * Executor YAML and `uses`: loads an Executor YAML file, and resolves every form `uses` takes in a Flow YAML —
 * `./file.ts#Class`, a class exported by a module named in `modules:`, an Executor YAML path, an inline
 * `{ jtype, with, metas }` — to a module specifier or an {@link ExecutorSpec}. Relative paths resolve against the
 * YAML file's directory; a missing file or class is an error at the `uses` line.
 *
 * @module
 */
import { hubUsesMessage, isHubUses } from "./hub-uses.ts";
import { ErrorCode } from "../proto/errors.ts";
import { fileExists, fileUrl, importModule as importRuntimeModule, resolveFrom } from "../runtime/mod.ts";
import { baseExecutorNames, type ExecutorSpec } from "./executor-spec.ts";
import { executorSchema, type ExecutorYaml } from "./schema.ts";
import { configError, type KeyPath, readYamlSource, type ReadYamlOptions, toPlainValue, type YamlSource } from "./source.ts";
import { type SubstituteOptions, substituteVariables } from "./variables.ts";
import { validate } from "./validate.ts";

/** Options of {@link loadExecutorConfig}: variables and the size limit. */
export type LoadConfigOptions = SubstituteOptions & ReadYamlOptions;

/** Where a `uses` value sits, to resolve it and to report errors at its line. */
export interface UsesContext {
  source: YamlSource;
  path: KeyPath;
  /** Absolute paths of the modules whose exports a class name may be (the Flow's `modules:`). */
  modules: readonly string[];
  options: LoadConfigOptions;
}

const modulePattern = /#|\.(m?[jt]s|[jt]sx|cjs|cts)$/;
const yamlPattern = /\.(ya?ml|jaml)$/i;

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

async function importModule(path: string, context: UsesContext, what: string): Promise<Record<string, unknown>> {
  try {
    return (await importRuntimeModule(fileUrl(path))) as Record<string, unknown>;
  } catch (error) {
    throw configError(context.source.locate(context.path), context.path, `${what}: importing ${path} failed: ${(error as Error).message}`);
  }
}

function exportsOf(module: Record<string, unknown>): string {
  const classes = Object.entries(module).filter(([, value]) => typeof value === "function").map(([name]) => name);
  return classes.length ? `it exports ${classes.join(", ")}` : "it exports no class";
}

async function modulePath(specifier: string, context: UsesContext): Promise<string> {
  const hash = specifier.lastIndexOf("#");
  const file = hash >= 0 ? specifier.slice(0, hash) : specifier;
  const className = hash >= 0 ? specifier.slice(hash + 1) : "";
  const where = context.source.locate(context.path);
  const absolute = resolveFrom(context.source.dir, file);
  if (!fileExists(absolute)) {
    throw configError(where, context.path, `uses "${specifier}": no such file ${absolute}`, ErrorCode.NotFound);
  }
  if (className) {
    const module = await importModule(absolute, context, `uses "${specifier}"`);
    if (!(className in module)) {
      throw configError(where, context.path, `uses "${specifier}": ${absolute} does not export "${className}"; ${exportsOf(module)}`, ErrorCode.NotFound);
    }
  }
  return className ? `${absolute}#${className}` : absolute;
}

async function classInModules(name: string, modules: readonly string[], context: UsesContext): Promise<string> {
  const where = context.source.locate(context.path);
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    throw configError(where, context.path, `uses "${name}" is not a class name, "./file.ts#Class", an Executor YAML path or { jtype, with, metas }`);
  }
  if (modules.length === 0) {
    throw configError(
      where,
      context.path,
      `uses "${name}": name the module that exports it in \`modules: [./file.ts]\` (Jina's py_modules), or write "./file.ts#${name}"`,
      ErrorCode.NotFound,
    );
  }
  const seen: string[] = [];
  for (const path of modules) {
    const module = await importModule(path, context, `class "${name}"`);
    if (name in module) return `${path}#${name}`;
    seen.push(`${path} (${exportsOf(module)})`);
  }
  throw configError(where, context.path, `class "${name}" is not exported by the modules: ${seen.join("; ")}`, ErrorCode.NotFound);
}

/**
 * Resolves an Executor YAML (from a file or inline) to an {@link ExecutorSpec}: its `modules` / `py_modules`
 * (also under `metas`) resolve against the YAML's directory and join `context.modules`; `jtype` becomes
 * `"/abs/file.ts#Class"` (or `"Executor"`).
 *
 * @example
 * ```ts
 * const spec = await resolveExecutorYaml({ jtype: "Encoder", modules: ["enc.ts"] }, context);
 * spec.jtype; // "/srv/flows/enc.ts#Encoder"
 * ```
 */
export async function resolveExecutorYaml(yaml: ExecutorYaml, context: UsesContext): Promise<ExecutorSpec> {
  const { modules, pyModules, ...metas } = yaml.metas ?? {};
  const own = [...list(yaml.modules), ...list(yaml.pyModules), ...list(modules), ...list(pyModules)];
  const ownPaths = own.map((module, index) => {
    const absolute = resolveFrom(context.source.dir, module);
    if (!fileExists(absolute)) {
      const path = [...context.path, "modules", index];
      throw configError(context.source.locate([...context.path]), path, `module "${module}": no such file ${absolute}`, ErrorCode.NotFound);
    }
    return absolute;
  });
  const jtype = yaml.jtype!;
  const inner = { ...context, path: [...context.path, "jtype"], modules: [...ownPaths, ...context.modules] };
  const resolved = baseExecutorNames.includes(jtype)
    ? "Executor"
    : modulePattern.test(jtype)
    ? await modulePath(jtype, inner)
    : await classInModules(jtype, inner.modules, inner);
  return {
    jtype: resolved,
    ...(yaml.with ? { with: yaml.with } : {}),
    ...(Object.keys(metas).length ? { metas } : {}),
    ...(yaml.requests ? { requests: yaml.requests } : {}),
    ...(yaml.dynamicBatching ? { dynamicBatching: yaml.dynamicBatching as ExecutorSpec["dynamicBatching"] & object } : {}),
  };
}

/**
 * Resolves one `uses` (or `uses_before` / `uses_after`) value of a Flow YAML: a string becomes an absolute
 * `"/path/file.ts#Class"` (a module specifier, or a class found in `modules`), `undefined` for `Executor` /
 * `BaseExecutor`; an Executor YAML path or an inline object becomes an {@link ExecutorSpec}.
 *
 * @example
 * ```ts
 * await resolveUses("./encoder.ts#Encoder", context); // "/srv/flows/encoder.ts#Encoder"
 * await resolveUses("encoder.yml", context);          // { jtype: "/srv/flows/encoder.ts#Encoder", with: { dim: 64 } }
 * ```
 */
export async function resolveUses(value: string | ExecutorYaml, context: UsesContext): Promise<string | ExecutorSpec | undefined> {
  if (typeof value !== "string") return await resolveExecutorYaml(value, context);
  const where = context.source.locate(context.path);
  if (isHubUses(value)) throw configError(where, context.path, hubUsesMessage(value));
  if (baseExecutorNames.includes(value)) return undefined;
  if (yamlPattern.test(value)) {
    const path = resolveFrom(context.source.dir, value);
    if (!fileExists(path)) throw configError(where, context.path, `uses "${value}": no such Executor YAML ${path}`, ErrorCode.NotFound);
    return await loadExecutorConfig(path, context.options, context.modules);
  }
  if (modulePattern.test(value) || value.startsWith(".") || value.includes("/")) return await modulePath(value, context);
  return await classInModules(value, context.modules, context);
}

/**
 * Loads an Executor YAML file (or text): reads it, substitutes variables, validates it and resolves its class.
 * `inherited` are module paths a `jtype` class name may also come from (a Flow's `modules:`).
 *
 * @example
 * ```ts
 * const spec = await loadExecutorConfig("executor1/config.yml", { context: { dim: 64 } });
 * // { jtype: "/srv/app/executor1/executor.ts#MyExecutor", with: { dim: 64 }, metas: { name: "my" } }
 * ```
 */
export async function loadExecutorConfig(pathOrText: string, options: LoadConfigOptions = {}, inherited: readonly string[] = []): Promise<ExecutorSpec> {
  const source = readYamlSource(pathOrText, options);
  substituteVariables(source, options);
  const yaml = validate(executorSchema, toPlainValue(source), source);
  return await resolveExecutorYaml(yaml, { source, path: [], modules: inherited, options });
}
