/**
 * The embeddings of a list of documents as one contiguous row-major matrix, for `find`/`match`. When every
 * embedding is a dense `<f4` vector of the query's width, the matrix is a Float32Array that is *kept*: each
 * document's embedding buffer is rewritten to be a view of its row (same values, same wire bytes), so later calls
 * on the same list reuse it after an identity check per document, and writes into `doc.embedding.data` land in
 * it. Rows that already sit back to back in one buffer (as `DocumentArray.embeddings = matrix` leaves them) are
 * used in place. A list whose rows another list keeps (a filtered subset) gets a copy for the call and leaves the
 * rows where they are. Any other mix is gathered into a Float64Array copy per call.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { DenseNdArrayProto, DocumentProto } from "../proto/gen/docarray_pb.ts";
import { NdArray } from "./ndarray.ts";

interface Kept {
  matrix: Float32Array;
  dense: DenseNdArrayProto[];
  views: Uint8Array[];
}

const kept = new WeakMap<DocumentProto[], Kept>();

/**
 * The embeddings of `docs` as rows of `dim` values. Throws a `JinaError` (InvalidArgument) naming the first
 * document without an embedding, or whose embedding does not have `dim` values.
 *
 * @example
 * ```ts
 * const matrix = embeddingMatrix(index.protos, 128); // Float32Array of index.length × 128
 * ```
 */
export function embeddingMatrix(docs: DocumentProto[], dim: number): Float32Array | Float64Array {
  const known = kept.get(docs);
  if (known && known.matrix.length === docs.length * dim && stillKept(docs, known)) return known.matrix;
  const dense = plainFloat32(docs, dim);
  if (dense === undefined) return gather(docs, dim);
  const inPlace = contiguous(dense, dim);
  // rows already kept by another list (a filtered subset of it): copy them for this call, leave them where they are
  if (!inPlace && dense.some((d) => keptBuffers.has(d.buffer.buffer))) return copyRows(dense, dim, false);
  const matrix = inPlace ?? copyRows(dense, dim, true);
  keptBuffers.add(matrix.buffer);
  kept.set(docs, { matrix, dense, views: dense.map((d) => d.buffer) });
  return matrix;
}

/** The buffers of kept matrices. */
const keptBuffers = new WeakSet<ArrayBufferLike>();

/** The dense protos when every embedding is a well-formed `<f4` vector of `dim` values, else undefined. */
function plainFloat32(docs: DocumentProto[], dim: number): DenseNdArrayProto[] | undefined {
  const out: DenseNdArrayProto[] = new Array(docs.length);
  for (let i = 0; i < docs.length; i++) {
    const content = docs[i]?.embedding?.content;
    if (content?.case !== "dense") return undefined;
    const dense = content.value;
    const shape = dense.shape;
    if (dense.dtype !== "<f4" || dense.buffer.byteLength !== 4 * dim) return undefined;
    if (!(shape.length === 1 ? shape[0] === dim : shape.length === 0 ? dim === 1 : shape.reduce((a, b) => a * b, 1) === dim)) return undefined;
    out[i] = dense;
  }
  return out;
}

function stillKept(docs: DocumentProto[], known: Kept): boolean {
  const { dense, views } = known;
  if (docs.length !== dense.length) return false;
  for (let i = 0; i < docs.length; i++) {
    const content = docs[i]?.embedding?.content;
    const d = dense[i] as DenseNdArrayProto;
    if (content?.value !== d || d.buffer !== views[i] || d.dtype !== "<f4") return false;
  }
  return true;
}

/** A Float32Array over the rows in place when they are back to back, aligned, in one buffer. */
function contiguous(dense: DenseNdArrayProto[], dim: number): Float32Array | undefined {
  const first = dense[0]?.buffer;
  if (!first || first.byteOffset % 4 !== 0) return dense.length === 0 ? new Float32Array(0) : undefined;
  for (let i = 1; i < dense.length; i++) {
    const b = (dense[i] as DenseNdArrayProto).buffer;
    if (b.buffer !== first.buffer || b.byteOffset !== first.byteOffset + 4 * dim * i) return undefined;
  }
  return new Float32Array(first.buffer, first.byteOffset, dense.length * dim);
}

/** Copies the rows into one new matrix; with `repoint`, each proto's buffer becomes a view of its row. */
function copyRows(dense: DenseNdArrayProto[], dim: number, repoint: boolean): Float32Array {
  const matrix = new Float32Array(dense.length * dim);
  const bytes = new Uint8Array(matrix.buffer);
  for (let i = 0; i < dense.length; i++) {
    const d = dense[i] as DenseNdArrayProto;
    bytes.set(d.buffer, 4 * dim * i);
    if (repoint) d.buffer = bytes.subarray(4 * dim * i, 4 * dim * (i + 1));
  }
  return matrix;
}

/** Any dtypes: each embedding decoded and converted (float32 kept as float32 when all are), one copy. */
function gather(docs: DocumentProto[], dim: number): Float32Array | Float64Array {
  const arrays = docs.map((doc, i) => {
    const embedding = doc.embedding?.content.case ? NdArray.fromProto(doc.embedding) : undefined;
    if (!embedding) throw new JinaError(`document ${i} (id ${doc.id}) of the index has no embedding`, ErrorCode.InvalidArgument);
    return embedding;
  });
  arrays.forEach((array, i) => {
    if (array.size !== dim) {
      throw new JinaError(
        `embedding of document ${i} (id ${docs[i]?.id}) has ${array.size} values but the query has ${dim}`,
        ErrorCode.InvalidArgument,
      );
    }
  });
  const float32 = arrays.every((a) => a.dtype === "<f4");
  const out = float32 ? new Float32Array(docs.length * dim) : new Float64Array(docs.length * dim);
  arrays.forEach((array, i) => out.set(float32 ? (array.data as Float32Array) : array.toFloat64(), i * dim));
  return out;
}
