/**
 * The executor the Python peer talks to (through our gateway, and served alone as Jina's gateway would see it).
 */
import { type JsonObject } from "@bufbuild/protobuf";
import { type DocumentArray, Executor, NdArray, requests } from "../../mod.ts";

/** Thrown by `/fail`; its name and message must reach Python as `exception.name` and `exception.args`. */
export class InteropError extends Error {
  override name = "InteropError";
}

/** The flattened values of an ndarray, as plain numbers. */
function flat(array: NdArray): number[] {
  return Array.from(array.data as ArrayLike<number | bigint>, Number);
}

/**
 * `/embed`: embeds every doc with float32 `[text length, sum of its tensor, scale]`, adds two matches whose
 * embeddings are float64 and int64 (2×2), a cosine score, and tags; `/fail` throws {@link InteropError}.
 * Nothing is bound to `/default`, so other endpoints pass the documents through untouched.
 */
export class InteropEncoder extends Executor {
  @requests("/embed")
  embed({ docs, parameters }: { docs: DocumentArray; parameters: JsonObject }) {
    const scale = typeof parameters.scale === "number" ? parameters.scale : 1;
    for (const doc of docs) {
      const tensorSum = doc.tensor ? flat(doc.tensor).reduce((a, b) => a + b, 0) : 0;
      doc.embedding = new Float32Array([doc.text?.length ?? 0, tensorSum, scale]);
      doc.matches = [
        { id: `${doc.id}-f8`, embedding: new Float64Array([0.1, -2.5, 1e300]), scores: { cosine: { value: 0.25 } } },
        {
          id: `${doc.id}-i8`,
          embedding: new NdArray(new BigInt64Array([1n, -2n, 9007199254740993n, -9223372036854775808n]), { shape: [2, 2] }),
          scores: { cosine: { value: 0.75 } },
        },
      ];
      doc.tags = { ...doc.tags, seen: true, count: 3, by: this.metas.name, nested: { list: [1, "two", null, false] } };
    }
  }

  @requests("/fail")
  fail({ docs }: { docs: DocumentArray }) {
    throw new InteropError(`cannot embed ${docs.length} docs`);
  }
}
