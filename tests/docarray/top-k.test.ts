import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { topK } from "../../docarray/top-k.ts";
import { createDataRequest, decodeDataRequest, DocumentArray, docsOf, encodeDataRequest, NdArray } from "../../docarray/mod.ts";
import { createRng } from "../fuzz/_corpus.ts";

/** The distances the straightforward way (one accumulator, float64), for reference. */
function reference(a: ArrayLike<number>, b: ArrayLike<number>, metric: string): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    aa += x * x;
    bb += y * y;
    sq += (x - y) * (x - y);
  }
  if (metric === "cosine") return 1 - dot / (Math.max(Math.sqrt(aa), 1e-7) * Math.max(Math.sqrt(bb), 1e-7));
  if (metric === "dot") return 1 - dot;
  return metric === "euclidean" ? Math.sqrt(sq) : sq;
}

test("topK over a raw matrix: every metric, batched queries across block edges, as a full sort would rank them", () => {
  const rng = createRng(7);
  const dim = 13;
  const rows = 300;
  const matrix = Float32Array.from({ length: rows * dim }, () => rng.float() * 2 - 1);
  for (let r = 0; r < 10; r++) matrix.copyWithin((rows - 1 - r) * dim, r * dim, (r + 1) * dim); // exact ties
  const queries = Float32Array.from({ length: 19 * dim }, () => rng.float() * 2 - 1);
  for (const metric of ["cosine", "euclidean", "sqeuclidean", "dot"] as const) {
    for (const k of [0, 1, 7, rows, Number.POSITIVE_INFINITY]) {
      const results = topK(matrix, dim, queries, k, metric, { block: 4 });
      assert.is(results.length, 19);
      results.forEach(({ rows: got, distances }, q) => {
        const query = queries.subarray(q * dim, (q + 1) * dim);
        const all = Array.from({ length: rows }, (_, r) => ({ r, d: reference(query, matrix.subarray(r * dim, (r + 1) * dim), metric) }));
        all.sort((a, b) => a.d - b.d || a.r - b.r);
        const expected = all.slice(0, Math.min(k, rows));
        assert.equal([...got], expected.map((e) => e.r), `${metric} k=${k} q=${q}`);
        distances.forEach((d, i) => assert.ok(Math.abs(d - (expected[i]?.d ?? 0)) < 1e-9, `${metric}: ${d}`));
      });
    }
  }
});

test("topK: ties keep row order, skip leaves rows out, bad input is InvalidArgument", () => {
  const matrix = Float32Array.of(1, 0, 1, 0, 0, 1, 1, 0);
  assert.equal([...(topK(matrix, 2, Float64Array.of(1, 0), 3, "cosine")[0]?.rows ?? [])], [0, 1, 3]);
  const skipped = topK(matrix, 2, Float64Array.of(1, 0, 0, 1), 2, "euclidean", { skip: (q, row) => q === 0 && row < 2 });
  assert.equal(skipped.map((r) => [...r.rows]), [[3, 2], [2, 0]]);
  assert.throws(() => topK(matrix, 2, Float64Array.of(1, 0), 1, "manhattan" as never), /unknown metric "manhattan"/);
  assert.throws(() => topK(matrix, 3, Float64Array.of(1, 0, 0), 1, "dot"), /rows of 3 values/);
  assert.throws(() => topK(matrix, 2, Float64Array.of(1, 0), -1, "dot"), /non-negative/);
});

test("find keeps float32 embeddings in one matrix: results stay right after in-place writes and replaced embeddings", () => {
  const docs = new DocumentArray(Array.from({ length: 50 }, (_, i) => ({ id: `d${i}`, embedding: Float32Array.of(Math.cos(i), Math.sin(i)) })));
  const request = createDataRequest({ docs });
  const bytes = encodeDataRequest(request);
  const decoded = docsOf(decodeDataRequest(bytes)); // embeddings are unaligned views into the wire bytes
  assert.equal(decoded.find(Float32Array.of(1, 0), { limit: 2 }).ids, ["d0", "d44"]);
  assert.equal([...encodeDataRequest(decodeDataRequest(bytes))], [...bytes], "the wire bytes are unchanged");
  const first = decoded.at(0)?.embedding?.data as Float32Array;
  first[0] = -1; // written through the row view
  first[1] = 0;
  assert.equal(decoded.find(Float32Array.of(-1, 0), { limit: 1, metric: "euclidean" }).ids, ["d0"]);
  (decoded.at(3) as NonNullable<ReturnType<typeof decoded.at>>).embedding = [1, 0]; // float64 now: gathered again
  assert.equal(decoded.find([1, 0], { limit: 1, metric: "dot" }).ids, ["d3"]);
  const matrix = new DocumentArray(Array.from({ length: 3 }, (_, i) => ({ id: `m${i}` })));
  matrix.embeddings = new NdArray(new Float32Array([0, 1, 1, 0, 1, 1]), { shape: [3, 2] }); // rows in place, not copied
  assert.equal(matrix.find(Float32Array.of(1, 0), { limit: 3, metric: "sqeuclidean" }).ids, ["m1", "m2", "m0"]);
});

test("a filtered find leaves the rows in the array's kept matrix", () => {
  const docs = new DocumentArray(Array.from({ length: 20 }, (_, i) => ({ id: `d${i}`, tags: { even: i % 2 === 0 }, embedding: Float32Array.of(i, 1) })));
  const bytes = docs.toBytes();
  const decoded = DocumentArray.fromBytes(bytes);
  decoded.find(Float32Array.of(1, 0), { limit: 1 });
  const row = decoded.at(4)?.proto.embedding?.content.value as { buffer: Uint8Array };
  const before = row.buffer;
  assert.equal(decoded.find(Float32Array.of(5, 1), { limit: 2, metric: "euclidean", filter: { tags__even: true } }).ids, ["d4", "d6"]);
  assert.is(row.buffer, before, "the filtered find copied, it did not take the row");
  assert.equal(decoded.find(Float32Array.of(5, 1), { limit: 1, metric: "euclidean" }).ids, ["d5"]);
});

test.run();
