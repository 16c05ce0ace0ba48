/**
 * A temporary folder per test file, removed at the end (`after` hook).
 *
 * @example
 * ```ts
 * const tmp = tempDir("jina-sqlite-");
 * test.after(tmp.remove);
 * ```
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(prefix: string): { path: string; file(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}
