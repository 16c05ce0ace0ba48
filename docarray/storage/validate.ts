/**
 * Checks shared by the storage backends: known config keys, embedding dimension, finite values.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import type { DocumentProto } from "../../proto/gen/docarray_pb.ts";
import { NdArray } from "../ndarray.ts";

/**
 * Throws a JinaError naming the unknown keys of a backend's config and the keys it accepts.
 *
 * @example
 * ```ts
 * checkConfigKeys("sqlite", config, ["connection", "tableName"]);
 * ```
 */
export function checkConfigKeys(backend: string, config: object, known: readonly string[]): void {
  const unknown = Object.keys(config).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new JinaError(
      `storage "${backend}": unknown config key ${unknown.map((k) => JSON.stringify(k)).join(", ")}; the keys are ${known.join(", ")}`,
      ErrorCode.InvalidArgument,
    );
  }
}

/**
 * A document's embedding as float32 (undefined when it has none).
 *
 * @example
 * ```ts
 * embeddingOf(doc.proto)?.length; // 128
 * ```
 */
export function embeddingOf(proto: DocumentProto): Float32Array | undefined {
  if (!proto.embedding?.content.case) return undefined;
  const array = NdArray.fromProto(proto.embedding);
  return array.data instanceof Float32Array ? array.data : Float32Array.from(array.toFloat64());
}

/**
 * Checks that every embedding has `dim` values (when `dim` is known) and no NaN or infinity; returns the
 * dimension seen (or `dim`). The error names `location` and the document.
 *
 * @example
 * ```ts
 * const dim = checkEmbeddings(protos, 128, "docs.db", "push");
 * ```
 */
export function checkEmbeddings(protos: DocumentProto[], dim: number | undefined, location: string, action: string): number | undefined {
  let seen = dim;
  for (const proto of protos) {
    const vector = embeddingOf(proto);
    if (!vector) continue;
    checkVector(vector, seen, location, `${action}: document ${proto.id}`);
    seen ??= vector.length;
  }
  return seen;
}

/**
 * Checks one vector's length against `dim` and that it has no NaN/infinity.
 *
 * @example
 * ```ts
 * checkVector(query, 128, "data/", "find: the query");
 * ```
 */
export function checkVector(vector: ArrayLike<number>, dim: number | undefined, location: string, what: string): void {
  if (dim !== undefined && vector.length !== dim) {
    throw new JinaError(
      `${location}: ${what} has a ${vector.length}-d embedding but the store holds ${dim}-d embeddings: encode with the same model (or use another file)`,
      ErrorCode.InvalidArgument,
    );
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) {
      throw new JinaError(
        `${location}: ${what} has ${vector[i]} at embedding position ${i}: fix the encoder's output before storing or searching`,
        ErrorCode.InvalidArgument,
      );
    }
  }
}
