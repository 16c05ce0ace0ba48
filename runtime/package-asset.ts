/**
 * Files shipped inside installed npm packages (e.g. swagger-ui-dist's CSS and JS), found the way `require` finds a
 * package from jina-ts's own location. Works on Node (tsx), Deno (with a `node_modules` folder) and Bun.
 *
 * @module
 */
import { readFile } from "node:fs"; // not node:fs/promises: loading it costs every process importing the root (issue 8)
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { insideRoot } from "./files.ts";

const require = createRequire(import.meta.url);

/**
 * The absolute path of `file` inside the installed package `name` (resolved through its `package.json`).
 * Throws a JinaError (NotFound) naming the package when it is not installed, and (PermissionDenied) when `file`
 * would leave the package's folder.
 *
 * @example
 * ```ts
 * packageFilePath("swagger-ui-dist", "swagger-ui.css"); // ".../node_modules/swagger-ui-dist/swagger-ui.css"
 * ```
 */
export function packageFilePath(name: string, file: string): string {
  let manifest: string;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch (error) {
    throw new JinaError(`The package "${name}" is not installed (needed for ${file}): add it with your package manager`, ErrorCode.NotFound, {
      cause: error,
    });
  }
  return insideRoot(dirname(manifest), file);
}

/**
 * Reads `file` inside the installed package `name` as bytes. Rejects with a JinaError (NotFound) naming the package
 * and the file when either is missing.
 *
 * @example
 * ```ts
 * const css = await readPackageFile("swagger-ui-dist", "swagger-ui.css");
 * new Response(css, { headers: { "content-type": "text/css" } });
 * ```
 */
export async function readPackageFile(name: string, file: string): Promise<Uint8Array<ArrayBuffer>> {
  const path = packageFilePath(name, file);
  try {
    const bytes = await new Promise<Buffer>((resolve, reject) => readFile(path, (error, data) => (error ? reject(error) : resolve(data))));
    return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    throw new JinaError(`Cannot read ${file} of the package "${name}" (${path}): ${(error as Error).message}`, ErrorCode.NotFound, {
      cause: error,
    });
  }
}
