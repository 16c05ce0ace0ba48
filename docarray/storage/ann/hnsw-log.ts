/**
 * The HNSW index's append-only log (`index.hnsw.log`): what changed in the graph since the snapshot
 * (`index.hnsw`), one record per `flush()`, so a flush writes in proportion to what the batch changed, not to
 * the size of the index. A record holds the new nodes (level, vector, document id, filter columns), the whole
 * link lists of every node whose links changed, and the nodes deleted; it is framed by its length and a CRC-32
 * and fsynced before the document store commits the same generation. On open the snapshot is read and the log
 * replayed up to the generation the documents committed: a torn tail, or a record whose documents never
 * committed, is cut off.
 *
 * File: a 16-byte header (magic, version, the snapshot generation the log extends, nDim), then records
 * `[payload bytes u32][crc32 u32][payload]`, little-endian int32 fields throughout.
 *
 * @module
 */
import { appendBytesDurable, fileInfo, readBytesAligned, writeBytesAtomic } from "../../../runtime/sync-files.ts";
import { crc32 } from "./crc32.ts";
import type { HnswFileExtra } from "./hnsw-file.ts";
import type { Hnsw } from "./hnsw.ts";

const magic = 0x4c48544a; // "JTHL"
const version = 1;
const headerBytes = 16;
const fixedInts = 7;

/**
 * Starts an empty log that extends the snapshot written at `baseGeneration` (replaces any old log
 * atomically). Returns its size in bytes.
 *
 * @example
 * ```ts
 * startHnswLog("data/index.hnsw.log", 12, 128);
 * ```
 */
export function startHnswLog(file: string, baseGeneration: number, dim: number): number {
  const header = Int32Array.of(magic, version, baseGeneration, dim);
  writeBytesAtomic(file, [new Uint8Array(header.buffer)]);
  return headerBytes;
}

/** What one record adds besides the graph: the new nodes' document ids and filter columns. */
export interface HnswLogRecord {
  /** The generation the documents commit with this record. */
  generation: number;
  /** The first node this record adds (nodes `firstNew … index.count − 1` are new). */
  firstNew: number;
  /** Nodes whose links changed (new ones included), from {@link Hnsw.takeChanges}. */
  linked: number[];
  /** Nodes deleted since the last record. */
  deleted: number[];
  /** Document ids of the new nodes, in node order. */
  ids: string[];
  /** Filter columns of the new nodes. */
  columns: (Record<string, unknown> | null)[];
}

/**
 * Appends one record (and fsyncs): the index's state for `record.generation`. Returns the log's new size.
 *
 * @example
 * ```ts
 * const { linked, deleted } = index.takeChanges();
 * appendHnswLog(file, index, { generation: 13, firstNew, linked, deleted, ids: newIds, columns: newColumns });
 * ```
 */
export function appendHnswLog(file: string, index: Hnsw, record: HnswLogRecord): number {
  const { firstNew, linked, deleted } = record;
  const fresh = index.count - firstNew;
  const dim = index.dim;
  let ints = fixedInts + fresh + fresh * dim + 1 + 1 + deleted.length + 1;
  for (const node of linked) {
    ints += 1;
    for (let layer = 0; layer <= (index.levels[node] as number); layer++) ints += 1 + (index.linksOf(node, layer)[0] as number);
  }
  const json = new TextEncoder().encode(JSON.stringify({ ids: record.ids, columns: record.columns }));
  const payloadBytes = ints * 4 + Math.ceil(json.length / 4) * 4;
  const frame = new Uint8Array(8 + payloadBytes);
  const out = new Int32Array(frame.buffer, 8, ints);
  let at = 0;
  const put = (value: number) => {
    out[at++] = value;
  };
  for (const value of [record.generation, index.count, index.deletedCount, index.entry, index.maxLevel, firstNew, fresh]) put(value);
  out.set(index.levels.subarray(firstNew, index.count), at);
  at += fresh;
  new Float32Array(frame.buffer, 8 + at * 4, fresh * dim).set(index.vectors.subarray(firstNew * dim, index.count * dim));
  at += fresh * dim;
  put(linked.length);
  for (const node of linked) {
    put(node);
    for (let layer = 0; layer <= (index.levels[node] as number); layer++) {
      const links = index.linksOf(node, layer);
      const n = links[0] as number;
      out.set(links.subarray(0, n + 1), at);
      at += n + 1;
    }
  }
  put(deleted.length);
  out.set(deleted, at);
  at += deleted.length;
  put(json.length);
  frame.set(json, 8 + at * 4);
  const head = new DataView(frame.buffer, 0, 8);
  head.setUint32(0, payloadBytes, true);
  head.setUint32(4, crc32(frame.subarray(8)), true);
  return appendBytesDurable(file, [frame]);
}

/** What {@link replayHnswLog} reached. */
export interface HnswReplay {
  /** The generation of the last record applied (the snapshot's when none was). */
  generation: number;
  /** The log's valid length: records after it are torn or uncommitted. */
  validBytes: number;
  /** The log's length on disk. */
  fileBytes: number;
}

/**
 * Applies the log's records to `index` (read from the snapshot written at `baseGeneration`) and `extra`, up to
 * and including generation `upTo`. Returns undefined when the log extends another snapshot (or is no log);
 * stops at the first torn, damaged or inconsistent record.
 *
 * @example
 * ```ts
 * const [index, extra] = readHnswFile("data/index.hnsw");
 * const reached = replayHnswLog("data/index.hnsw.log", index, extra, extra.generation, committed);
 * ```
 */
export function replayHnswLog(file: string, index: Hnsw, extra: HnswFileExtra, baseGeneration: number, upTo: number): HnswReplay | undefined {
  if (!fileInfo(file).exists) return undefined;
  const bytes = readBytesAligned(file);
  if (bytes.length < headerBytes) return undefined;
  const header = new Int32Array(bytes.buffer, 0, 4);
  if (header[0] !== magic || header[1] !== version || header[2] !== baseGeneration || header[3] !== index.dim) return undefined;
  let generation = baseGeneration;
  let offset = headerBytes;
  while (offset + 8 <= bytes.length) {
    const head = new DataView(bytes.buffer, offset, 8);
    const payloadBytes = head.getUint32(0, true);
    if (payloadBytes % 4 !== 0 || offset + 8 + payloadBytes > bytes.length) break;
    const payload = bytes.subarray(offset + 8, offset + 8 + payloadBytes);
    if (crc32(payload) !== head.getUint32(4, true)) break;
    const ints = new Int32Array(bytes.buffer, offset + 8, payloadBytes / 4);
    const recordGeneration = ints[0] as number;
    if (recordGeneration <= generation || recordGeneration > upTo) break;
    if (!apply(ints, payload, index, extra)) break;
    generation = recordGeneration;
    offset += 8 + payloadBytes;
  }
  return { generation, validBytes: offset, fileBytes: bytes.length };
}

/** Applies one record; false when it does not continue the index as it stands. */
function apply(ints: Int32Array, payload: Uint8Array, index: Hnsw, extra: HnswFileExtra): boolean {
  const [, count, deletedCount, entry, maxLevel, firstNew, fresh] = ints as unknown as number[] as [number, number, number, number, number, number, number];
  if (firstNew !== index.count || count !== firstNew + fresh) return false;
  const dim = index.dim;
  const M = index.M;
  index.reserve(count);
  let at = fixedInts;
  index.levels.set(ints.subarray(at, at + fresh), firstNew);
  at += fresh;
  index.vectors.set(new Float32Array(ints.buffer, ints.byteOffset + at * 4, fresh * dim), firstNew * dim);
  at += fresh * dim;
  for (let node = firstNew; node < count; node++) {
    const level = index.levels[node] as number;
    index.upper[node] = level > 0 ? new Int32Array(level * (M + 1)) : undefined;
  }
  index.count = count;
  const linked = ints[at++] as number;
  for (let i = 0; i < linked; i++) {
    const node = ints[at++] as number;
    if (!(node >= 0 && node < count)) return false;
    for (let layer = 0; layer <= (index.levels[node] as number); layer++) {
      const n = ints[at] as number;
      index.linksOf(node, layer).set(ints.subarray(at, at + n + 1));
      at += n + 1;
    }
  }
  const deleted = ints[at++] as number;
  for (let i = 0; i < deleted; i++) index.deleted[ints[at++] as number] = 1;
  const jsonLength = ints[at++] as number;
  const trailer = JSON.parse(new TextDecoder().decode(payload.subarray(at * 4, at * 4 + jsonLength))) as { ids: string[]; columns: (Record<string, unknown> | null)[] };
  if (trailer.ids.length !== fresh) return false;
  for (let i = 0; i < fresh; i++) {
    extra.ids.push(trailer.ids[i] as string);
    extra.columns.push(trailer.columns[i] ?? null);
  }
  index.deletedCount = deletedCount;
  index.entry = entry;
  index.maxLevel = maxLevel;
  return true;
}
