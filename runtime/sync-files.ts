/**
 * Synchronous file operations for storage backends (existence, mode, header bytes, atomic writes), loaded
 * lazily through {@link builtin} so that docarray/ still bundles for a browser.
 *
 * @module
 */
import { builtin } from "./builtin.ts";

type Fs = typeof import("node:fs");
type Path = typeof import("node:path");

function fs(): Fs {
  const module = builtin<Fs>("node:fs");
  if (!module) throw new Error("this runtime has no file system (node:fs): use storage: \"memory\"");
  return module;
}

function path(): Path {
  return builtin<Path>("node:path") as Path;
}

/** What {@link fileInfo} says about a path. */
export interface FileInfo {
  /** The absolute path. */
  path: string;
  /** True when the path exists. */
  exists: boolean;
  /** True when it is a directory. */
  isDirectory: boolean;
  /** Size in bytes (0 when absent). */
  size: number;
  /** True when no write bit is set (checked on the mode, so it holds for root too). */
  readOnly: boolean;
}

/**
 * Facts about a path: absolute form, existence, kind, size and whether its mode forbids writing.
 *
 * @example
 * ```ts
 * fileInfo("docs.db").exists;
 * ```
 */
export function fileInfo(file: string): FileInfo {
  const absolute = path().resolve(file);
  try {
    const stat = fs().statSync(absolute);
    return { path: absolute, exists: true, isDirectory: stat.isDirectory(), size: stat.size, readOnly: (stat.mode & 0o222) === 0 };
  } catch {
    return { path: absolute, exists: false, isDirectory: false, size: 0, readOnly: false };
  }
}

/**
 * The directory part of a path.
 *
 * @example
 * ```ts
 * parentDir("/tmp/x/docs.db"); // "/tmp/x"
 * ```
 */
export function parentDir(file: string): string {
  return path().dirname(path().resolve(file));
}

/**
 * Joins path segments.
 *
 * @example
 * ```ts
 * joinPath("/data", "index.hnsw"); // "/data/index.hnsw"
 * ```
 */
export function joinPath(...parts: string[]): string {
  return path().join(...parts);
}

/**
 * The first `length` bytes of a file.
 *
 * @example
 * ```ts
 * readHead("docs.db", 16);
 * ```
 */
export function readHead(file: string, length: number): Uint8Array {
  const handle = fs().openSync(file, "r");
  try {
    const out = new Uint8Array(length);
    const read = fs().readSync(handle, out, 0, length, 0);
    return out.subarray(0, read);
  } finally {
    fs().closeSync(handle);
  }
}

/**
 * Reads a whole file.
 *
 * @example
 * ```ts
 * const bytes = readBytes("index.hnsw");
 * ```
 */
export function readBytes(file: string): Uint8Array {
  return fs().readFileSync(file);
}

/**
 * Reads a whole file into bytes that start at offset 0 of their own ArrayBuffer, so typed-array views of any
 * alignment can be laid over it (copied only when the runtime handed back a slice of a shared pool).
 *
 * @example
 * ```ts
 * const bytes = readBytesAligned("index.hnsw");
 * new Int32Array(bytes.buffer, 0, 4);
 * ```
 */
export function readBytesAligned(file: string): Uint8Array<ArrayBuffer> {
  const raw = readBytes(file);
  if (raw.byteOffset === 0 && raw.buffer instanceof ArrayBuffer && raw.buffer.byteLength === raw.length) return raw as Uint8Array<ArrayBuffer>;
  const bytes = new Uint8Array(raw.length);
  bytes.set(raw);
  return bytes;
}

/**
 * Writes a file atomically: the parts go to `<file>.tmp`, are fsynced, then renamed over `file`.
 *
 * @example
 * ```ts
 * writeBytesAtomic("index.hnsw", [header, body]);
 * ```
 */
export function writeBytesAtomic(file: string, parts: Uint8Array[]): void {
  const tmp = `${file}.tmp`;
  writeDurable(tmp, "w", parts);
  fs().renameSync(tmp, file);
}

/** Opens `file` with `flags`, writes every part, fsyncs; returns the file's size. */
function writeDurable(file: string, flags: "w" | "a", parts: Uint8Array[]): number {
  const handle = fs().openSync(file, flags);
  try {
    for (const part of parts) {
      let at = 0;
      while (at < part.length) at += fs().writeSync(handle, part, at, part.length - at);
    }
    fs().fsyncSync(handle);
    return fs().fstatSync(handle).size;
  } finally {
    fs().closeSync(handle);
  }
}

/**
 * Appends the parts to `file` (created if absent) and fsyncs it before returning: what this returns is on
 * disk. Returns the file's size after the append.
 *
 * @example
 * ```ts
 * const size = appendBytesDurable("index.hnsw.log", [record]);
 * ```
 */
export function appendBytesDurable(file: string, parts: Uint8Array[]): number {
  return writeDurable(file, "a", parts);
}

/**
 * Cuts `file` to `length` bytes and fsyncs it (drops a torn or uncommitted tail of an append-only log).
 *
 * @example
 * ```ts
 * truncateFile("index.hnsw.log", 4096);
 * ```
 */
export function truncateFile(file: string, length: number): void {
  const handle = fs().openSync(file, "r+");
  try {
    fs().ftruncateSync(handle, length);
    fs().fsyncSync(handle);
  } finally {
    fs().closeSync(handle);
  }
}

/**
 * Creates a directory with its parents.
 *
 * @example
 * ```ts
 * makeDir("workspace/indexer/0");
 * ```
 */
export function makeDir(dir: string): void {
  fs().mkdirSync(dir, { recursive: true });
}

/**
 * Lists the files under `dir` (recursively) whose path relative to `dir` matches `pattern`.
 *
 * @example
 * ```ts
 * listFiles("data", /\.txt$/);
 * ```
 */
export function listFiles(dir: string, pattern: RegExp): string[] {
  const root = path().resolve(dir);
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const entry of fs().readdirSync(at, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path().join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (pattern.test(path().relative(root, full).split(path().sep).join("/"))) out.push(full);
    }
  };
  walk(root);
  return out;
}
