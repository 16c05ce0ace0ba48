import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { DocumentArray } from "../../docarray/mod.ts";
import { openSqlite } from "../../runtime/sqlite.ts";
import { JinaError } from "../../proto/errors.ts";
import { tempDir } from "./_tmp.ts";

const tmp = tempDir("jina-bad-input-");
test.after(tmp.remove);

const sqlite = (connection: string, extra: object = {}) => new DocumentArray({ storage: "sqlite", config: { connection, ...extra } });

/** Asserts `fn` throws a JinaError whose message names `file` and matches `fix`. */
function throwsNaming(fn: () => unknown, file: string, fix: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof JinaError, `a JinaError, got ${error}`);
    assert.ok((error as JinaError).rawMessage.includes(file), `names ${file}: ${(error as JinaError).rawMessage}`);
    assert.match((error as JinaError).rawMessage, fix);
    return;
  }
  assert.unreachable("did not throw");
}

test("a config key that does not exist", () => {
  assert.throws(() => new DocumentArray({ storage: "sqlite", config: { connection: tmp.file("x.db"), table_name: "docs" } as never }), (e: Error) =>
    e instanceof JinaError && /unknown config key "table_name"; the keys are connection, tableName/.test(e.message));
  assert.throws(() => new DocumentArray({ storage: "ann", config: { nDim: 2, dataPath: tmp.file("a"), ef: 3 } as never }), /unknown config key "ef"/);
  assert.throws(() => new DocumentArray({ storage: "weaviate" } as never), /unknown storage "weaviate": use memory, sqlite or ann/);
});

test("a missing directory", () => {
  const file = tmp.file("no/such/dir/docs.db");
  throwsNaming(() => sqlite(file), file, /does not exist: create it first/);
  const folder = tmp.file("no/such/ann");
  throwsNaming(() => new DocumentArray({ storage: "ann", config: { nDim: 2, dataPath: folder } }), folder, /does not exist: create it first/);
});

test("a file that is not sqlite is left untouched", () => {
  const file = tmp.file("notes.txt");
  writeFileSync(file, "these are my notes, not a database\n");
  throwsNaming(() => sqlite(file), file, /is not an SQLite database/);
  assert.is(readFileSync(file, "utf8"), "these are my notes, not a database\n");
});

test("a table written by another schema version", () => {
  const file = tmp.file("old.db");
  const db = openSqlite(file);
  db.exec("CREATE TABLE metadata (table_name TEXT PRIMARY KEY, schema_version TEXT, container_type TEXT)");
  db.exec("CREATE TABLE docs (doc_id TEXT NOT NULL UNIQUE, serialized_value Document NOT NULL, item_order INTEGER PRIMARY KEY)");
  db.prepare("INSERT INTO metadata VALUES (?, ?, ?)").run("docs", "0", "DocumentArray");
  db.prepare("INSERT INTO docs (doc_id, serialized_value) VALUES (?, ?)").run("a", new Uint8Array([1, 2, 3]));
  db.close();
  throwsNaming(() => sqlite(file), file, /schema version "0" .* open it with the version that wrote it, or use another tableName/);
  const again = openSqlite(file);
  assert.is(again.prepare("SELECT COUNT(*) AS n FROM docs").get()?.n, 1, "nothing stored is lost");
  again.close();
  const other = sqlite(file, { tableName: "fresh" });
  assert.is(other.length, 0, "another table in the same file works");
  other.close();
});

test("dimension mismatch on push and find, NaN in an embedding: nothing stored is lost", () => {
  const file = tmp.file("dims.db");
  const docs = sqlite(file);
  docs.push({ id: "a", embedding: Float32Array.of(1, 2, 3) });
  docs.flush();
  throwsNaming(() => docs.push({ id: "b", embedding: Float32Array.of(1, 2) }), file, /2-d embedding but the store holds 3-d/);
  throwsNaming(() => docs.find(Float32Array.of(1, 2)), file, /find: the query has a 2-d embedding/);
  throwsNaming(() => docs.push({ id: "c", embedding: Float32Array.of(1, Number.NaN, 3) }), file, /NaN at embedding position 1: fix the encoder/);
  assert.equal(docs.ids, ["a"]);
  docs.close();
  const again = sqlite(file);
  assert.equal(again.ids, ["a"]);
  again.close();
});

test("a read-only file: a clear error, or readOnly: true to read it", () => {
  const file = tmp.file("ro.db");
  const docs = sqlite(file);
  docs.push({ id: "kept", text: "x" });
  docs.close();
  chmodSync(file, 0o444);
  try {
    throwsNaming(() => sqlite(file), file, /is read-only: make it writable \(chmod u\+w\) or open it with config.readOnly: true/);
    const reader = sqlite(file, { readOnly: true });
    assert.is(reader.get("kept")?.text, "x");
    throwsNaming(() => reader.push({ id: "new" }), file, /read-only/);
    reader.close();
  } finally {
    chmodSync(file, 0o644);
  }
});

test("a second writer on the same file waits, then gets a clear error; the first writer's data is intact", () => {
  const file = tmp.file("two.db");
  const first = sqlite(file);
  first.push({ id: "one" });
  const second = sqlite(file, { busyTimeoutMs: 50 });
  throwsNaming(() => second.push({ id: "two" }), file, /another process holds the write lock \(one writer at a time\)/);
  first.flush();
  second.push({ id: "two" });
  second.flush();
  assert.equal(first.ids, ["one", "two"]);
  first.close();
  second.close();
});

test.run();
