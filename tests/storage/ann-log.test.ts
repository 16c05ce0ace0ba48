import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { appendFileSync, copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { type AnnStore, Document, DocumentArray, type StoredDocumentArray } from "../../docarray/mod.ts";
import { crc32 } from "../../docarray/storage/ann/crc32.ts";
import { tempDir } from "./_tmp.ts";

const tmp = tempDir("jina-ann-log-");
test.after(tmp.remove);

const dim = 16;
const open = (name: string) => new DocumentArray({ storage: "ann", config: { nDim: dim, dataPath: tmp.file(name), columns: { batch: "int" } } });
const storeOf = (docs: DocumentArray) => (docs as StoredDocumentArray).store as AnnStore;
const vector = (i: number) => Float32Array.from({ length: dim }, (_, j) => Math.sin(i * 0.37 + j * 1.3) + (j === i % dim ? 1 : 0));
const batch = (b: number, size = 50) =>
  Array.from({ length: size }, (_, i) => new Document({ id: `b${b}-${i}`, embedding: vector(b * size + i), tags: { batch: b } }));

test("a flush appends what the batch changed to the log; the snapshot is rewritten only when the log outgrows it", () => {
  const docs = open("grow");
  const store = storeOf(docs);
  let snapshotWrites = 0;
  let bytesWritten = 0;
  let last = store.indexFiles;
  for (let b = 0; b < 60; b++) {
    docs.push(...batch(b));
    docs.flush();
    const now = store.indexFiles;
    if (now.snapshotBytes !== last.snapshotBytes) {
      snapshotWrites++;
      bytesWritten += now.snapshotBytes;
    } else bytesWritten += now.logBytes - last.logBytes;
    assert.ok(now.logBytes <= now.snapshotBytes + 16 || now.snapshotBytes !== last.snapshotBytes, "the log never outgrows the snapshot after a flush");
    last = now;
  }
  // 60 flushes, 3,000 vectors: a rewrite per flush would write ≈ 30× the final snapshot; the log keeps it linear
  assert.ok(snapshotWrites <= 12, `${snapshotWrites} snapshot writes in 60 flushes`);
  assert.ok(bytesWritten < 8 * last.snapshotBytes, `${bytesWritten} bytes written for a ${last.snapshotBytes}-byte index`);
  assert.equal(docs.find(vector(1234), { limit: 1 }).ids, ["b24-34"]);
  docs.close();
});

test("reopen without a close (as after a crash) replays the log: same answers, no rebuild", () => {
  const name = "replay";
  const first = open(name);
  for (let b = 0; b < 8; b++) {
    first.push(...batch(b));
    first.flush();
  }
  first.remove("b3-7");
  first.set("b4-4", { id: "b4-4", embedding: vector(9999), tags: { batch: 99 } });
  first.flush();
  const expected = [vector(150), vector(9999), vector(207)].map((q) => first.find(q, { limit: 5 }).ids);
  // a second handle reads the files as they are now (the first one still holds them open, unflushed to the snapshot)
  const second = open(name);
  assert.is(storeOf(second).indexFiles.opened, "files");
  assert.ok(storeOf(second).indexFiles.logBytes > 16, "the log carried the changes");
  assert.is(second.length, 399);
  assert.equal([vector(150), vector(9999), vector(207)].map((q) => second.find(q, { limit: 5 }).ids), expected);
  assert.equal(second.find(vector(9999), { limit: 1, filter: { batch: { $eq: 99 } } }).ids, ["b4-4"]);
  assert.ok(!second.find(vector(157), { limit: 20 }).ids.includes("b3-7"));
  second.close();
  first.close();
});

test("a torn tail and a record whose documents never committed are cut off on open", () => {
  const name = "torn";
  const path = tmp.file(name);
  const docs = open(name);
  docs.push(...batch(0));
  docs.close(); // snapshot at generation 1, empty log
  // the sqlite file with its WAL (Bun's driver leaves the WAL beside the file on close)
  for (const suffix of ["", "-wal"]) if (existsSync(`${path}/docs.db${suffix}`)) copyFileSync(`${path}/docs.db${suffix}`, `${tmp.path}/docs-gen1.db${suffix}`);
  copyFileSync(`${path}/index.hnsw`, `${tmp.path}/index-gen1.hnsw`);
  const more = open(name);
  const logBefore = storeOf(more).indexFiles.logBytes;
  more.push(...batch(1));
  more.flush(); // log record for generation 2
  copyFileSync(`${path}/index.hnsw.log`, `${tmp.path}/log-gen2`);
  more.close();
  // put back the documents of generation 1 and the snapshot of generation 1, keep the log with generation 2
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}/docs.db${suffix}`, { force: true });
  for (const suffix of ["", "-wal"]) if (existsSync(`${tmp.path}/docs-gen1.db${suffix}`)) copyFileSync(`${tmp.path}/docs-gen1.db${suffix}`, `${path}/docs.db${suffix}`);
  copyFileSync(`${tmp.path}/index-gen1.hnsw`, `${path}/index.hnsw`);
  copyFileSync(`${tmp.path}/log-gen2`, `${path}/index.hnsw.log`);
  appendFileSync(`${path}/index.hnsw.log`, new Uint8Array([1, 2, 3, 4, 5, 6, 7])); // and a torn write after it
  const again = open(name);
  assert.is(storeOf(again).indexFiles.opened, "files");
  assert.is(again.length, 50);
  assert.is(statSync(`${path}/index.hnsw.log`).size, logBefore, "the uncommitted record and the torn bytes are gone");
  assert.ok(!again.find(vector(60), { limit: 10 }).ids.some((id) => id.startsWith("b1-")));
  again.push(...batch(2));
  again.flush();
  assert.is(again.find(vector(100), { limit: 1 }).ids[0], "b2-0");
  again.close();
});

test("a damaged log record is not applied: the index is rebuilt from the documents, nothing is lost", () => {
  const name = "damaged";
  const path = tmp.file(name);
  const docs = open(name);
  docs.push(...batch(0));
  docs.close(); // snapshot at generation 1
  copyFileSync(`${path}/index.hnsw`, `${tmp.path}/damaged-gen1.hnsw`);
  const more = open(name);
  more.push(...batch(1));
  more.flush(); // log record for generation 2, committed
  const log = readFileSync(`${path}/index.hnsw.log`);
  more.close();
  log[log.length - 100] = (log[log.length - 100] as number) ^ 0xff; // a flipped byte inside the committed record
  writeFileSync(`${path}/index.hnsw.log`, log);
  copyFileSync(`${tmp.path}/damaged-gen1.hnsw`, `${path}/index.hnsw`);
  const again = open(name);
  assert.is(storeOf(again).indexFiles.opened, "rebuilt");
  assert.is(again.length, 100);
  assert.is(again.find(vector(75), { limit: 1 }).ids[0], "b1-25");
  again.close();
  const last = open(name);
  assert.is(storeOf(last).indexFiles.opened, "files", "the rebuilt index was saved");
  last.close();
});

test("crc32 is the IEEE CRC-32 (check value of \"123456789\")", () => {
  assert.is(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.is(crc32(new Uint8Array(0)), 0);
});

test.run();
