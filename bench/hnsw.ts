/**
 * HNSW (docarray/storage/ann) vs exact search on the same data, in one run: recall@10, queries/s of both,
 * build time, index size on disk. Data: uniform random, clustered (Gaussian blobs), or lowrank (a 16-d latent
 * mapped into the space, as text embeddings are); cosine.
 * Exact baselines: `DocumentArray.find` (the library's brute force) and a tight Float32Array loop.
 * Comparison: usearch (a native HNSW, N-API, SIMD distances) on the same vectors with the same M, efConstruction and
 * efSearch, one thread for build and search, timed in CPU ms the same way (USEARCH=0 skips it).
 *
 *   npx tsx bench/hnsw.ts [n=100000] [dim=128] [queries=200] [M=16] [efConstruction=200] [kinds=random,clustered,lowrank]
 *   (EF_SEARCH=64,128,256 sets the efSearch values swept; HNSW_BENCH_CACHE=folder keeps both built indexes and
 *   their build times there, so another sweep of the same data, M and efConstruction skips the builds)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DocumentArray, Hnsw } from "../docarray/mod.ts";
import { readHnswFile, writeHnswFile } from "../docarray/storage/ann/hnsw-file.ts";
import { loadUsearch, type UsearchIndex } from "./usearch.ts";

const [n, dim, queryCount] = [Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 200)];
const maxConnection = Number(process.argv[5] ?? 16);
const efConstruction = Number(process.argv[6] ?? 200);
const kinds = (process.argv[7] ?? "random,clustered").split(",") as Kind[];
const k = 10;
const efs = (process.env.EF_SEARCH ?? "64,128,256,512,1024").split(",").map(Number);
const defaultEf = new Hnsw({ dim: 1 }).efSearch;
const usearch = process.env.USEARCH === "0" ? undefined : await loadUsearch();

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

type Kind = "random" | "clustered" | "lowrank";

function dataset(kind: Kind, count: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(count * dim);
  if (kind === "lowrank") {
    // like text embeddings: a 16-d latent mapped linearly into dim, plus a little noise (intrinsic dimension ≈ 16)
    const latent = 16;
    const basis = Float32Array.from({ length: latent * dim }, () => gaussian(next));
    const z = new Float32Array(latent);
    for (let i = 0; i < count; i++) {
      for (let l = 0; l < latent; l++) z[l] = gaussian(next);
      for (let j = 0; j < dim; j++) {
        let v = 0.05 * gaussian(next);
        for (let l = 0; l < latent; l++) v += (z[l] as number) * (basis[l * dim + j] as number);
        out[i * dim + j] = v;
      }
    }
    return out;
  }
  if (kind === "random") {
    for (let i = 0; i < out.length; i++) out[i] = next() - 0.5;
    return out;
  }
  const centers = Array.from({ length: 100 }, () => Float32Array.from({ length: dim }, () => gaussian(next)));
  for (let i = 0; i < count; i++) {
    const center = centers[Math.floor(next() * centers.length)] as Float32Array;
    for (let j = 0; j < dim; j++) out[i * dim + j] = (center[j] as number) + 0.3 * gaussian(next);
  }
  return out;
}

/** The tight loop: cosine over a normalised contiguous matrix, keep the best k by insertion. */
function exactTopK(normalised: Float32Array, query: Float32Array): number[] {
  let norm = 0;
  for (let j = 0; j < dim; j++) norm += (query[j] as number) ** 2;
  norm = Math.sqrt(norm);
  const best: [number, number][] = [];
  for (let i = 0, at = 0; i < n; i++, at += dim) {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += (normalised[at + j] as number) * (query[j] as number);
    const d = 1 - dot / norm;
    if (best.length < k || d < (best[best.length - 1] as [number, number])[0]) {
      let p = best.length < k ? best.length : k - 1;
      if (best.length < k) best.push([d, i]);
      while (p > 0 && (best[p - 1] as [number, number])[0] > d) {
        best[p] = best[p - 1] as [number, number];
        p--;
      }
      best[p] = [d, i];
    }
  }
  return best.map((b) => b[1]);
}

/** This process's CPU time in ms: per-query times on a machine shared with other work (wall time would count their turns). */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const dir = mkdtempSync(join(tmpdir(), "jina-bench-hnsw-"));
try {
  console.log(
    `HNSW vs exact: n=${n}, dim=${dim}, ${queryCount} queries, k=${k}, cosine; M=${maxConnection}, efConstruction=${efConstruction}, default efSearch=${defaultEf}; ` +
      `SIMD kernel: ${new Hnsw({ dim: 4 }).simd}`,
  );
  for (const kind of kinds) {
    // queries come from the same distribution (for clustered data: the same centres), held out of the index
    const all = dataset(kind, n + queryCount, 42);
    const data = all.subarray(0, n * dim);
    const queries = all.subarray(n * dim);
    const normalised = data.slice();
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (normalised[i * dim + j] as number) ** 2;
      s = Math.sqrt(s);
      for (let j = 0; j < dim; j++) normalised[i * dim + j] = (normalised[i * dim + j] as number) / s;
    }
    const cacheDir = process.env.HNSW_BENCH_CACHE;
    const key = `${kind}-${n}x${dim}-M${maxConnection}-efc${efConstruction}`;
    const file = join(cacheDir ?? dir, `${key}.hnsw`);
    const timesFile = join(cacheDir ?? dir, `${key}.json`);
    const times: { buildMs?: number; buildCpuS?: number; usearchCpuS?: number } = cacheDir && existsSync(timesFile) ? JSON.parse(readFileSync(timesFile, "utf8")) : {};
    let t = performance.now();
    let index: Hnsw;
    if (times.buildCpuS !== undefined && existsSync(file)) index = readHnswFile(file)[0];
    else {
      const cpu0 = process.cpuUsage();
      index = new Hnsw({ dim, metric: "cosine", maxConnection, efConstruction }, n);
      for (let i = 0; i < n; i++) index.add(data.subarray(i * dim, (i + 1) * dim));
      times.buildMs = performance.now() - t;
      const cpu1 = process.cpuUsage(cpu0);
      times.buildCpuS = (cpu1.user + cpu1.system) / 1e6;
      writeHnswFile(file, index, { generation: 1, ids: Array.from({ length: n }, (_, i) => `d${i}`), columns: [] });
      writeFileSync(timesFile, JSON.stringify(times));
    }
    const buildMs = times.buildMs as number;
    const buildCpuS = times.buildCpuS;
    const bytes = statSync(file).size;

    const truth: number[][] = [];
    const exactMs: number[] = [];
    for (let q = 0; q < queryCount; q++) {
      t = cpuMs();
      truth.push(exactTopK(normalised, queries.subarray(q * dim, (q + 1) * dim)));
      exactMs.push(cpuMs() - t);
    }
    // the library's own brute force on a sample of queries
    const docs = new DocumentArray(Array.from({ length: n }, (_, i) => ({ id: `d${i}`, embedding: data.subarray(i * dim, (i + 1) * dim) })));
    const findMs: number[] = [];
    for (let q = 0; q < Math.min(10, queryCount); q++) {
      t = cpuMs();
      docs.find(queries.subarray(q * dim, (q + 1) * dim), { limit: k });
      findMs.push(cpuMs() - t);
    }
    console.log(
      `${kind}: build ${(buildMs / 1000).toFixed(1)} s wall, ${buildCpuS.toFixed(1)} s CPU (${Math.round(n / buildCpuS)} vectors per CPU-second; one exact scan of all ${n} takes ` +
        `${median(exactMs).toFixed(1)} ms, so one insert costs ${(buildMs / n / median(exactMs)).toFixed(2)} scans), index file ${(bytes / 2 ** 20).toFixed(1)} MiB ` +
        `(raw vectors ${(n * dim * 4 / 2 ** 20).toFixed(1)} MiB); exact per query (CPU ms, as all per-query times): tight loop ${median(exactMs).toFixed(2)} ms, DocumentArray.find ${median(findMs).toFixed(1)} ms`,
    );
    // warm-up, untimed: compiles both walks and encodes the int8 codes (done once, on the first search)
    for (const quantized of [true, false]) {
      index.quantizedSearch = quantized;
      for (let q = 0; q < Math.min(20, queryCount); q++) index.search(queries.subarray(q * dim, (q + 1) * dim), k);
    }
    for (const ef of efs) {
      index.efSearch = ef;
      // the default walk on int8 codes (re-scored on float32), then the same graph walked on float32
      for (const quantized of index.simd ? [true, false] : [false]) {
        index.quantizedSearch = quantized;
        const annMs: number[] = [];
        let hits = 0;
        for (let q = 0; q < queryCount; q++) {
          const query = queries.subarray(q * dim, (q + 1) * dim);
          t = cpuMs();
          const { nodes } = index.search(query, k);
          annMs.push(cpuMs() - t);
          const want = new Set(truth[q]);
          hits += nodes.filter((node) => want.has(node)).length;
        }
        console.log(
          `  efSearch ${String(ef).padStart(4)}${ef === defaultEf ? " (default)" : "          "} ${quantized ? "int8 walk   " : "float32 walk"}: recall@10 ${(hits / (queryCount * k)).toFixed(3)}, ` +
            `median ${median(annMs).toFixed(3)} ms/query (${Math.round(1000 / median(annMs))} q/s) = ${(median(exactMs) / median(annMs)).toFixed(0)}× the tight loop, ` +
            `${(median(findMs) / median(annMs)).toFixed(0)}× DocumentArray.find`,
        );
      }
      index.quantizedSearch = true;
    }
    if (!usearch) continue;
    // usearch, same vectors, M and efConstruction, one thread; efSearch is fixed at construction, so the built
    // graph is saved once and viewed by one index per efSearch
    const usearchFile = join(cacheDir ?? dir, `${key}.usearch`);
    if (times.usearchCpuS === undefined || !existsSync(usearchFile)) {
      const cpuBuild0 = process.cpuUsage();
      const built = usearch.create(dim, maxConnection, efConstruction, defaultEf);
      built.add(data, 1);
      const cpuBuild = process.cpuUsage(cpuBuild0);
      built.save(usearchFile);
      times.usearchCpuS = (cpuBuild.user + cpuBuild.system) / 1e6;
      writeFileSync(timesFile, JSON.stringify(times));
    }
    const usearchCpuS = times.usearchCpuS;
    console.log(
      `  usearch ${usearch.version}: build ${usearchCpuS.toFixed(1)} s CPU (ours ÷ usearch ${(buildCpuS / usearchCpuS).toFixed(2)}), ` +
        `index file ${(statSync(usearchFile).size / 2 ** 20).toFixed(1)} MiB`,
    );
    for (const ef of efs) {
      const view: UsearchIndex = usearch.create(dim, maxConnection, efConstruction, ef);
      view.view(usearchFile);
      const usMs: number[] = [];
      let hits = 0;
      for (let q = 0; q < queryCount; q++) {
        const query = queries.subarray(q * dim, (q + 1) * dim);
        t = cpuMs();
        const nodes = view.search(query, k);
        usMs.push(cpuMs() - t);
        const want = new Set(truth[q]);
        hits += nodes.filter((node) => want.has(node)).length;
      }
      console.log(
        `  usearch efSearch ${String(ef).padStart(4)}            : recall@10 ${(hits / (queryCount * k)).toFixed(3)}, median ${median(usMs).toFixed(3)} ms/query ` +
          `(${Math.round(1000 / median(usMs))} q/s) = ${(median(exactMs) / median(usMs)).toFixed(0)}× the tight loop`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
