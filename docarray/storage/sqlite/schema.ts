/**
 * Jina's sqlite layout: `metadata(table_name, schema_version, container_type)` and
 * `<table>(doc_id TEXT UNIQUE, serialized_value Document, item_order INTEGER PRIMARY KEY)`, with documents as
 * docarray v1 protobuf bytes. Creates it, or checks the schema version of an existing table.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../../proto/errors.ts";
import type { SqliteDatabase } from "../../../runtime/sqlite.ts";

/** The version written to `metadata.schema_version`: this layout with protobuf-serialized documents. */
export const schemaVersion = "jina-ts-1-protobuf";

/**
 * Quotes an SQL identifier after checking it is a plain name.
 *
 * @example
 * ```ts
 * quoteTable("docs", "docs.db"); // "\"docs\""
 * ```
 */
export function quoteTable(name: string, file: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new JinaError(`${file}: tableName ${JSON.stringify(name)} must be letters, digits and _ (not starting with a digit)`, ErrorCode.InvalidArgument);
  }
  return `"${name}"`;
}

/**
 * Checks that an existing table was written with {@link schemaVersion} (true), or creates the metadata row and
 * document table when `create` (in the caller's write transaction; true), or says they are missing (false).
 *
 * @example
 * ```ts
 * if (!ensureSchema(db, "docs", "docs.db", false, false)) ensureSchema(db, "docs", "docs.db", false, true);
 * ```
 */
export function ensureSchema(db: SqliteDatabase, table: string, file: string, readOnly: boolean, create: boolean): boolean {
  const quoted = quoteTable(table, file);
  const hasMetadata = db.prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'metadata'").get() !== undefined;
  const row = hasMetadata
    ? db.prepare("SELECT schema_version AS version, container_type AS kind FROM metadata WHERE table_name = ?").get(table)
    : undefined;
  if (row) {
    if (row.version !== schemaVersion) {
      throw new JinaError(
        `${file}: table "${table}" was written with schema version ${JSON.stringify(row.version)} (container ${JSON.stringify(row.kind)}), ` +
          `this jina-ts reads ${JSON.stringify(schemaVersion)}: open it with the version that wrote it, or use another tableName/file`,
        ErrorCode.FailedPrecondition,
      );
    }
    return true;
  }
  const exists = db.prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  if (exists) {
    throw new JinaError(
      `${file}: table "${table}" exists but has no metadata row (not written by jina-ts): use another tableName`,
      ErrorCode.FailedPrecondition,
    );
  }
  if (readOnly) throw new JinaError(`${file}: no table "${table}" to read (opened read-only): check tableName`, ErrorCode.NotFound);
  if (!create) return false;
  db.exec(
    "CREATE TABLE IF NOT EXISTS metadata (table_name TEXT PRIMARY KEY, schema_version TEXT, container_type TEXT);" +
      `CREATE TABLE ${quoted} (doc_id TEXT NOT NULL UNIQUE, serialized_value Document NOT NULL, item_order INTEGER PRIMARY KEY);`,
  );
  db.prepare("INSERT INTO metadata (table_name, schema_version, container_type) VALUES (?, ?, ?)").run(table, schemaVersion, "DocumentArray");
  return true;
}
