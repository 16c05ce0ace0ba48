import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Hnsw } from "../../docarray/mod.ts";
import { VectorMemory } from "../../docarray/storage/ann/vector-memory.ts";
import { seededRandom } from "./_random.ts";

function exact(data: Float32Array[], query: Float32Array, k: number, metric: "cosine" | "euclidean" | "inner_product"): number[] {
  const score = (v: Float32Array) => {
    let dot = 0, aa = 0, bb = 0, sq = 0;
    for (let i = 0; i < v.length; i++) {
      dot += (v[i] as number) * (query[i] as number);
      aa += (v[i] as number) ** 2;
      bb += (query[i] as number) ** 2;
      sq += ((v[i] as number) - (query[i] as number)) ** 2;
    }
    return metric === "cosine" ? 1 - dot / Math.sqrt(aa * bb) : metric === "euclidean" ? Math.sqrt(sq) : 1 - dot;
  };
  return data.map((v, i) => [score(v), i] as const).sort((a, b) => a[0] - b[0]).slice(0, k).map((p) => p[1]);
}

for (const metric of ["cosine", "euclidean", "inner_product"] as const) {
  test(`recall@10 ≥ 0.9 on 1,000 × 16 random vectors (${metric}); distances as the metric reports them`, () => {
    const next = seededRandom(7);
    const data = Array.from({ length: 1000 }, () => Float32Array.from({ length: 16 }, next));
    const index = new Hnsw({ dim: 16, metric, maxConnection: 12, efConstruction: 100, efSearch: 64 });
    for (const v of data) index.add(v);
    let found = 0;
    for (let q = 0; q < 30; q++) {
      const query = Float32Array.from({ length: 16 }, next);
      const truth = new Set(exact(data, query, 10, metric));
      const { nodes, distances } = index.search(query, 10);
      found += nodes.filter((n) => truth.has(n)).length;
      const best = exact(data, query, 1, metric)[0] as number;
      if (nodes[0] === best) assert.ok(Math.abs((distances[0] as number) - (index.distances(query, [best])[0] as number)) < 1e-6);
      for (let i = 1; i < distances.length; i++) assert.ok((distances[i] as number) >= (distances[i - 1] as number));
    }
    assert.ok(found / 300 >= 0.9, `recall ${found / 300}`);
  });
}

test("deleted nodes and rejected nodes never come back; the filter still finds the nearest passing ones", () => {
  const index = new Hnsw({ dim: 1, metric: "euclidean" });
  for (let i = 0; i < 100; i++) index.add([i]);
  index.markDeleted(50);
  assert.equal(index.search([50], 3).nodes.sort((a, b) => a - b), [49, 51, 52].slice(0, 2).concat([48]).sort((a, b) => a - b));
  assert.equal(index.search([50], 2, (n) => n % 10 === 0).nodes, [40, 60]);
  assert.is(index.size, 99);
});

test("bad options are JinaErrors", () => {
  assert.throws(() => new Hnsw({ dim: 0 }), /nDim must be a positive integer/);
  assert.throws(() => new Hnsw({ dim: 2, metric: "manhattan" as never }), /unknown metric "manhattan"/);
  assert.throws(() => new Hnsw({ dim: 2 }).add([1, 2, 3]), /vector has 3 values, the index holds 2/);
});

test("the WebAssembly SIMD kernel and the TypeScript one agree (dot and squared L2, lengths with and without a tail)", () => {
  const next = seededRandom(3);
  for (const dim of [1, 5, 16, 130]) {
    for (const kind of ["dot", "l2"] as const) {
      const simd = new VectorMemory(dim, 4, kind);
      const plain = new VectorMemory(dim, 4, kind, { simd: false });
      assert.is(plain.simd, false);
      if (dim === 16) assert.ok(simd.simd, "Node, Deno and Bun all have WebAssembly SIMD");
      simd.grow(50); // growing keeps what is stored and replaces the views
      plain.grow(50);
      for (let i = 0; i < 50 * dim; i++) simd.vectors[i] = plain.vectors[i] = next();
      for (let i = 0; i < dim; i++) simd.query[i] = plain.query[i] = next();
      for (let k = 0; k < 50; k++) simd.ids[k] = plain.ids[k] = 49 - k;
      simd.compute(simd.queryOffset, 50);
      plain.compute(plain.queryOffset, 50);
      for (let k = 0; k < 50; k++) {
        let want = 0;
        for (let i = 0; i < dim; i++) {
          const a = simd.query[i] as number;
          const b = simd.vectors[(49 - k) * dim + i] as number;
          want += kind === "dot" ? a * b : (a - b) ** 2;
        }
        assert.ok(Math.abs((simd.out[k] as number) - want) < 1e-5, `${kind} ${dim}: ${simd.out[k]} vs ${want}`);
        assert.ok(Math.abs((plain.out[k] as number) - want) < 1e-5, `${kind} ${dim} (TypeScript): ${plain.out[k]} vs ${want}`);
      }
      // a node's own vector can be the query
      simd.ids[0] = 7;
      simd.compute(simd.offsetOf(3), 1);
      plain.ids[0] = 7;
      plain.compute(plain.offsetOf(3), 1);
      assert.ok(Math.abs((simd.out[0] as number) - (plain.out[0] as number)) < 1e-5);
    }
  }
});

test("the same graph with the TypeScript kernel: same recall, same answers", () => {
  const next = seededRandom(11);
  const data = Array.from({ length: 500 }, () => Float32Array.from({ length: 12 }, next));
  const fast = new Hnsw({ dim: 12, efConstruction: 64, efSearch: 64 });
  const plain = new Hnsw({ dim: 12, efConstruction: 64, efSearch: 64, simd: false });
  for (const v of data) {
    fast.add(v);
    plain.add(v);
  }
  let same = 0;
  for (let q = 0; q < 20; q++) {
    const query = Float32Array.from({ length: 12 }, next);
    const a = fast.search(query, 5).nodes;
    const b = plain.search(query, 5).nodes;
    same += a.filter((node) => b.includes(node)).length;
  }
  assert.ok(same >= 95, `${same} of 100 shared (float32 sums in another order may swap near-ties)`);
});

test.run();
