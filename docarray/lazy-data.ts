/**
 * Lazy documents (issue 8, "lazy decoding at the gateway", as Jina's gateway does): a request decoded with its
 * `data` field left as the bytes it came in (`lazyDataRequestCodec`: the gateway reading its executors' answers)
 * carries a placeholder `DataContentProto` instead, registered here with those bytes. Encoding writes the bytes back as they came (`request-codec.ts`); the first reader of the documents
 * (`docsOf`, and so `when`, reduce, the executor's dispatch) decodes them into the placeholder in place, so every
 * request sharing it sees the same documents. Nothing that only forwards a request pays for its documents.
 *
 * @module
 */
import type { DataRequestProto_DataContentProto } from "../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { hiddenSlot } from "../proto/hidden-slot.ts";
import { decodeDataContent } from "./wire/codec.ts";

/** The bytes of each placeholder, in a hidden slot: a WeakMap entry per request cost the gateway in garbage collection. */
const pending = hiddenSlot<Uint8Array>();

/**
 * A placeholder `data` holding `bytes` (a `DataContentProto` payload) until someone reads the documents.
 *
 * @example
 * ```ts
 * const { request, data } = decodeDataRequestHead(bytes);
 * if (data) request.data = lazyData(data);
 * ```
 */
export function lazyData(bytes: Uint8Array): DataRequestProto_DataContentProto {
  // What create(DataRequestProto_DataContentProtoSchema) makes, as a literal (create walks the schema: one per call).
  const placeholder: DataRequestProto_DataContentProto = { $typeName: "jina.DataRequestProto.DataContentProto", documents: { case: undefined } };
  pending.set(placeholder, bytes);
  return placeholder;
}

/**
 * The bytes `data` still stands for, or undefined once decoded (or when it never was lazy).
 *
 * @example
 * ```ts
 * const raw = lazyBytesOf(request.data);
 * const bytes = raw ? encodeDataRequest(request, { data: raw }) : encodeDataRequest(request);
 * ```
 */
export function lazyBytesOf(data: DataRequestProto_DataContentProto | undefined): Uint8Array | undefined {
  return data && pending.get(data);
}

/**
 * Decodes a placeholder's documents into it (once); anything else is left as it is. Bytes that do not decode throw
 * a JinaError (InvalidArgument) and stay as they are.
 *
 * @example
 * ```ts
 * materializeData(request.data);
 * request.data?.documents.case; // "docs" when documents came in
 * ```
 */
export function materializeData(data: DataRequestProto_DataContentProto | undefined): void {
  const bytes = data && pending.get(data);
  if (!bytes) return;
  let decoded: DataRequestProto_DataContentProto;
  try {
    decoded = decodeDataContent(bytes);
  } catch (error) {
    // The bytes came from a peer (a client's request kept as bytes): bad ones are the peer's error, as at a decode.
    throw new JinaError(`parse binary: the request's documents do not decode: ${error instanceof Error ? error.message : String(error)}`, ErrorCode.InvalidArgument);
  }
  pending.set(data, undefined);
  Object.assign(data, decoded);
}

/**
 * Drops the bytes of a placeholder whose documents are being replaced (without decoding them).
 *
 * @example
 * ```ts
 * forgetLazyData(request.data);
 * request.data.documents = { case: "docs", value };
 * ```
 */
export function forgetLazyData(data: DataRequestProto_DataContentProto | undefined): void {
  if (data) pending.set(data, undefined);
}

/**
 * Marks `data`, decoded from `bytes` and not changed since, as still encoded by them: encoding writes `bytes` back as
 * they are instead of encoding the documents again (an executor whose handler never read its documents answers
 * with the bytes it received). A later {@link materializeData} decodes them again into `data`.
 *
 * @example
 * ```ts
 * const bytes = lazyBytesOf(request.data)!;
 * materializeData(request.data); // checks them
 * // ... nothing reads or changes the documents ...
 * keepEncodedData(request.data!, bytes);
 * ```
 */
export function keepEncodedData(data: DataRequestProto_DataContentProto, bytes: Uint8Array): void {
  pending.set(data, bytes);
}
