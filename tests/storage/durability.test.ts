import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { type AnnStore, DocumentArray, type StoredDocumentArray } from "../../docarray/mod.ts";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { processId, spawnScript } from "../../runtime/mod.ts";
import { openSqlite } from "../../runtime/sqlite.ts";
import { tempDir } from "./_tmp.ts";

const tmp = tempDir("jina-durability-");
test.after(tmp.remove);

// The writer is bundled to one .mjs first: a child then starts in about a quarter of the time (Node would run
// every TypeScript file through tsx), which keeps 20 SIGKILL rounds fast. It lives under node_modules/.cache so
// that better-sqlite3 (Node 20) resolves from it.
const bundleDir = fileURLToPath(new URL("../../node_modules/.cache/jina-ts/", import.meta.url));
const writer = join(bundleDir, `durability-writer-${processId()}.mjs`);
test.before(async () => {
  mkdirSync(bundleDir, { recursive: true });
  await build({
    entryPoints: [fileURLToPath(new URL("./fixtures/writer.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    external: ["better-sqlite3"],
    outfile: writer,
    logLevel: "silent",
  });
});
test.after(() => rmSync(writer, { force: true }));
const repetitions = 20;

/** Starts a writer, kills it with SIGKILL a random 0–120 ms after its first acknowledged flush; returns the last ack. */
async function killMidWrite(kind: string, path: string, seed: number): Promise<number> {
  let last = -1;
  let firstAck: () => void = () => {};
  const acked = new Promise<void>((resolve) => (firstAck = resolve));
  const child = spawnScript(writer, {
    args: [kind, path],
    onLine: (line, stream) => {
      const match = stream === "stdout" ? /^ack (\d+)$/.exec(line) : null;
      if (match) {
        last = Number(match[1]);
        firstAck();
      }
    },
  });
  await Promise.race([acked, child.exited.then((code) => Promise.reject(new Error(`writer exited (${code}): ${child.lastOutput()}`)))]);
  await new Promise((resolve) => setTimeout(resolve, (seed * 37) % 120));
  child.kill("SIGKILL");
  await child.exited;
  return last;
}

test(`SIGKILL at a random moment, ${repetitions} times: every acknowledged flush is there and the file opens cleanly`, async () => {
  const runs = Array.from({ length: repetitions }, (_, i) => ({ i, kind: i % 2 === 0 ? "sqlite" : "ann" }));
  const worker = async (slice: typeof runs) => {
    for (const { i, kind } of slice) {
      const path = kind === "ann" ? tmp.file(`ann-${i}`) : tmp.file(`run-${i}.db`);
      const last = await killMidWrite(kind, path, i);
      const raw = openSqlite(kind === "ann" ? `${path}/docs.db` : path);
      assert.is(raw.prepare("PRAGMA integrity_check").get()?.integrity_check, "ok", `${kind} run ${i}: integrity_check`);
      raw.close();
      const docs = kind === "ann"
        ? new DocumentArray({ storage: "ann", config: { nDim: 8, dataPath: path } })
        : new DocumentArray({ storage: "sqlite", config: { connection: path } });
      try {
        for (let batch = 0; batch <= last; batch++) {
          for (const i of [0, 24]) assert.ok(docs.has(`b${batch}-${i}`), `${kind} run ${i}: acknowledged batch ${batch} of ${last} is missing`);
        }
        assert.ok(docs.length >= (last + 1) * 25, `${kind}: ${docs.length} docs for ${last + 1} acknowledged batches`);
        assert.is(docs.length % 25, 0, "batches are all-or-nothing");
        if (kind === "ann") {
          // the index comes back from its snapshot and log (replayed to the committed generation), not rebuilt
          assert.is(((docs as StoredDocumentArray).store as AnnStore).indexFiles.opened, "files", `ann run ${i}: the index was rebuilt`);
        }
        const hit = docs.find(Float32Array.from({ length: 8 }, (_, j) => Math.sin(j)), { limit: 1 });
        assert.is(hit.at(0)?.id, "b0-0", `${kind}: the index answers after the crash`);
        docs.push({ id: "after-crash", embedding: new Float32Array(8).fill(1) });
        docs.flush();
      } finally {
        docs.close();
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map((w) => worker(runs.filter((r) => r.i % 4 === w))));
});

test("two processes on one file: the second writer waits for the first one's flush, nothing is corrupted", async () => {
  const path = tmp.file("shared.db");
  let acks = 0;
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => (started = resolve));
  const child = spawnScript(writer, {
    args: ["sqlite", path],
    onLine: (line, stream) => {
      if (stream === "stdout" && line.startsWith("ack ") && ++acks === 3) started();
    },
  });
  try {
    await Promise.race([running, child.exited.then((code) => Promise.reject(new Error(`writer exited (${code}): ${child.lastOutput()}`)))]);
    const docs = new DocumentArray({ storage: "sqlite", config: { connection: path, busyTimeoutMs: 10_000 } });
    assert.ok(docs.length >= 3 * 25, "a reader sees the other process's flushed batches");
    for (let i = 0; i < 5; i++) {
      docs.push({ id: `parent-${i}`, embedding: new Float32Array(8).fill(i) });
      docs.flush();
    }
    docs.close();
  } finally {
    child.kill("SIGKILL");
    await child.exited;
  }
  const raw = openSqlite(path);
  assert.is(raw.prepare("PRAGMA integrity_check").get()?.integrity_check, "ok");
  raw.close();
  const again = new DocumentArray({ storage: "sqlite", config: { connection: path } });
  for (let i = 0; i < 5; i++) assert.ok(again.has(`parent-${i}`));
  assert.ok(again.has("b2-24"));
  again.close();
});

test.run();
