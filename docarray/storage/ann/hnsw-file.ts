/**
 * The HNSW index on disk (`index.hnsw`): a little-endian int32 header, the vectors, levels, links and tombstones
 * as they are in memory, then a JSON trailer with each node's document id and filter columns. Written
 * atomically (temporary file, fsync, rename).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../../proto/errors.ts";
import { readBytesAligned, writeBytesAtomic } from "../../../runtime/sync-files.ts";
import type { AnnMetric } from "../contract.ts";
import { Hnsw } from "./hnsw.ts";

const magic = 0x4e48544a; // "JTHN"
const version = 1;
const metrics: AnnMetric[] = ["cosine", "euclidean", "inner_product"];
const headerInts = 13;

/** What the file holds beside the graph. */
export interface HnswFileExtra {
  /** Which flush of the document store this index matches. */
  generation: number;
  /** Document id of each node. */
  ids: string[];
  /** Filter column values of each node (or null). */
  columns: (Record<string, unknown> | null)[];
}

const bytesOf = (view: ArrayBufferView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/**
 * Writes an index and its extra data to `file` atomically.
 *
 * @example
 * ```ts
 * writeHnswFile("data/index.hnsw", index, { generation: 3, ids, columns });
 * ```
 */
export function writeHnswFile(file: string, index: Hnsw, extra: HnswFileExtra): void {
  const n = index.count;
  const header = Int32Array.of(
    magic, version, index.dim, metrics.indexOf(index.metric), index.M, index.efConstruction, index.efSearch,
    n, index.deletedCount, index.entry, index.maxLevel, extra.generation, 0,
  );
  const upper: Uint8Array[] = [];
  for (let node = 0; node < n; node++) {
    const block = index.upper[node];
    if (block) upper.push(bytesOf(block));
  }
  const deleted = new Uint8Array(Math.ceil(n / 4) * 4);
  deleted.set(index.deleted.subarray(0, n));
  const trailer = new TextEncoder().encode(JSON.stringify({ ids: extra.ids, columns: extra.columns }));
  writeBytesAtomic(file, [
    bytesOf(header),
    bytesOf(index.vectors.subarray(0, n * index.dim)),
    bytesOf(index.levels.subarray(0, n)),
    bytesOf(index.links0.subarray(0, n * (index.M0 + 1))),
    ...upper,
    deleted,
    trailer,
  ]);
}

/**
 * Reads an index file; throws a JinaError naming the file when it is not one.
 *
 * @example
 * ```ts
 * const [index, extra] = readHnswFile("data/index.hnsw");
 * ```
 */
export function readHnswFile(file: string): [Hnsw, HnswFileExtra] {
  const bytes = readBytesAligned(file);
  const bad = (why: string) => new JinaError(`${file} is not a jina-ts HNSW index (${why}): delete it and it is rebuilt from docs.db`, ErrorCode.FailedPrecondition);
  if (bytes.length < headerInts * 4) throw bad("too short");
  const header = new Int32Array(bytes.buffer, 0, headerInts);
  if (header[0] !== magic) throw bad("bad magic");
  if (header[1] !== version) throw bad(`version ${header[1]}`);
  const field = (i: number): number => header[i] as number;
  const [dim, metricCode, M, efC, efS, n, deletedCount, entry, maxLevel, generation] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(field) as [
    number, number, number, number, number, number, number, number, number, number,
  ];
  const index = new Hnsw({ dim, metric: metrics[metricCode] ?? "cosine", maxConnection: M, efConstruction: efC, efSearch: efS }, Math.max(n, 16));
  let at = headerInts * 4;
  const take = <T extends ArrayLike<number>>(count: number, size: number, make: (buffer: ArrayBuffer, offset: number, length: number) => T): T => {
    if (at + count * size > bytes.length) throw bad("truncated");
    const out = make(bytes.buffer, at, count);
    at += count * size;
    return out;
  };
  index.vectors.set(take(n * dim, 4, (b, o, l) => new Float32Array(b, o, l)));
  const levels = take(n, 4, (b, o, l) => new Int32Array(b, o, l));
  index.levels.set(levels);
  index.links0.set(take(n * (index.M0 + 1), 4, (b, o, l) => new Int32Array(b, o, l)));
  for (let node = 0; node < n; node++) {
    const level = levels[node] as number;
    if (level > 0) index.upper[node] = take(level * (M + 1), 4, (b, o, l) => new Int32Array(b.slice(o, o + l * 4)));
  }
  index.deleted.set(take(n, 1, (b, o, l) => new Uint8Array(b, o, l)));
  at = at + ((4 - (n % 4)) % 4);
  index.count = n;
  index.deletedCount = deletedCount;
  index.entry = entry;
  index.maxLevel = maxLevel;
  let trailer: { ids: string[]; columns: (Record<string, unknown> | null)[] };
  try {
    trailer = JSON.parse(new TextDecoder().decode(bytes.subarray(at)));
  } catch {
    throw bad("bad trailer");
  }
  if (trailer.ids.length !== n) throw bad("id count differs from node count");
  return [index, { generation, ids: trailer.ids, columns: trailer.columns }];
}
