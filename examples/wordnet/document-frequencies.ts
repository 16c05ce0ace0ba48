/**
 * Document frequencies of hashed text features, counted over a corpus into a fixed table of buckets (so the table
 * has the same size whatever the vocabulary), saved as one binary file: a little-endian uint32 document count,
 * then one uint32 per bucket.
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ensureDir } from "../../runtime/mod.ts";

/**
 * Counts, per feature bucket, how many documents contain a feature of that bucket; gives smoothed IDF weights.
 *
 * @example
 * ```ts
 * const df = new DocumentFrequencies();
 * df.add(textFeatures("a cat"));
 * df.idf(fnv1a("w:cat")); // log((1 + 1) / (1 + 1)) + 1 = 1
 * ```
 */
export class DocumentFrequencies {
  /** Number of buckets (a power of two). */
  static readonly buckets = 1 << 20;
  readonly counts: Uint32Array;
  documents: number;

  constructor(counts = new Uint32Array(DocumentFrequencies.buckets), documents = 0) {
    if (counts.length !== DocumentFrequencies.buckets) throw new Error(`A frequency table has ${DocumentFrequencies.buckets} buckets, got ${counts.length}`);
    this.counts = counts;
    this.documents = documents;
  }

  /** Counts one document, given its features (as from `textFeatures`). */
  add(features: Map<number, number>): void {
    const seen = new Set<number>();
    for (const hash of features.keys()) seen.add(hash & (DocumentFrequencies.buckets - 1));
    for (const bucket of seen) this.counts[bucket]!++;
    this.documents++;
  }

  /** How many counted documents have a feature in this hash's bucket. */
  frequency(hash: number): number {
    return this.counts[hash & (DocumentFrequencies.buckets - 1)]!;
  }

  /** The smoothed inverse document frequency of a feature hash: `ln((N + 1) / (df + 1)) + 1`. */
  idf(hash: number): number {
    const df = this.counts[hash & (DocumentFrequencies.buckets - 1)]!;
    return Math.log((this.documents + 1) / (df + 1)) + 1;
  }

  /** Writes the table to `path` (its folder is created). */
  async save(path: string): Promise<void> {
    ensureDir(dirname(path));
    const bytes = new Uint8Array(4 + this.counts.byteLength);
    new DataView(bytes.buffer).setUint32(0, this.documents, true);
    bytes.set(new Uint8Array(this.counts.buffer, this.counts.byteOffset, this.counts.byteLength), 4);
    await writeFile(path, bytes);
  }

  /** Reads a table written by {@link DocumentFrequencies.save}. */
  static async load(path: string): Promise<DocumentFrequencies> {
    const file = await readFile(path);
    if (file.byteLength !== 4 + 4 * DocumentFrequencies.buckets) throw new Error(`${path} is not a document-frequency table (${file.byteLength} bytes)`);
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const counts = new Uint32Array(DocumentFrequencies.buckets);
    for (let i = 0; i < counts.length; i++) counts[i] = view.getUint32(4 + 4 * i, true);
    return new DocumentFrequencies(counts, view.getUint32(0, true));
  }
}
