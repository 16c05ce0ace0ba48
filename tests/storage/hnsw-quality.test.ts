import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Hnsw } from "../../docarray/mod.ts";
import { QuantizedMemory } from "../../docarray/storage/ann/quantized-memory.ts";
import { seededRandom } from "./_random.ts";

/** recall@10 of `index` against an exact scan of all its nodes, over `queries`. */
function recall(index: Hnsw, queries: Float32Array[]): number {
  const all = Array.from({ length: index.count }, (_, i) => i);
  let found = 0;
  for (const query of queries) {
    const exact = index.distances(query, all).map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const truth = new Set(exact.slice(0, 10).map((p) => p[1]));
    const { nodes, distances } = index.search(query, 10);
    found += nodes.filter((n) => truth.has(n)).length;
    // reported distances are exact (the int8 walk re-scores its candidates on float32)
    const want = index.distances(query, nodes);
    distances.forEach((d, i) => assert.ok(Math.abs(d - (want[i] as number)) < 1e-6, `distance ${d} vs ${want[i]}`));
  }
  return found / (queries.length * 10);
}

// Uniform random vectors are the hard case: no structure for the graph to exploit. On these 2,000 × 32, M 8,
// efConstruction 100, efSearch 32 give recall@10 0.90 (cosine), 0.87 (euclidean), 0.89 (inner product), as
// usearch does on such data; a graph built without efConstruction (candidate list M) scores 0.70–0.74, so a
// construction that ignores it, prunes reverse links badly or draws wrong levels fails the bound.
for (const metric of ["cosine", "euclidean", "inner_product"] as const) {
  test(`graph quality: recall@10 ≥ 0.85 on 2,000 × 32 uniform random (${metric}), int8 walk and float32 walk alike`, () => {
    const next = seededRandom(11);
    const index = new Hnsw({ dim: 32, metric, maxConnection: 8, efConstruction: 100, efSearch: 32 });
    for (let i = 0; i < 2000; i++) index.add(Float32Array.from({ length: 32 }, next));
    const queries = Array.from({ length: 40 }, () => Float32Array.from({ length: 32 }, next));
    const quantized = recall(index, queries);
    index.quantizedSearch = false;
    const float = recall(index, queries);
    assert.ok(quantized >= 0.85, `int8 walk: recall ${quantized}`);
    assert.ok(float >= 0.85, `float32 walk: recall ${float}`);
    assert.ok(Math.abs(quantized - float) <= 0.03, `int8 ${quantized} vs float32 ${float}`);
  });
}

test("graph invariants: ≤ M links per upper layer, ≤ 2·M on layer 0, no self or repeated links, every node reachable from the entry, levels drawn with mL = 1/ln M", () => {
  const next = seededRandom(5);
  const M = 6;
  const n = 3000;
  const index = new Hnsw({ dim: 8, maxConnection: M, efConstruction: 40 });
  for (let i = 0; i < n; i++) index.add(Float32Array.from({ length: 8 }, next));
  let upper = 0;
  const atLeast = (layer: number) => Array.from(index.levels.subarray(0, n)).filter((l) => l >= layer).length;
  for (let node = 0; node < n; node++) {
    const level = index.levels[node] as number;
    if (level > 0) upper++;
    for (let layer = 0; layer <= level; layer++) {
      const links = index.linksOf(node, layer);
      const count = links[0] as number;
      // a node alone on its top layer has no one to link to
      assert.ok(count <= (layer === 0 ? 2 * M : M) && (count > 0 || atLeast(layer) === 1), `node ${node} layer ${layer}: ${count} links`);
      const ids = Array.from(links.subarray(1, 1 + count));
      assert.not.ok(ids.includes(node), `node ${node} links to itself`);
      assert.is(new Set(ids).size, count, `node ${node} repeats a link`);
      for (const id of ids) assert.ok((index.levels[id] as number) >= layer, `node ${node} links to ${id} above its level`);
    }
  }
  assert.is(index.levels[index.entry], index.maxLevel);
  // P(level ≥ 1) = 1/M: 500 of 3,000 expected
  assert.ok(Math.abs(upper / n - 1 / M) < 0.03, `${upper} of ${n} nodes above layer 0`);
  const seen = new Uint8Array(n);
  const stack = [index.entry];
  seen[index.entry] = 1;
  while (stack.length > 0) {
    const links = index.linksOf(stack.pop() as number, 0);
    for (const id of links.subarray(1, 1 + (links[0] as number))) if (!seen[id]) {
      seen[id] = 1;
      stack.push(id);
    }
  }
  assert.is(seen.reduce((a, b) => a + b, 0), n, "layer 0 is connected from the entry");
});

test("the int8 codes: dot8 gives the exact integer inner product of the codes; distances from codes are close to float32 ones", () => {
  const next = seededRandom(9);
  for (const dim of [3, 16, 130]) {
    for (const kind of ["dot", "l2"] as const) {
      const codes = QuantizedMemory.create(dim, kind);
      assert.ok(codes, "Node, Deno and Bun all have WebAssembly SIMD");
      const vectors = Float32Array.from({ length: 40 * dim }, next);
      codes.sync(vectors, 0, 20);
      codes.sync(vectors, 20, 40); // grows past its first block and keeps the first codes
      const query = Float32Array.from({ length: dim }, next);
      codes.setQuery(query, 0);
      for (let k = 0; k < 40; k++) codes.ids[k] = 39 - k;
      const got = new Float64Array(40);
      codes.compute(40, got);
      for (let k = 0; k < 40; k++) {
        let dot = 0, l2 = 0, qq = 0;
        for (let j = 0; j < dim; j++) {
          const a = query[j] as number, b = vectors[(39 - k) * dim + j] as number;
          dot += a * b;
          l2 += (a - b) ** 2;
          qq += a * a;
        }
        const want = kind === "dot" ? 1 - dot : l2;
        assert.ok(Math.abs((got[k] as number) - want) < 0.02 * Math.max(1, qq), `${kind} ${dim}: ${got[k]} vs ${want}`);
      }
    }
  }
});

test.run();
