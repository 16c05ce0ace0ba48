/** A seeded xorshift32 generator of numbers in [-0.5, 0.5), so the HNSW tests build the same vectors every run. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296 - 0.5;
  };
}
