/**
 * Opening a sqlite file with checks first, so each bad input gets a JinaError that names the file and the fix:
 * a missing directory, a path that is a directory, a file that is not SQLite, a read-only file, a lock held too
 * long by another process.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../../proto/errors.ts";
import { isBusyError, openSqlite, type SqliteDatabase } from "../../../runtime/sqlite.ts";
import { fileInfo, parentDir, readHead } from "../../../runtime/sync-files.ts";

const magic = "SQLite format 3\u0000";

/** Options of {@link openDatabaseFile}. */
export interface OpenDatabaseFileOptions {
  readOnly: boolean;
  synchronous: "NORMAL" | "FULL";
  busyTimeoutMs: number;
}

/**
 * Opens `file` in WAL mode with a busy timeout, after checking it can be a database.
 *
 * @example
 * ```ts
 * const [db, path] = openDatabaseFile("docs.db", { readOnly: false, synchronous: "NORMAL", busyTimeoutMs: 5000 });
 * ```
 */
export function openDatabaseFile(file: string, options: OpenDatabaseFileOptions): [SqliteDatabase, string] {
  const info = fileInfo(file);
  const path = info.path;
  const dir = fileInfo(parentDir(path));
  if (!dir.exists || !dir.isDirectory) {
    throw new JinaError(`${path}: the directory ${dir.path} does not exist: create it first (or fix connection)`, ErrorCode.NotFound);
  }
  if (info.isDirectory) throw new JinaError(`${path} is a directory: connection must name a file`, ErrorCode.InvalidArgument);
  if (info.exists && info.size > 0) {
    const head = new TextDecoder("latin1").decode(readHead(path, 16));
    if (head !== magic) {
      throw new JinaError(`${path} is not an SQLite database: point connection at a new file or a jina-ts database (the file was left untouched)`, ErrorCode.FailedPrecondition);
    }
  }
  if (!info.exists && options.readOnly) throw new JinaError(`${path} does not exist (readOnly): check connection`, ErrorCode.NotFound);
  if (info.readOnly && !options.readOnly) {
    throw new JinaError(`${path} is read-only: make it writable (chmod u+w) or open it with config.readOnly: true`, ErrorCode.PermissionDenied);
  }
  let db: SqliteDatabase;
  try {
    db = openSqlite(path, { readOnly: options.readOnly });
  } catch (error) {
    throw new JinaError(`${path}: cannot open (${(error as Error).message}): check the path and its permissions`, ErrorCode.Unavailable, { cause: error });
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    if (!options.readOnly) {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec(`PRAGMA synchronous = ${options.synchronous}`);
    }
    db.prepare("SELECT COUNT(*) AS n FROM sqlite_master").get();
  } catch (error) {
    db.close();
    throw storageError(path, error, "open");
  }
  return [db, path];
}

/**
 * A JinaError for a driver error: a held lock says so and how to fix it; anything else names the file.
 *
 * @example
 * ```ts
 * try { db.exec("BEGIN IMMEDIATE"); } catch (e) { throw storageError(path, e, "write"); }
 * ```
 */
export function storageError(path: string, error: unknown, action: string): JinaError {
  if (error instanceof JinaError) return error;
  if (isBusyError(error)) {
    return new JinaError(
      `${path}: cannot ${action}: another process holds the write lock (one writer at a time): close or flush the other DocumentArray, or raise busyTimeoutMs`,
      ErrorCode.Unavailable,
      { cause: error },
    );
  }
  const message = (error as Error)?.message ?? String(error);
  if (/not a database|malformed|file is encrypted/i.test(message)) {
    return new JinaError(`${path} is not a valid SQLite database (${message}): use another file`, ErrorCode.FailedPrecondition, { cause: error });
  }
  if (/readonly|read-only/i.test(message)) {
    return new JinaError(`${path} is read-only (${message}): make it writable or open with config.readOnly: true`, ErrorCode.PermissionDenied, { cause: error });
  }
  return new JinaError(`${path}: ${action} failed: ${message}`, ErrorCode.Internal, { cause: error });
}
