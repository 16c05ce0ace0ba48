/**
 * `jina-ts new NAME`: writes a new project (Jina's `jina new`) — `flow.yml`, `executor1/` with an executor and its
 * test, `client.ts`, `package.json`, a README — so that `npm install && npm start` serves it.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { fileURLToPath } from "node:url";
import { type CliFlags, formatUsage, parseCommandArgs } from "./command.ts";
import type { JinaTsSource } from "./jina-ts-source.ts";

/** The command's name. */
export const name = "new";

/** One line for `jina-ts --help`. */
export const summary = "writes a new project: flow.yml, an executor with a test, package.json, README";

/** Every flag. */
export const flags: CliFlags = {
  "jina-ts": { value: "SPEC", help: "the jina-ts dependency of package.json: a version range or file:path/to/jina-ts.tgz (default: where this jina-ts came from: the file it was installed from, this version from a registry, or this checkout)" },
};

/** `jina-ts new --help`. */
export const usage = formatUsage(
  "jina-ts new NAME [flags]",
  "Writes the project into the folder NAME (which must not exist yet or be empty). Then:\n  cd NAME && npm install && npm start",
  flags,
);

/**
 * Writes the project; prints what to run next.
 *
 * @example
 * ```ts
 * await run(["hello"]);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(name, args, flags);
  const [folder] = positionals;
  if (!folder) throw new JinaError("jina-ts new needs a project name: jina-ts new NAME", ErrorCode.InvalidArgument);
  const [{ projectFiles }, runtime, { jinaTsVersion }, { jinaTsPackageRoot, jinaTsSource }] = await Promise.all([
    import("./project-template.ts"),
    import("../runtime/mod.ts"),
    import("../proto/server/version.ts"),
    import("./jina-ts-source.ts"),
  ]);
  const target = runtime.absolutePath(folder);
  if (runtime.fileExists(target) && runtime.listDir(target).length > 0) {
    throw new JinaError(`jina-ts new: ${target} exists and is not empty; choose another name`, ErrorCode.AlreadyExists);
  }
  const project = folder.split(/[\\/]/).filter(Boolean).pop()!.toLowerCase().replace(/[^a-z0-9-_.]/g, "-");
  const packageRoot = jinaTsPackageRoot(fileURLToPath(import.meta.url));
  const source: JinaTsSource = typeof values["jina-ts"] === "string"
    ? { spec: values["jina-ts"] }
    : packageRoot ? jinaTsSource(packageRoot, jinaTsVersion) : { spec: `^${jinaTsVersion}` };
  const jinaTs = source.spec;
  for (const [path, text] of Object.entries(projectFiles({ name: project, jinaTs, tsx: tsxVersion }))) {
    const file = runtime.resolveFrom(target, path);
    runtime.ensureDir(runtime.directoryOf(file));
    runtime.writeText(file, text);
  }
  console.log(`wrote ${target} (jina-ts: ${jinaTs}):\n  cd ${folder} && npm install && npm start`);
  if (source.note) console.log(`note: ${source.note}`);
  return 0;
}

/** The tsx the project runs TypeScript with (jina-ts's own). */
const tsxVersion = "4.23.15";
