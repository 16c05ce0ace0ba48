/**
 * Where the running jina-ts came from, as a package.json dependency spec for the projects `jina-ts new` writes:
 * the same source, so that the new project installs without the package being on a registry.
 *
 * - installed in a project from a file (`npm install ./jina-ts-0.1.0.tgz`, `bun add ../jina-ts`): that file, as an
 *   absolute `file:` path;
 * - installed from a registry (a version range): `^<version>`;
 * - a checkout of the repository (not under `node_modules`, its sources beside it): the checkout itself as a
 *   `file:` link (its `dist/` must be built: a note says so when it is not); a package elsewhere (Deno's npm cache):
 *   `^<version>`.
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { fileExists, readText } from "../runtime/files.ts";

/**
 * The spec and, when the user has something to do first, a note.
 *
 * @example
 * ```ts
 * const { spec, note } = jinaTsSource("/srv/app/node_modules/jina-ts", "0.1.0");
 * ```
 */
export interface JinaTsSource {
  spec: string;
  note?: string;
}

/**
 * The dependency spec of the jina-ts whose package folder is `packageRoot` (see the module).
 *
 * @example
 * ```ts
 * jinaTsSource("/srv/app/node_modules/jina-ts", "0.1.0"); // { spec: "file:/srv/jina-ts-0.1.0.tgz" } when /srv/app installed that file
 * jinaTsSource("/home/me/jina-ts", "0.1.0");              // { spec: "file:/home/me/jina-ts" } (a checkout)
 * ```
 */
export function jinaTsSource(packageRoot: string, version: string): JinaTsSource {
  const parts = packageRoot.split(sep);
  const modules = parts.lastIndexOf("node_modules");
  // the package from a registry in a cache of its own (Deno's, without node_modules): no sources beside dist/
  if (modules < 0 && !fileExists(join(packageRoot, "mod.ts"))) return { spec: `^${version}` };
  if (modules < 0) {
    const built = fileExists(join(packageRoot, "dist", "mod.js"));
    return {
      spec: `file:${packageRoot}`,
      ...(built ? {} : { note: `the project links this checkout of jina-ts: build it first (cd ${packageRoot} && npm run build)` }),
    };
  }
  const project = parts.slice(0, modules).join(sep) || sep;
  const declared = declaredSpec(project);
  const path = declared === undefined ? undefined : localPath(declared);
  return { spec: path === undefined ? `^${version}` : `file:${resolve(project, path)}` };
}

/**
 * The folder of the jina-ts package holding `moduleFile` (the nearest folder above it whose package.json is named
 * `jina-ts`), or undefined.
 *
 * @example
 * ```ts
 * jinaTsPackageRoot(fileURLToPath(import.meta.url)); // "/srv/app/node_modules/jina-ts"
 * ```
 */
export function jinaTsPackageRoot(moduleFile: string): string | undefined {
  for (let dir = dirname(moduleFile); ; dir = dirname(dir)) {
    if (readManifest(dir)?.name === "jina-ts") return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The jina-ts spec in the package.json of `project` (any dependency field), or undefined. */
function declaredSpec(project: string): string | undefined {
  const manifest = readManifest(project);
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"] as const) {
    const spec = manifest?.[field]?.["jina-ts"];
    if (typeof spec === "string") return spec;
  }
  return undefined;
}

/** The path of a spec naming a file or folder (`file:x`, `./x.tgz`, `/x`), or undefined for a registry range. */
function localPath(spec: string): string | undefined {
  if (spec.startsWith("file:")) return spec.slice("file:".length);
  if (spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec)) return spec;
  return undefined;
}

interface Manifest {
  name?: unknown;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
  optionalDependencies?: Record<string, unknown>;
}

function readManifest(dir: string): Manifest | undefined {
  try {
    return JSON.parse(readText(join(dir, "package.json"))) as Manifest;
  } catch {
    return undefined;
  }
}
