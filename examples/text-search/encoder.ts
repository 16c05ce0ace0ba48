/**
 * A text encoder without a model: feature hashing of word unigrams and bigrams into a fixed-size, L2-normalised
 * float32 vector. Good enough to find documents that share words, and it needs no download.
 *
 * @module
 */
import { type DocumentArray, Executor, type ExecutorOptions, requests } from "../../mod.ts";

/** Hashes a string to an unsigned 32-bit integer (FNV-1a). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Turns a text into a normalised feature-hashing embedding of `dim` dimensions. */
export function hashEmbedding(text: string, dim: number): Float32Array {
  const vector = new Float32Array(dim);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const features = [...words, ...words.slice(1).map((word, i) => `${words[i]} ${word}`)];
  for (const feature of features) {
    const hash = fnv1a(feature);
    vector[hash % dim]! += hash & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...vector) || 1;
  for (let i = 0; i < dim; i++) vector[i]! /= norm;
  return vector;
}

/** Encodes `doc.text` into `doc.embedding` on every endpoint. Option `dim` (default 256). */
export class HashEncoder extends Executor {
  readonly dim: number;

  constructor(options: ExecutorOptions & { dim?: number } = {}) {
    super(options);
    this.dim = options.dim ?? 256;
  }

  @requests()
  encode({ docs }: { docs: DocumentArray }): void {
    for (const doc of docs) {
      if (doc.text) doc.embedding = hashEmbedding(doc.text, this.dim);
    }
  }
}
