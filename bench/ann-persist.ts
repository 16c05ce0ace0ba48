/**
 * What persisting the HNSW costs as an index grows in batches (the AnnIndexer's `/index` path): N clustered
 * 128-d vectors pushed into `DocumentArray({ storage: "ann" })` in batches with a `flush()` after each (snapshot +
 * append-only log), beside the same vectors added to a bare `Hnsw` in the same run, once with no persistence and
 * once rewriting the whole index file after every batch (what the store did before the log). Then reopen times:
 * from the snapshot, from snapshot + log (as after a crash), and a rebuild from the documents.
 *
 *   npx tsx bench/ann-persist.ts [n=20000] [batch=500] [dim=128]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AnnStore, Document, DocumentArray, Hnsw, type StoredDocumentArray } from "../docarray/mod.ts";
import { writeHnswFile } from "../docarray/storage/ann/hnsw-file.ts";

const [n, batch, dim] = [Number(process.argv[2] ?? 20_000), Number(process.argv[3] ?? 500), Number(process.argv[4] ?? 128)];
const dir = mkdtempSync(join(tmpdir(), "jina-bench-ann-persist-"));
/** Wall time (ms): fsync waits are not CPU time, and they are what a rewrite costs. */
const cpu = () => performance.now();
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function vectors(count: number): Float32Array {
  let x = 42;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const centers = Array.from({ length: 100 }, () => Float32Array.from({ length: dim }, gaussian));
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const center = centers[Math.floor(next() * centers.length)] as Float32Array;
    for (let j = 0; j < dim; j++) out[i * dim + j] = (center[j] as number) + 0.3 * gaussian();
  }
  return out;
}

try {
  const data = vectors(n);
  const row = (i: number) => data.subarray(i * dim, (i + 1) * dim);
  console.log(`ann persistence: ${n} clustered ${dim}-d vectors in batches of ${batch}, flush after each (wall time)`);

  // baseline 1: the graph alone
  let t = cpu();
  const bare = new Hnsw({ dim }, n);
  for (let i = 0; i < n; i++) bare.add(row(i));
  const bareMs = cpu() - t;

  // baseline 2: the graph plus a whole-file rewrite after every batch
  t = cpu();
  const rewritten = new Hnsw({ dim }, n);
  let rewriteBytes = 0;
  let rewriteMs = 0;
  const file = join(dir, "rewrite.hnsw");
  for (let start = 0; start < n; start += batch) {
    for (let i = start; i < Math.min(n, start + batch); i++) rewritten.add(row(i));
    const w = cpu();
    writeHnswFile(file, rewritten, { generation: start, ids: Array.from({ length: rewritten.count }, (_, i) => `d${i}`), columns: [] });
    rewriteMs += cpu() - w;
    rewriteBytes += statSync(file).size;
  }
  const rewriteTotalMs = cpu() - t;

  // the store: documents in sqlite, snapshot + log
  const path = join(dir, "ann");
  const open = () => new DocumentArray({ storage: "ann", config: { nDim: dim, dataPath: path } });
  t = cpu();
  const docs = open();
  const store = (docs as StoredDocumentArray).store as AnnStore;
  let written = 0;
  let snapshots = 0;
  let last = store.indexFiles;
  for (let start = 0; start < n; start += batch) {
    docs.push(...Array.from({ length: Math.min(batch, n - start) }, (_, i) => new Document({ id: `d${start + i}`, embedding: row(start + i) })));
    docs.flush();
    const now = store.indexFiles;
    if (now.snapshotBytes !== last.snapshotBytes) {
      snapshots++;
      written += now.snapshotBytes + (last.logBytes - 16);
    }
    last = now;
  }
  written += last.logBytes;
  const storeMs = cpu() - t;
  const onDisk = last.snapshotBytes + last.logBytes;
  const size = (name: string) => {
    try {
      return statSync(join(path, name)).size;
    } catch {
      return 0;
    }
  };
  const docsBytes = size("docs.db") + size("docs.db-wal");
  console.log(`  bare Hnsw build:                         ${(bareMs / 1000).toFixed(1)} s (1.00)`);
  console.log(
    `  Hnsw + whole-file rewrite per batch:     ${(rewriteTotalMs / 1000).toFixed(1)} s (${(rewriteTotalMs / bareMs).toFixed(2)}× bare; the rewrites alone ` +
      `${(rewriteMs / 1000).toFixed(1)} s), ${mib(rewriteBytes)} written`,
  );
  console.log(
    `  ann store, push + flush per batch:       ${(storeMs / 1000).toFixed(1)} s (${(storeMs / bareMs).toFixed(2)}× bare, documents in sqlite included), ` +
      `≈ ${mib(written)} of index written (${snapshots} snapshots + the log; ${(written / onDisk).toFixed(1)}× the index's ${mib(onDisk)} on disk), ` +
      `docs.db + WAL ${mib(docsBytes)}`,
  );

  // reopen: snapshot + log as left by the last flush (a crash would leave the same), then after close, then a rebuild
  t = performance.now();
  const replayed = open();
  const replayMs = performance.now() - t;
  const replayedHow = ((replayed as StoredDocumentArray).store as AnnStore).indexFiles.opened;
  replayed.close();
  docs.close();
  t = performance.now();
  const reopened = open();
  const reopenMs = performance.now() - t;
  reopened.close();
  rmSync(join(path, "index.hnsw"));
  t = performance.now();
  const rebuilt = open();
  const rebuildMs = performance.now() - t;
  const rebuiltHow = ((rebuilt as StoredDocumentArray).store as AnnStore).indexFiles.opened;
  rebuilt.close();
  console.log(
    `  open: snapshot + log ${replayMs.toFixed(0)} ms (${replayedHow}), snapshot after close ${reopenMs.toFixed(0)} ms, ` +
      `rebuild from docs.db ${(rebuildMs / 1000).toFixed(1)} s (${rebuiltHow}) — wall time`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
