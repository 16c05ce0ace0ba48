/**
 * A new `DocumentProto` without going through protobuf-es's `create` (which walks the schema for every document:
 * 5% of a gateway's CPU per JSON request of 10 documents). `tests/docarray/document.test.ts` checks that it equals
 * `create(DocumentProtoSchema, { id })` field for field, so a schema change shows up there. The field list is written
 * twice, with and without `embedding`: an object literal gets room for its own keys only, so an embedding set
 * afterwards costs V8 a second allocation (a property array) for each decoded document; the test checks both lists.
 *
 * @module
 */
import type { DocumentProto, NdArrayProto } from "../proto/gen/docarray_pb.ts";

/**
 * What `create(DocumentProtoSchema, { id })` makes: every scalar at its default, lists and maps empty, no content;
 * with `content` and `embedding` given, what setting them on it afterwards makes (the embedding key last, as there),
 * built as one object (a property added later costs V8 a second allocation per document).
 *
 * @example
 * ```ts
 * const proto = newDocumentProto("doc-1");
 * proto.content.case; // undefined
 * ```
 */
export function newDocumentProto(id: string, content?: DocumentProto["content"], embedding?: NdArrayProto): DocumentProto {
  if (embedding !== undefined) {
    return {
      $typeName: "docarray.DocumentProto",
      id,
      content: content ?? { case: undefined },
      granularity: 0,
      adjacency: 0,
      parentId: "",
      weight: 0,
      uri: "",
      modality: "",
      mimeType: "",
      offset: 0,
      location: [],
      chunks: [],
      matches: [],
      scores: {},
      evaluations: {},
      embedding,
    };
  }
  return {
    $typeName: "docarray.DocumentProto",
    id,
    content: content ?? { case: undefined },
    granularity: 0,
    adjacency: 0,
    parentId: "",
    weight: 0,
    uri: "",
    modality: "",
    mimeType: "",
    offset: 0,
    location: [],
    chunks: [],
    matches: [],
    scores: {},
    evaluations: {},
  };
}
