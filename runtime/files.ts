/**
 * File system access for the few places that need it (workspaces, TLS files, YAML), kept inside safe roots.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
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
