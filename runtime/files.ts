/**
 * File system access for the few places that need it (workspaces, TLS files, YAML), kept inside safe roots.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { currentDir } from "./process.ts";

/**
 * Creates a directory with its parents and returns its absolute path.
 *
 * @example
 * ```ts
 * const dir = ensureDir(".workspace/encoder/0");
 * ```
 */
export function ensureDir(path: string): string {
  const absolute = resolve(currentDir(), path);
  mkdirSync(absolute, { recursive: true });
  return absolute;
}

/** Reads a UTF-8 text file. */
export function readText(path: string): string {
  return readFileSync(resolve(currentDir(), path), "utf8");
}

/**
 * Writes a UTF-8 text file (replacing it), resolved against the working directory.
 *
 * @example
 * ```ts
 * writeText("results.jsonl", lines.join("\n"));
 * ```
 */
export function writeText(path: string, text: string): void {
  writeFileSync(resolve(currentDir(), path), text, "utf8");
}

/** An absolute path, resolved against the working directory. */
export function absolutePath(path: string): string {
  return resolve(currentDir(), path);
}

/**
 * `path` resolved against the directory `dir` (itself resolved against the working directory); an absolute
 * `path` is returned as it is.
 *
 * @example
 * ```ts
 * resolveFrom("/srv/flows", "./enc.ts"); // "/srv/flows/enc.ts"
 * ```
 */
export function resolveFrom(dir: string, path: string): string {
  return resolve(currentDir(), dir, path);
}

/**
 * `path` relative to the directory `dir`, starting with `./` or `../` (for writing paths into a file in `dir`).
 *
 * @example
 * ```ts
 * relativeTo("/srv/flows", "/srv/flows/ex/enc.ts"); // "./ex/enc.ts"
 * ```
 */
export function relativeTo(dir: string, path: string): string {
  const rel = relative(resolve(currentDir(), dir), resolve(currentDir(), path)).replaceAll("\\", "/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/** The directory part of a path, absolute. */
export function directoryOf(path: string): string {
  return dirname(resolve(currentDir(), path));
}

/** The names in a directory (resolved against the working directory). */
export function listDir(path: string): string[] {
  return readdirSync(resolve(currentDir(), path));
}

/** Whether a file or directory exists at `path` (resolved against the working directory). */
export function fileExists(path: string): boolean {
  return existsSync(resolve(currentDir(), path));
}

/** A `file://` URL for a path, resolved against the working directory. */
export function fileUrl(path: string): string {
  return pathToFileURL(absolutePath(path)).href;
}

/**
 * Resolves `path` inside `root`, rejecting anything that would escape it (`..`, absolute paths elsewhere).
 *
 * @example
 * ```ts
 * insideRoot("/srv/ws", "a/b.txt");   // "/srv/ws/a/b.txt"
 * insideRoot("/srv/ws", "../etc");     // throws JinaError(PermissionDenied)
 * ```
 */
export function insideRoot(root: string, path: string): string {
  const base = resolve(root);
  const target = resolve(base, path);
  const rel = relative(base, target);
  if (rel.startsWith("..") || isAbsolute(rel)) {
    throw new JinaError(`Path "${path}" escapes the workspace ${base}`, ErrorCode.PermissionDenied);
  }
  return target;
}
