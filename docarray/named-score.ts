/**
 * Named scores (`doc.scores`, `doc.evaluations`): `{ value, opName, description, refId }`.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { type NamedScoreProto, NamedScoreProtoSchema } from "../proto/gen/docarray_pb.ts";

/**
 * A score as users write it; `value` is stored as float32 on the wire.
 *
 * @example
 * ```ts
 * const score: NamedScore = { value: 0.5, opName: "cosine" };
 * ```
 */
export interface NamedScore {
  value: number;
  opName?: string;
  description?: string;
  refId?: string;
}

/**
 * A `NamedScoreProto` from a {@link NamedScore} (a proto is returned as is).
 *
 * @example
 * ```ts
 * toNamedScoreProto({ value: 0.5 }).value; // 0.5
 * ```
 */
export function toNamedScoreProto(score: NamedScore | NamedScoreProto): NamedScoreProto {
  if ("$typeName" in score) return score;
  return create(NamedScoreProtoSchema, {
    value: score.value,
    opName: score.opName ?? "",
    description: score.description ?? "",
    refId: score.refId ?? "",
  });
}

/**
 * A map of `NamedScoreProto` from a map of {@link NamedScore}.
 *
 * @example
 * ```ts
 * toNamedScoreMap({ cosine: { value: 0.1 } }).cosine?.value; // 0.1 (as float32 once serialized)
 * ```
 */
export function toNamedScoreMap(scores: Record<string, NamedScore | NamedScoreProto>): Record<string, NamedScoreProto> {
  const out: Record<string, NamedScoreProto> = {};
  for (const [name, score] of Object.entries(scores)) out[name] = toNamedScoreProto(score);
  return out;
}

/**
 * A view over a proto score map whose assignments convert plain {@link NamedScore} objects into protos, so
 * `doc.scores.cosine = { value: 0.5 }` serializes.
 *
 * @example
 * ```ts
 * const scores = namedScoreView(doc.proto.scores);
 * scores.cosine = { value: 0.5 } as NamedScoreProto;
 * ```
 */
export function namedScoreView(map: Record<string, NamedScoreProto>): Record<string, NamedScoreProto> {
  return new Proxy(map, {
    set(target, key, value) {
      if (typeof key !== "string") return Reflect.set(target, key, value);
      target[key] = toNamedScoreProto(value as NamedScore);
      return true;
    },
  });
}
