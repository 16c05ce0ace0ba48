/**
 * bench/find: `DocumentArray.find` (cosine, limit 10) over 100,000 documents × 128 float32 embeddings, against a
 * tight cosine loop in plain TypeScript over the same Float32Array matrix (the distances only, no selection). Also
 * `match` of 32 queries against 32 single finds. Alternating reps; prints medians and ratios. The first find of
 * an array decoded from bytes (gathering the embeddings into one matrix) is printed on its own; then a
 * `BENCH_RESULT {json}` line (bench/runtimes.ts).
 *
 * @module
 */
import { DocumentArray, NdArray } from "../docarray/mod.ts";
import { getEnv } from "../runtime/mod.ts";
import { median } from "./measure.ts";

const reps = Number(getEnv("BENCH_FIND_REPS") ?? 9);
const rows = 100_000;
const dim = 128;
const data = new Float32Array(rows * dim);
for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.618) + Math.cos(i * 0.001);
const docs = new DocumentArray(Array.from({ length: rows }, (_, i) => ({ id: `d${i}` })));
docs.embeddings = new NdArray(data, { shape: [rows, dim] });
const query = data.slice(5 * dim, 6 * dim);
const queries = new DocumentArray(Array.from({ length: 32 }, (_, i) => ({ id: `q${i}`, embedding: data.slice(i * 997 * dim, (i * 997 + 1) * dim) })));

/** The baseline: 1 − cosine similarity of the query with every row, one accumulator per sum. */
function tightLoop(matrix: Float32Array, q: Float32Array): Float64Array {
  const out = new Float64Array(matrix.length / dim);
  let qq = 0;
  for (let j = 0; j < dim; j++) qq += (q[j] as number) * (q[j] as number);
  for (let row = 0, base = 0; row < out.length; row++, base += dim) {
    let dot = 0;
    let nn = 0;
    for (let j = 0; j < dim; j++) {
      const x = matrix[base + j] as number;
      dot += x * (q[j] as number);
      nn += x * x;
    }
    out[row] = 1 - dot / (Math.sqrt(qq) * Math.sqrt(nn));
  }
  return out;
}

const fresh = DocumentArray.fromBytes(docs.toBytes()); // as received: each embedding a view into the wire bytes
let t0 = performance.now();
fresh.find(query, { limit: 10 });
const firstFind = performance.now() - t0;

const cases: Record<string, () => unknown> = {
  "tight cosine loop (TS, Float32Array)": () => tightLoop(data, query),
  "DocumentArray.find (cosine, limit 10)": () => docs.find(query, { limit: 10 }),
  "DocumentArray.find (euclidean, limit 10)": () => docs.find(query, { limit: 10, metric: "euclidean" }),
  "32 × find": () => queries.map((q) => docs.find(q.embedding as NdArray, { limit: 10 })),
  "match, 32 queries": () => queries.match(docs, { limit: 10 }),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let rep = 0; rep < reps; rep++) {
  for (const [name, run] of Object.entries(cases)) {
    if ((name.startsWith("32") || name.startsWith("match")) && rep % 4 !== 0) continue;
    t0 = performance.now();
    run();
    times[name]?.push(performance.now() - t0);
  }
}
const base = median(times["tight cosine loop (TS, Float32Array)"] ?? []);
console.log(`\nfind over ${rows.toLocaleString("en")} × ${dim} float32, ${reps} alternating reps:`);
console.log("| case | median ms | ÷ tight loop |");
console.log("|---|---|---|");
for (const [name, list] of Object.entries(times)) {
  const m = median(list);
  console.log(`| ${name} | ${m.toFixed(2)} | ${(m / base).toFixed(2)}× |`);
}
console.log(`| first find of a fresh array (gathers the matrix) | ${firstFind.toFixed(2)} | ${(firstFind / base).toFixed(2)}× |`);
console.log(`BENCH_RESULT ${JSON.stringify({ findRatio: median(times["DocumentArray.find (cosine, limit 10)"] ?? []) / base })}`);
