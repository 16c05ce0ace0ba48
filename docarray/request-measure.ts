/**
 * A request's size and document count without decoding its documents: while `data` is still the bytes it came in
 * (`docarray/lazy-data.ts`), they are measured as bytes. Metrics record both for every request and hop; decoding the
 * documents for them made monitoring cost a no-op executor (whose handler never reads them) a full decode per call.
 *
 * @module
 */
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { lazyBytesOf } from "./lazy-data.ts";
import { docsOf } from "./request.ts";
import { dataRequestSize } from "./wire/codec.ts";
import { countDataContentDocs } from "./wire/doc-count.ts";

/**
 * The number of bytes `request` is on the wire: what the request codecs write for it (lazy documents as the bytes
 * they came in, the rest encoded), without encoding or decoding anything.
 *
 * @example
 * ```ts
 * metrics.sentBytes.observe(wireSizeOf(response));
 * ```
 */
export function wireSizeOf(request: DataRequestProto): number {
  return dataRequestSize(request, { data: lazyBytesOf(request.data) });
}

/**
 * The number of documents of `request`, counted on its bytes while they are still bytes, else on the documents
 * (decoding them when the bytes hold something the counter does not read, such as `docs_bytes`).
 *
 * @example
 * ```ts
 * metrics.documents.inc(docCountOf(response));
 * ```
 */
export function docCountOf(request: DataRequestProto): number {
  const bytes = lazyBytesOf(request.data);
  return (bytes && countDataContentDocs(bytes)) ?? docsOf(request).length;
}
