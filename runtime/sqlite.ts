/**
 * One synchronous SQLite API over the runtime's own driver: `node:sqlite` where Node has it and on Deno,
 * `bun:sqlite` on Bun, and the `better-sqlite3` package on Node 20 (a native addon that builds from source at
 * install time when no prebuilt binary can be fetched). Loaded lazily: importing this file loads no driver.
 *
 * @module
 */
import { bunGlobal } from "./detect.ts";
import { builtin, requireModule } from "./builtin.ts";

/** A value SQLite stores. */
export type SqliteValue = string | number | bigint | Uint8Array | null;

/** A prepared statement. */
export interface SqliteStatement {
  /** Runs a statement that returns no rows; `changes` is how many rows it touched. */
  run(...params: SqliteValue[]): { changes: number };
  /** The first row, or undefined. */
  get(...params: SqliteValue[]): Record<string, SqliteValue> | undefined;
  /** Every row. */
  all(...params: SqliteValue[]): Record<string, SqliteValue>[];
}

/** An open database. */
export interface SqliteDatabase {
  /** The driver in use: `node:sqlite`, `bun:sqlite` or `better-sqlite3`. */
  readonly driver: string;
  /** Runs one or more statements without results. */
  exec(sql: string): void;
  /** Prepares (and caches) a statement. */
  prepare(sql: string): SqliteStatement;
  /** Closes the database. */
  close(): void;
}

/** Options of {@link openSqlite}. */
export interface OpenSqliteOptions {
  /** Open read-only (the file must exist). */
  readOnly?: boolean;
}

interface RawStatement {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

interface RawDatabase {
  exec(sql: string): void;
  prepare(sql: string): RawStatement;
  close(): void;
}

type Opener = (file: string, readOnly: boolean) => RawDatabase;

let opener: [string, Opener] | undefined;

function pickDriver(): [string, Opener] {
  if (bunGlobal) {
    const { Database } = requireModule("bun:sqlite") as { Database: new (file: string, options: object) => RawDatabase };
    return ["bun:sqlite", (file, readOnly) => new Database(file, readOnly ? { readonly: true } : { create: true, readwrite: true })];
  }
  const native = builtin<{ DatabaseSync: new (file: string, options: object) => RawDatabase }>("node:sqlite");
  if (native) return ["node:sqlite", (file, readOnly) => new native.DatabaseSync(file, { readOnly })];
  let Database: new (file: string, options: object) => RawDatabase;
  try {
    Database = requireModule("better-sqlite3") as typeof Database;
  } catch (error) {
    throw new Error(
      `this Node (${(globalThis as { process?: { version?: string } }).process?.version}) has no node:sqlite and the better-sqlite3 package did not load ` +
        `(${(error as Error).message}): run npm install (it builds better-sqlite3 from source; needs python3, make and g++), or use Node ≥ 22.5`,
    );
  }
  return ["better-sqlite3", (file, readOnly) => new Database(file, { readonly: readOnly, fileMustExist: readOnly })];
}

/** better-sqlite3 binds Buffers, not plain Uint8Arrays; the other drivers take either. */
function bindable(driver: string, params: SqliteValue[]): unknown[] {
  if (driver !== "better-sqlite3") return params;
  const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array } }).Buffer;
  return params.map((p) => (p instanceof Uint8Array && NodeBuffer ? NodeBuffer.from(p.buffer, p.byteOffset, p.byteLength) : p));
}

/**
 * Opens (creating it unless `readOnly`) an SQLite database file with the runtime's driver.
 *
 * @example
 * ```ts
 * const db = openSqlite("docs.db");
 * db.exec("CREATE TABLE IF NOT EXISTS t (x)");
 * db.prepare("INSERT INTO t VALUES (?)").run(1);
 * db.prepare("SELECT COUNT(*) AS n FROM t").get()?.n; // 1
 * db.close();
 * ```
 */
export function openSqlite(file: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  opener ??= pickDriver();
  const [driver, open] = opener;
  const raw = open(file, options.readOnly ?? false);
  const cache = new Map<string, SqliteStatement>();
  return {
    driver,
    exec: (sql) => raw.exec(sql),
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        const prepared = raw.prepare(sql);
        statement = {
          run: (...params) => ({ changes: Number(prepared.run(...bindable(driver, params)).changes) }),
          get: (...params) => (prepared.get(...bindable(driver, params)) ?? undefined) as Record<string, SqliteValue> | undefined,
          all: (...params) => prepared.all(...bindable(driver, params)) as Record<string, SqliteValue>[],
        };
        cache.set(sql, statement);
      }
      return statement;
    },
    close() {
      cache.clear();
      raw.close();
    },
  };
}

/**
 * True when an error from the driver means another connection holds the lock (`SQLITE_BUSY`/`SQLITE_LOCKED`).
 *
 * @example
 * ```ts
 * try { db.exec("BEGIN IMMEDIATE"); } catch (e) { if (isBusyError(e)) console.log("another writer"); }
 * ```
 */
export function isBusyError(error: unknown): boolean {
  const text = `${(error as { code?: unknown })?.code ?? ""} ${(error as { errstr?: unknown })?.errstr ?? ""} ${(error as Error)?.message ?? ""}`;
  return /SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked/i.test(text);
}
