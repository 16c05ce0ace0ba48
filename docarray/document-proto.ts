/**
 * A new `DocumentProto` without going through protobuf-es's `create` (which walks the schema for every document:
 * 5% of a gateway's CPU per JSON request of 10 documents). `tests/docarray/document.test.ts` checks that it equals
 * `create(DocumentProtoSchema, { id })` field for field, so a schema change shows up there.
 *
 * @module
 */
import type { DocumentProto } from "../proto/gen/docarray_pb.ts";

/**
 * What `create(DocumentProtoSchema, { id })` makes: every scalar at its default, lists and maps empty, no content.
 *
 * @example
 * ```ts
 * const proto = newDocumentProto("doc-1");
 * proto.text; // undefined: content.case is undefined
 * ```
 */
export function newDocumentProto(id: string): DocumentProto {
  return {
    $typeName: "docarray.DocumentProto",
    id,
    content: { case: undefined },
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
