/**
 * The fast `DataRequestProto` codec (`wire/codec.ts`) in the shape the lean gRPC transport and the server fast path
 * take (`runtime/grpc-frame.ts`'s `BinaryCodec`), so that both ends of a hop encode and decode requests with it.
 *
 * @module
 */
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { lazyBytesOf, lazyData } from "./lazy-data.ts";
import { WireArena, type WireLease } from "./wire/arena.ts";
import { decodeDataRequest, decodeDataRequestHead, encodeDataRequest, encodeDataRequestLeased } from "./wire/codec.ts";

/** A `DataRequestProto` codec in the shape of `runtime/grpc-frame.ts`'s `BinaryCodec`. */
type DataRequestCodec = {
  typeName: string;
  encode(message: DataRequestProto): Uint8Array;
  decode(bytes: Uint8Array): DataRequestProto;
  /** `encode` after `reserve` free bytes (the gRPC envelope's prefix, written in place by the transport). */
  encodeReserved(message: DataRequestProto, reserve: number): Uint8Array;
  /**
   * `encodeReserved` into a buffer lent by the process's {@link codecArena}: release the lease once the bytes are
   * written out (e.g. in `stream.end(lease.bytes, () => lease.release())`), not before.
   */
  encodeLeased(message: DataRequestProto, reserve: number): WireLease;
};

/**
 * The arena the request codecs lend encode buffers from (`encodeLeased`): one per process, shared by every hop.
 *
 * @example
 * ```ts
 * codecArena.pooledBytes; // bytes of free buffers kept for reuse
 * ```
 */
export const codecArena: WireArena = new WireArena();

/**
 * `jina.DataRequestProto` to and from bytes, byte-identical to protobuf-es. Decoding checks every byte (what a server
 * needs of untrusted input); encoding writes documents still held as bytes (`lazy-data.ts`) back unchanged.
 *
 * @example
 * ```ts
 * fastUnaryRoute(JinaSingleDataRequestRPC.method.process_single_data, handle, [dataRequestCodec]);
 * ```
 */
export const dataRequestCodec: DataRequestCodec = {
  typeName: "jina.DataRequestProto",
  encode,
  decode: (bytes: Uint8Array): DataRequestProto => decodeDataRequest(bytes),
  encodeReserved: encode,
  encodeLeased,
};

/**
 * As {@link dataRequestCodec}, but decoding leaves the documents as the bytes they came in (`lazy-data.ts`: decoded
 * by the first `docsOf`), so a hop that only forwards them never decodes or re-encodes them. For answers of trusted
 * peers (the gateway reading its executors' responses): their documents are not checked until read.
 *
 * @example
 * ```ts
 * const transport = createLeanGrpcTransport({ baseUrl, codecs: [lazyDataRequestCodec] });
 * ```
 */
export const lazyDataRequestCodec: DataRequestCodec = {
  typeName: "jina.DataRequestProto",
  encode,
  encodeReserved: encode,
  encodeLeased,
  decode(bytes: Uint8Array): DataRequestProto {
    const { request, data } = decodeDataRequestHead(bytes);
    if (data) request.data = lazyData(data);
    return request;
  },
};

function encode(message: DataRequestProto, reserve = 0): Uint8Array {
  return encodeDataRequest(message, { data: lazyBytesOf(message.data), reserve });
}

function encodeLeased(message: DataRequestProto, reserve: number): WireLease {
  return encodeDataRequestLeased(message, codecArena, { data: lazyBytesOf(message.data), reserve });
}
