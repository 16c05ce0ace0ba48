/**
 * Jina's reduce (docarray `reduce`/`reduce_all`): merging the DocumentArrays that come back from several shards
 * or several upstream executors, by document id.
 *
 * @module
 */
import type { DocumentProto } from "../proto/gen/docarray_pb.ts";
import { DocumentArray } from "./document-array.ts";
import { isEmptyObject as isEmpty } from "./json-check.ts";

/**
 * Reduces `other` into `target` (mutating and returning `target`), left to right by id: a document absent from
 * `target` is appended (shared, not copied); a present one keeps its own non-empty fields and takes the fields
 * set only in the other (whole-field priority: `tags` are not deep-merged; `id`, `parent_id` are kept), then
 * their `matches` and `chunks` are reduced the same way, recursively. Match order is kept.
 *
 * @example
 * ```ts
 * const left = new DocumentArray([{ id: "a", text: "x" }]);
 * reduceDocs(left, new DocumentArray([{ id: "a", tags: { k: 1 } }, { id: "b" }]));
 * left.ids; // ["a", "b"]; left.at(0) has text "x" and tags { k: 1 }
 * ```
 */
export function reduceDocs(target: DocumentArray, other: DocumentArray): DocumentArray {
  reduceProtos(target.protos, other.protos);
  return target;
}

/**
 * Reduces every array into the first one (mutating it) and returns it; an empty list gives an empty array.
 *
 * @example
 * ```ts
 * const merged = reduceAll([shard0, shard1, shard2]); // === shard0
 * ```
 */
export function reduceAll(arrays: DocumentArray[]): DocumentArray {
  const [first, ...rest] = arrays;
  if (!first) return new DocumentArray();
  for (const other of rest) reduceDocs(first, other);
  return first;
}

function reduceProtos(target: DocumentProto[], other: DocumentProto[]): void {
  if (other.length === 0) return;
  const byId = new Map<string, DocumentProto>();
  for (const doc of target) if (!byId.has(doc.id)) byId.set(doc.id, doc);
  for (const doc of other) {
    const present = byId.get(doc.id);
    if (present) {
      reduceDoc(present, doc);
    } else {
      target.push(doc);
      byId.set(doc.id, doc);
    }
  }
}

/** Merges `other` into `doc`: fields empty in `doc` and set in `other` are taken, then matches and chunks. */
function reduceDoc(doc: DocumentProto, other: DocumentProto): void {
  if (doc.content.case === undefined && other.content.case !== undefined) doc.content = other.content;
  if (!doc.granularity) doc.granularity = other.granularity;
  if (!doc.adjacency) doc.adjacency = other.adjacency;
  if (!doc.weight) doc.weight = other.weight;
  if (!doc.uri) doc.uri = other.uri;
  if (!doc.modality) doc.modality = other.modality;
  if (!doc.mimeType) doc.mimeType = other.mimeType;
  if (!doc.offset) doc.offset = other.offset;
  if (doc.location.length === 0 && other.location.length > 0) doc.location = other.location;
  if (!doc.embedding?.content.case && other.embedding?.content.case) doc.embedding = other.embedding;
  if (isEmpty(doc.tags) && !isEmpty(other.tags)) doc.tags = other.tags;
  if (isEmpty(doc.scores) && !isEmpty(other.scores)) doc.scores = other.scores;
  if (isEmpty(doc.evaluations) && !isEmpty(other.evaluations)) doc.evaluations = other.evaluations;
  if (isEmpty(doc.Metadata) && !isEmpty(other.Metadata)) doc.Metadata = other.Metadata;
  reduceProtos(doc.matches, other.matches);
  reduceProtos(doc.chunks, other.chunks);
}
