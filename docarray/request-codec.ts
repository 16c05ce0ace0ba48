/**
 * The fast `DataRequestProto` codec (`wire/codec.ts`) in the shape the lean gRPC transport and the server fast path
 * take (`runtime/grpc-frame.ts`'s `BinaryCodec`), so that both ends of a hop encode and decode requests with it.
 *
 * @module
 */
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { lazyBytesOf, lazyData } from "./lazy-data.ts";
import { decodeDataRequestHead, encodeDataRequest } from "./wire/codec.ts";

/**
 * `jina.DataRequestProto` to and from bytes, byte-identical to protobuf-es. Decoding leaves the documents as the
 * bytes they came in (`lazy-data.ts`: decoded by the first `docsOf`), and encoding writes such bytes back unchanged,
 * so a hop that only forwards a request never decodes or re-encodes its documents.
 *
 * @example
 * ```ts
 * const transport = createLeanGrpcTransport({ baseUrl, codecs: [dataRequestCodec] });
 * ```
 */
export const dataRequestCodec = {
  typeName: "jina.DataRequestProto",
  encode(message: DataRequestProto): Uint8Array {
    const data = lazyBytesOf(message.data);
    return data ? encodeDataRequest(message, { data }) : encodeDataRequest(message);
  },
  decode(bytes: Uint8Array): DataRequestProto {
    const { request, data } = decodeDataRequestHead(bytes);
    if (data) request.data = lazyData(data);
    return request;
  },
};
