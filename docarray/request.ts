/**
 * Building and reading Jina's `DataRequestProto`: the request a client sends and every hop forwards.
 *
 * @module
 */
import { forgetLazyData, materializeData } from "./lazy-data.ts";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { DocumentArrayProtoSchema } from "../proto/gen/docarray_pb.ts";
import {
  type DataRequestProto,
  DataRequestProto_DataContentProtoSchema,
  type HeaderProto,
} from "../proto/gen/jina_pb.ts";
import { DocumentArray } from "./document-array.ts";
import { randomId } from "./id.ts";

/**
 * What {@link createDataRequest} builds a request from.
 *
 * @example
 * ```ts
 * const init: DataRequestInit = { endpoint: "/search", docs, parameters: { limit: 3 } };
 * ```
 */
export interface DataRequestInit {
  /** `header.exec_endpoint` (unset when omitted). */
  endpoint?: string | undefined;
  /** The documents (shared, not copied); an empty array when omitted. */
  docs?: DocumentArray | undefined;
  /** `parameters` (a Struct; unset when omitted). */
  parameters?: JsonObject | undefined;
  /** `header.target_executor`, a regex over executor names. */
  targetExecutor?: string | undefined;
  /** `header.request_id`; 32 random hex chars when omitted. */
  requestId?: string | undefined;
}

/**
 * A new `DataRequestProto` with `header.request_id`, the endpoint and target, parameters and `data.docs`.
 *
 * @example
 * ```ts
 * const request = createDataRequest({ endpoint: "/index", docs: new DocumentArray([{ text: "hi" }]) });
 * docsOf(request).length; // 1
 * ```
 */
export function createDataRequest(init: DataRequestInit = {}): DataRequestProto {
  // Literals, not protobuf-es `create` (which walks the schema): what `create` makes, checked in tests/docarray/request.test.ts.
  const header: HeaderProto = { $typeName: "jina.HeaderProto", requestId: init.requestId ?? randomId() };
  if (init.endpoint !== undefined) header.execEndpoint = init.endpoint;
  if (init.targetExecutor !== undefined) header.targetExecutor = init.targetExecutor;
  const request: DataRequestProto = { $typeName: "jina.DataRequestProto", header, routes: [] };
  if (init.parameters !== undefined) request.parameters = init.parameters;
  setDocs(request, init.docs ?? new DocumentArray());
  return request;
}

/**
 * The documents of a request, as a view over `request.data.docs` (created empty when unset; decoded here when they
 * came in lazily, see `lazy-data.ts`). Throws a
 * `JinaError` (InvalidArgument) for `docs_bytes`, which is a Python pickle in Jina.
 *
 * @example
 * ```ts
 * for (const doc of docsOf(request)) doc.text = doc.text?.toUpperCase();
 * ```
 */
export function docsOf(request: DataRequestProto): DocumentArray {
  const data = (request.data ??= create(DataRequestProto_DataContentProtoSchema));
  materializeData(data);
  const documents = data.documents;
  switch (documents.case) {
    case "docs":
      return DocumentArray.fromProto(documents.value);
    case "docsBytes":
      throw new JinaError("docs_bytes is a Python pickle in Jina and cannot be read; send docs", ErrorCode.InvalidArgument);
    default: {
      const value = create(DocumentArrayProtoSchema);
      data.documents = { case: "docs", value };
      return DocumentArray.fromProto(value);
    }
  }
}

/**
 * Replaces the documents of a request (`data.docs`, shared not copied; `docs_bytes` is dropped).
 *
 * @example
 * ```ts
 * setDocs(request, docsOf(request).filter((doc) => doc.text !== undefined));
 * ```
 */
export function setDocs(request: DataRequestProto, docs: DocumentArray): void {
  const data = (request.data ??= { $typeName: "jina.DataRequestProto.DataContentProto", documents: { case: undefined } });
  forgetLazyData(data);
  data.documents = { case: "docs", value: docs.toProto() };
}
