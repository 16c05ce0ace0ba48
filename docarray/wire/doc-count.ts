/**
 * How many documents a serialized `DataRequestProto` carries, read from its bytes without decoding any document: a
 * walk over the tags of `data` (field 4) → `docs` (field 1, a `DocumentArrayProto`) → its repeated `docs` (field 1),
 * skipping every value. A server can refuse a request with too many documents before the costly decode (1,000,000
 * empty documents fit in 2 MB and take seconds and a gigabyte to decode).
 *
 * @module
 */
import { Fallback, WireReader } from "./reader.ts";

/** Tag of a length-delimited field 1 (`DataContentProto.docs`, `DocumentArrayProto.docs`). */
const docsTag = 0x0a;
/** Tag of `DataContentProto.docs_bytes` (field 2), the other case of the `documents` oneof. */
const docsBytesTag = 0x12;
/** Tag of `DataRequestProto.data` (field 4). */
const dataTag = 0x22;

/**
 * The number of documents in a serialized `DataRequestProto` (its `data.docs.docs`), as protobuf would decode it
 * (message fields given twice merge, and a later `docs_bytes` replaces them); undefined when the bytes are not
 * well-formed protobuf (the full decode then reports the error). `docs_bytes` counts as 0 documents.
 *
 * @example
 * ```ts
 * import { countRequestDocs, createDataRequest, DocumentArray, dataRequestCodec } from "jina-ts/docarray";
 * const bytes = dataRequestCodec.encode(createDataRequest({ endpoint: "/", docs: new DocumentArray([{}, {}]) }));
 * countRequestDocs(bytes); // 2
 * ```
 */
export function countRequestDocs(bytes: Uint8Array): number | undefined {
  return countOrUndefined(bytes, countRequest);
}

/** Tag of `DataRequestListProto.requests` (field 1). */
const requestsTag = 0x0a;

/**
 * The number of documents in a serialized `DataRequestListProto` (the input of `process_data`): the sum of
 * {@link countRequestDocs} over its requests; undefined when the bytes are not well-formed protobuf.
 *
 * @example
 * ```ts
 * import { countRequestListDocs } from "jina-ts/docarray";
 * countRequestListDocs(new Uint8Array(0)); // 0: no requests
 * ```
 */
export function countRequestListDocs(bytes: Uint8Array): number | undefined {
  return countOrUndefined(bytes, (r, end) => {
    let count = 0;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag !== requestsTag) {
        skipField(r, tag);
        continue;
      }
      const requestEnd = r.delimited();
      count += countRequest(r, requestEnd);
      r.pos = requestEnd;
    }
    return count;
  });
}

/** Runs `count` over all of `bytes`; undefined when they are not well-formed protobuf. */
function countOrUndefined(bytes: Uint8Array, count: (r: WireReader, end: number) => number): number | undefined {
  const r = new WireReader(bytes);
  try {
    return count(r, bytes.length);
  } catch (error) {
    if (error instanceof Fallback) return undefined;
    throw error;
  }
}

/** Counts the documents of a `DataRequestProto` ending at `end` (a last field may run past it, as before a decode). */
function countRequest(r: WireReader, end: number): number {
  let count = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag !== dataTag) {
      skipField(r, tag);
      continue;
    }
    count = countData(r, r.delimited(), count); // a repeated data field merges into the first
  }
  return count;
}

/** `count` plus the documents of one `DataContentProto` (0 when its oneof ends on `docs_bytes`, `docsBytes` then set). */
function countData(r: WireReader, end: number, count: number, seen?: { docsBytes: boolean }): number {
  while (r.pos < end) {
    const field = r.varint();
    if (field === docsTag) {
      count += countArrayDocs(r, r.delimited());
      if (seen) seen.docsBytes = false;
    } else {
      if (field === docsBytesTag) {
        count = 0; // the oneof switches to docs_bytes
        if (seen) seen.docsBytes = true;
      }
      skipField(r, field);
    }
  }
  r.expectEnd(end);
  return count;
}

/**
 * Counts the documents of a `DataContentProto` payload (a request's `data` kept as bytes, `docarray/lazy-data.ts`)
 * without decoding them; undefined when the bytes hold `docs_bytes` or are not plain protobuf, so that the caller
 * decodes them and gets the decoder's own answer.
 *
 * @example
 * ```ts
 * const count = countDataContentDocs(lazyBytesOf(request.data)!) ?? docsOf(request).length;
 * ```
 */
export function countDataContentDocs(bytes: Uint8Array): number | undefined {
  const seen = { docsBytes: false };
  const count = countOrUndefined(bytes, (r, end) => countData(r, end, 0, seen));
  return seen.docsBytes ? undefined : count;
}

/** Counts the repeated `docs` (field 1) of a `DocumentArrayProto` ending at `end`, skipping their contents. */
function countArrayDocs(r: WireReader, end: number): number {
  let count = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === docsTag) {
      r.pos = r.delimited();
      count++;
    } else skipField(r, tag);
  }
  r.expectEnd(end);
  return count;
}

function skipField(r: WireReader, tag: number): void {
  if (tag >>> 3 === 0) throw new Fallback();
  r.skip(tag & 7);
}
