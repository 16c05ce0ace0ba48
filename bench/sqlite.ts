/**
 * The sqlite storage: insert N documents with 128-d float32 embeddings through `DocumentArray({ storage:
 * "sqlite" })` (push 1,000 + flush per batch), beside the baseline of the same protobuf bytes inserted with the
 * driver directly (one prepared INSERT, one transaction per 1,000). Then reopen-and-count, a full read, RSS.
 *
 *   npx tsx bench/sqlite.ts [n=100000]      (also: bun bench/sqlite.ts, deno run -A bench/sqlite.ts)
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document, DocumentArray } from "../docarray/mod.ts";
import { runtimeName } from "../runtime/mod.ts";
import { openSqlite } from "../runtime/sqlite.ts";
import { encodeDocument } from "../docarray/wire/codec.ts";

const n = Number(process.argv[2] ?? 100_000);
const dim = 128;
const batch = 1000;
const dir = mkdtempSync(join(tmpdir(), "jina-bench-sqlite-"));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rss = () => process.memoryUsage().rss;

function makeBatch(start: number): Document[] {
  return Array.from({ length: batch }, (_, i) => {
    const embedding = new Float32Array(dim);
    for (let j = 0; j < dim; j++) embedding[j] = Math.sin(start + i + j);
    return new Document({ id: `doc-${start + i}`, text: `document number ${start + i}`, embedding, tags: { n: start + i } });
  });
}

try {
  console.log(`sqlite storage on ${runtimeName()}: ${n} documents with ${dim}-d float32 embeddings, batches of ${batch}`);
  // baseline: the driver alone, same bytes, same batching
  const raw = openSqlite(join(dir, "raw.db"));
  raw.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  raw.exec("CREATE TABLE docs (doc_id TEXT NOT NULL UNIQUE, serialized_value BLOB NOT NULL, item_order INTEGER PRIMARY KEY)");
  const insert = raw.prepare("INSERT INTO docs (doc_id, serialized_value) VALUES (?, ?)");
  let t = performance.now();
  let build = 0;
  for (let start = 0; start < n; start += batch) {
    const b0 = performance.now();
    const part = makeBatch(start);
    build += performance.now() - b0;
    const bytes = part.map((doc) => [doc.id, encodeDocument(doc.proto)] as const);
    raw.exec("BEGIN");
    for (const [id, value] of bytes) insert.run(id, value);
    raw.exec("COMMIT");
  }
  const rawMs = performance.now() - t - build;
  raw.close();

  t = performance.now();
  build = 0;
  const docs = new DocumentArray({ storage: "sqlite", config: { connection: join(dir, "docs.db") } });
  for (let start = 0; start < n; start += batch) {
    const b0 = performance.now();
    const part = makeBatch(start);
    build += performance.now() - b0;
    docs.push(...part);
    docs.flush();
  }
  const ourMs = performance.now() - t - build;
  const rssAfterInsert = rss();
  docs.close();
  const size = statSync(join(dir, "docs.db")).size;

  t = performance.now();
  const reopened = new DocumentArray({ storage: "sqlite", config: { connection: join(dir, "docs.db") } });
  const count = reopened.length;
  const reopenMs = performance.now() - t;
  t = performance.now();
  const all = reopened.protos.length;
  const readMs = performance.now() - t;
  const rssAfterRead = rss();
  reopened.close();

  console.log(`insert: DocumentArray ${Math.round(n / (ourMs / 1000))} docs/s, driver alone ${Math.round(n / (rawMs / 1000))} docs/s (time ratio ${(ourMs / rawMs).toFixed(2)}; both serialize with the wire codec; building the documents is excluded)`);
  console.log(`file ${mib(size)}; reopen + count(${count}) ${reopenMs.toFixed(1)} ms; read all ${all} documents ${(readMs / 1000).toFixed(2)} s`);
  console.log(`RSS after insert ${mib(rssAfterInsert)}, after reading all ${mib(rssAfterRead)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
