/**
 * The fast DocumentArray wire codec: `DataRequestProto`, `DocumentArrayProto` and `DocumentProto` to and from
 * bytes, byte-identical to protobuf-es's `toBinary` and accepting what `fromBinary` accepts. Encoding sizes the
 * message tree first and writes it into one buffer (tensor bytes copied once); decoding builds the generated
 * protobuf-es types directly, with bytes fields (tensors, blobs) as views over the input. Values protobuf-es
 * refuses, and input the fast reader leaves alone (groups, merged message fields, truncation, bad UTF-8), go to
 * protobuf-es itself, so errors and edge cases are its own.
 *
 * @module
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { allocUninitialized } from "../../runtime/alloc.ts";
import {
  type DocumentArrayProto,
  DocumentArrayProtoSchema,
  type DocumentProto,
  DocumentProtoSchema,
} from "../../proto/gen/docarray_pb.ts";
import {
  type DataRequestProto,
  type DataRequestProto_DataContentProto,
  DataRequestProto_DataContentProtoSchema,
  DataRequestProtoSchema,
} from "../../proto/gen/jina_pb.ts";
import { readDocument, readDocumentArray } from "./document-decode.ts";
import { sizeDocument, sizeDocumentArray, writeDocument, writeDocumentArray } from "./document-encode.ts";
import { type WireArena, WireLease } from "./arena.ts";
import { WireReader } from "./reader.ts";
import { type DataRequestParts, readDataContent, readDataRequest } from "./request-decode.ts";
import { sizeDataRequest, writeDataRequest } from "./request-encode.ts";
import { WireWriter } from "./writer.ts";

export type { DataRequestParts } from "./request-decode.ts";

/**
 * Options of {@link encodeDataRequest}.
 *
 * @example
 * ```ts
 * const options: EncodeDataRequestOptions = { data: received.data };
 * ```
 */
export interface EncodeDataRequestOptions {
  /** The `data` field's payload (a `DataContentProto`) already encoded, written as is instead of `request.data`. */
  data?: Uint8Array | undefined;
  /**
   * Bytes to leave free at the start of the returned buffer (e.g. 5 for a gRPC envelope written in place, so the
   * message is not copied again into a frame). The message follows them.
   */
  reserve?: number | undefined;
}

/**
 * Encodes a `DataRequestProto`; the bytes equal `toBinary(DataRequestProtoSchema, request)`, in a new buffer of
 * exactly their size (a size pass, then one write). (Writing in one pass into a reused buffer and copying the bytes
 * out was no faster: the copy and the new buffer's page faults cost what the size pass saves.)
 *
 * @example
 * ```ts
 * const bytes = encodeDataRequest(createDataRequest({ endpoint: "/index", docs }));
 * ```
 */
export function encodeDataRequest(request: DataRequestProto, options: EncodeDataRequestOptions = {}): Uint8Array {
  const data = options.data;
  return encode(
    (sizes) => sizeDataRequest(sizes, request, data),
    (w) => writeDataRequest(w, request, data),
    () => toBinary(DataRequestProtoSchema, data === undefined ? request : { ...request, data: decodeDataContent(data) }),
    options.reserve ?? 0,
  );
}

/**
 * Encodes a `DataRequestProto` as {@link encodeDataRequest} does (the same bytes), but in one pass into a buffer
 * lent by `arena` instead of a new one: no size pass, and no fresh buffer to page in. The bytes are the lease's until
 * `lease.release()` (call it once they are written out; see `arena.ts` for the ownership rule). A message larger
 * than the lent buffer, or a value protobuf-es refuses, is encoded by {@link encodeDataRequest} instead (an owned
 * buffer, or its error).
 *
 * @example
 * ```ts
 * const lease = encodeDataRequestLeased(request, arena, { reserve: 5 });
 * stream.end(lease.bytes, () => lease.release());
 * ```
 */
export function encodeDataRequestLeased(request: DataRequestProto, arena: WireArena, options: EncodeDataRequestOptions = {}): WireLease {
  const lease = encodeOnePass(request, arena, options);
  if (lease !== undefined) return lease;
  const bytes = encodeDataRequest(request, options);
  arena.needed(headroom + bytes.length + slack); // so that the next such message fits in one pass
  return new WireLease(bytes);
}

/** Free bytes before a one-pass message: a request's few levels of length prefixes can each grow by 4 bytes. */
const headroom = 32;
/** Room after a one-pass message for payloads written past their place while a prefix guessed too wide is open. */
const slack = 64;

/** One pass into a slab of `arena`; undefined (the slab given back) when it ran past its end or met a refused value. */
function encodeOnePass(request: DataRequestProto, arena: WireArena, options: EncodeDataRequestOptions): WireLease | undefined {
  const lease = arena.lend();
  const slab = lease.slab;
  try {
    const w = new WireWriter(slab, undefined);
    w.start = w.pos = headroom; // room for prefixes found wider than guessed to move the bytes before them
    w.pos += options.reserve ?? 0;
    writeDataRequest(w, request, options.data);
    if (!w.overflowed()) {
      arena.needed(w.pos);
      lease.wrote(w.start, w.pos);
      return lease;
    }
    arena.needed(w.pos); // at least this much
  } catch {
    // past the slab's end, or a value protobuf-es refuses: the caller encodes with the size pass
  }
  lease.release();
  return undefined;
}

/**
 * Decodes a `DataRequestProto` (as `fromBinary(DataRequestProtoSchema, bytes)` does; tensors are views over
 * `bytes`, so do not reuse the buffer while the request is in use).
 *
 * @example
 * ```ts
 * const request = decodeDataRequest(bytes);
 * docsOf(request).length;
 * ```
 */
export function decodeDataRequest(bytes: Uint8Array): DataRequestProto {
  return decode(bytes, (r) => readDataRequest(r, bytes.length, false).request, () => fromBinary(DataRequestProtoSchema, bytes));
}

/**
 * Decodes a `DataRequestProto` except its documents: `request.data` is unset and `data` holds the `data` field's
 * payload as received (a view over `bytes`), to forward with `encodeDataRequest(request, { data })` or to decode
 * later with {@link decodeDataContent}.
 *
 * @example
 * ```ts
 * const { request, data } = decodeDataRequestHead(bytes);
 * const forwarded = encodeDataRequest(request, { data }); // equal to bytes for canonical input
 * ```
 */
export function decodeDataRequestHead(bytes: Uint8Array): DataRequestParts {
  return decode(bytes, (r) => readDataRequest(r, bytes.length, true), () => {
    const request = fromBinary(DataRequestProtoSchema, bytes);
    const content = request.data;
    delete request.data;
    return { request, data: content && toBinary(DataRequestProto_DataContentProtoSchema, content) };
  });
}

/**
 * Decodes a `DataContentProto` (a request's `data` field payload, as {@link decodeDataRequestHead} returns it).
 *
 * @example
 * ```ts
 * request.data = decodeDataContent(data);
 * ```
 */
export function decodeDataContent(bytes: Uint8Array): DataRequestProto_DataContentProto {
  return decode(bytes, (r) => readDataContent(r, bytes.length), () => fromBinary(DataRequestProto_DataContentProtoSchema, bytes));
}

/**
 * The number of bytes {@link encodeDataRequest} writes for `request` (with `options.data`: those bytes as the `data`
 * field's payload, as it writes them), without encoding it.
 *
 * @example
 * ```ts
 * metrics.requestSize.observe(dataRequestSize(request));
 * ```
 */
export function dataRequestSize(request: DataRequestProto, options: Pick<EncodeDataRequestOptions, "data"> = {}): number {
  const data = options.data;
  try {
    return sizeDataRequest([], request, data);
  } catch {
    return toBinary(DataRequestProtoSchema, data === undefined ? request : { ...request, data: decodeDataContent(data) }).length;
  }
}

/**
 * Encodes a `DocumentArrayProto` (docarray's `protobuf-array`); equal to protobuf-es's `toBinary`.
 *
 * @example
 * ```ts
 * const bytes = encodeDocumentArray(docs.toProto());
 * ```
 */
export function encodeDocumentArray(array: DocumentArrayProto): Uint8Array {
  return encode(
    (sizes) => sizeDocumentArray(sizes, array),
    (w) => writeDocumentArray(w, array),
    () => toBinary(DocumentArrayProtoSchema, array),
  );
}

/**
 * Decodes a `DocumentArrayProto`; tensors and blobs are views over `bytes`.
 *
 * @example
 * ```ts
 * const docs = DocumentArray.fromProto(decodeDocumentArray(bytes));
 * ```
 */
export function decodeDocumentArray(bytes: Uint8Array): DocumentArrayProto {
  return decode(bytes, (r) => readDocumentArray(r, bytes.length, 0), () => fromBinary(DocumentArrayProtoSchema, bytes));
}

/**
 * Encodes one `DocumentProto`; equal to protobuf-es's `toBinary`.
 *
 * @example
 * ```ts
 * const bytes = encodeDocument(doc.proto);
 * ```
 */
export function encodeDocument(doc: DocumentProto): Uint8Array {
  return encode((sizes) => sizeDocument(sizes, doc), (w) => writeDocument(w, doc), () => toBinary(DocumentProtoSchema, doc));
}

/**
 * Decodes one `DocumentProto`; tensors and blobs are views over `bytes`.
 *
 * @example
 * ```ts
 * const doc = Document.fromProto(decodeDocument(bytes));
 * ```
 */
export function decodeDocument(bytes: Uint8Array): DocumentProto {
  return decode(bytes, (r) => readDocument(r, bytes.length, 0), () => fromBinary(DocumentProtoSchema, bytes));
}

/** The size pass's scratch list, reused (encoding is synchronous). */
const scratch: number[] = [];

function encode(size: (sizes: number[]) => number, write: (w: WireWriter) => void, fallback: () => Uint8Array, reserve = 0): Uint8Array {
  scratch.length = 0;
  let total: number;
  try {
    total = reserve + size(scratch);
  } catch {
    // a value protobuf-es refuses: its own error, or its own encoding of an odd value
    const bytes = fallback();
    if (reserve === 0) return bytes;
    const out = new Uint8Array(reserve + bytes.length);
    out.set(bytes, reserve);
    return out;
  }
  // not zeroed first: every byte is written (the reserve zeroed, the message checked to fill the rest exactly)
  const w = new WireWriter(allocUninitialized(total), scratch);
  w.buf.fill(0, 0, reserve);
  w.pos = reserve;
  write(w);
  if (w.pos !== total || w.next !== scratch.length) throw new Error(`wire codec: wrote ${w.pos} of ${total} bytes`);
  return w.buf;
}

function decode<T>(bytes: Uint8Array, read: (r: WireReader) => T, fallback: () => T): T {
  try {
    return read(new WireReader(bytes));
  } catch {
    return fallback(); // anything the fast reader leaves alone: protobuf-es accepts it or throws its own error
  }
}
