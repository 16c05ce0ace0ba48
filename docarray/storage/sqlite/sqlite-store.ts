/**
 * The sqlite backend: documents as protobuf bytes in Jina's table layout, one write transaction open from the
 * first change to `flush()` (so what `flush()` acknowledged is committed, and a crash loses only unflushed
 * changes), WAL so readers in other processes never block, and one writer at a time across processes.
 *
 * @module
 */
import type { DocumentProto } from "../../../proto/gen/docarray_pb.ts";
import { decodeDocument, encodeDocument } from "../../wire/codec.ts";
import type { SqliteDatabase, SqliteValue } from "../../../runtime/sqlite.ts";
import type { DocumentStore, SqliteConfig } from "../contract.ts";
import { checkConfigKeys, checkEmbeddings, embeddingOf } from "../validate.ts";
import { openDatabaseFile, storageError } from "./open-file.ts";
import { ensureSchema, quoteTable } from "./schema.ts";

const configKeys = ["connection", "tableName", "synchronous", "busyTimeoutMs", "readOnly"] as const;

function decode(value: SqliteValue | undefined): DocumentProto | undefined {
  return value instanceof Uint8Array ? decodeDocument(value) : undefined;
}

/**
 * A {@link DocumentStore} over one table of a sqlite file.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ connection: "docs.db", tableName: "docs" });
 * store.upsert([new Document({ text: "a" }).proto]);
 * store.flush();
 * store.close();
 * ```
 */
export class SqliteStore implements DocumentStore {
  readonly backend = "sqlite";
  readonly location: string;
  readonly table: string;
  #db: SqliteDatabase | undefined;
  #sql: Record<string, string>;
  #inTransaction = false;
  #dim: number | undefined;
  #dimKnown = false;
  #readOnly: boolean;
  #version = 0;

  constructor(config: SqliteConfig = {}) {
    checkConfigKeys("sqlite", config, configKeys);
    const file = config.connection ?? "docarray.db";
    this.table = config.tableName ?? "docs";
    this.#readOnly = config.readOnly ?? false;
    const t = quoteTable(this.table, file);
    const [db, path] = openDatabaseFile(file, {
      readOnly: this.#readOnly,
      synchronous: config.synchronous ?? "NORMAL",
      busyTimeoutMs: config.busyTimeoutMs ?? 5000,
    });
    this.#db = db;
    this.location = path;
    this.#sql = {
      count: `SELECT COUNT(*) AS n FROM ${t}`,
      at: `SELECT serialized_value AS v FROM ${t} ORDER BY item_order LIMIT 1 OFFSET ?`,
      orderAt: `SELECT item_order AS o FROM ${t} ORDER BY item_order LIMIT 1 OFFSET ?`,
      byId: `SELECT serialized_value AS v FROM ${t} WHERE doc_id = ?`,
      range: `SELECT serialized_value AS v FROM ${t} ORDER BY item_order LIMIT ? OFFSET ?`,
      ids: `SELECT doc_id AS id FROM ${t} ORDER BY item_order`,
      first: `SELECT serialized_value AS v FROM ${t} ORDER BY item_order LIMIT 1`,
      upsert: `INSERT INTO ${t} (doc_id, serialized_value) VALUES (?, ?) ON CONFLICT(doc_id) DO UPDATE SET serialized_value = excluded.serialized_value`,
      replace: `UPDATE ${t} SET doc_id = ?, serialized_value = ? WHERE item_order = ?`,
      delete: `DELETE FROM ${t} WHERE doc_id = ?`,
      stateTable: `CREATE TABLE IF NOT EXISTS "${this.table}_state" (key TEXT PRIMARY KEY, value TEXT)`,
      hasState: `SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = '${this.table}_state'`,
      state: `SELECT value FROM "${this.table}_state" WHERE key = ?`,
      setState: `INSERT INTO "${this.table}_state" (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    };
    try {
      if (!ensureSchema(db, this.table, path, this.#readOnly, false)) {
        this.#write(() => ensureSchema(db, this.table, path, false, true), "create the table");
        this.flush();
      }
    } catch (error) {
      this.#abandon();
      throw storageError(path, error, "open");
    }
  }

  get version(): number {
    return this.#version;
  }

  get dim(): number | undefined {
    if (!this.#dimKnown) {
      const first = decode(this.#get("first")?.v);
      this.#dim = first ? embeddingOf(first)?.length : undefined;
      this.#dimKnown = first !== undefined;
    }
    return this.#dim;
  }

  count(): number {
    return Number(this.#get("count")?.n ?? 0);
  }

  at(index: number): DocumentProto | undefined {
    return decode(this.#get("at", index)?.v);
  }

  byId(id: string): DocumentProto | undefined {
    return decode(this.#get("byId", id)?.v);
  }

  range(start: number, end: number): DocumentProto[] {
    if (end <= start) return [];
    return this.#all("range", end - start, start).map((row) => decode(row.v) as DocumentProto);
  }

  ids(): string[] {
    return this.#all("ids").map((row) => String(row.id));
  }

  upsert(protos: DocumentProto[]): void {
    if (protos.length === 0) return;
    const dim = checkEmbeddings(protos, this.dim, this.location, "push");
    this.#version++;
    this.#write(() => {
      const statement = this.#prepare("upsert");
      for (const proto of protos) statement.run(proto.id, encodeDocument(proto));
    }, "write");
    if (dim !== undefined) [this.#dim, this.#dimKnown] = [dim, true];
  }

  replaceAt(index: number, proto: DocumentProto): void {
    checkEmbeddings([proto], this.dim, this.location, "update");
    this.#version++;
    this.#write(() => {
      const order = this.#get("orderAt", index)?.o;
      if (order === undefined) return;
      const old = this.at(index);
      if (old && old.id !== proto.id) this.#prepare("delete").run(proto.id);
      this.#prepare("replace").run(proto.id, encodeDocument(proto), order as number);
    }, "write");
  }

  deleteIds(ids: string[]): number {
    let deleted = 0;
    this.#version++;
    this.#write(() => {
      const statement = this.#prepare("delete");
      for (const id of ids) deleted += statement.run(id).changes;
    }, "delete");
    if (this.count() === 0) [this.#dim, this.#dimKnown] = [undefined, false];
    return deleted;
  }

  flush(): void {
    if (!this.#inTransaction) return;
    try {
      this.#open().exec("COMMIT");
      this.#inTransaction = false;
    } catch (error) {
      throw storageError(this.location, error, "commit");
    }
  }

  close(): void {
    if (!this.#db) return;
    try {
      this.flush();
    } finally {
      this.#abandon();
    }
  }

  /**
   * A value another layer keeps beside the documents (the ann index's generation), or undefined.
   *
   * @example
   * ```ts
   * store.state("generation");
   * ```
   */
  state(key: string): string | undefined {
    if (this.#get("hasState") === undefined) return undefined;
    const value = this.#get("state", key)?.value;
    return value === undefined || value === null ? undefined : String(value);
  }

  /**
   * Sets a state value in the open write transaction (committed with the documents by the next flush).
   *
   * @example
   * ```ts
   * store.setState("generation", "4");
   * ```
   */
  setState(key: string, value: string): void {
    this.#write(() => {
      this.#open().exec(this.#sql.stateTable as string);
      this.#prepare("setState").run(key, value);
    }, "write");
  }

  /** True when changes wait for {@link flush}. */
  get dirty(): boolean {
    return this.#inTransaction;
  }

  describe(): string[] {
    return [`storage: sqlite, file ${this.location}, table ${this.table}`];
  }

  /** Runs `fn` inside the open write transaction (starting it if needed). */
  #write(fn: () => void, action: string, begin = true): void {
    const db = this.#open();
    if (this.#readOnly && begin) throw storageError(this.location, new Error("attempt to write a readonly database"), action);
    if (begin && !this.#inTransaction) {
      try {
        db.exec("BEGIN IMMEDIATE");
      } catch (error) {
        throw storageError(this.location, error, action);
      }
      this.#inTransaction = true;
    }
    try {
      fn();
    } catch (error) {
      throw storageError(this.location, error, action);
    }
  }

  #abandon(): void {
    try {
      if (this.#inTransaction) this.#db?.exec("ROLLBACK");
    } catch {
      // closing anyway
    }
    this.#inTransaction = false;
    this.#db?.close();
    this.#db = undefined;
  }

  #open(): SqliteDatabase {
    if (!this.#db) throw storageError(this.location, new Error("the DocumentArray is closed: open a new one"), "use");
    return this.#db;
  }

  #prepare(name: string) {
    return this.#open().prepare(this.#sql[name] as string);
  }

  #get(name: string, ...params: SqliteValue[]) {
    try {
      return this.#prepare(name).get(...params);
    } catch (error) {
      throw storageError(this.location, error, "read");
    }
  }

  #all(name: string, ...params: SqliteValue[]) {
    try {
      return this.#prepare(name).all(...params);
    } catch (error) {
      throw storageError(this.location, error, "read");
    }
  }
}
