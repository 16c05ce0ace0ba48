/**
 * The fast `DataRequestProto` codec (`wire/codec.ts`) in the shape the lean gRPC transport and the server fast path
 * take (`runtime/grpc-frame.ts`'s `BinaryCodec`), so that both ends of a hop encode and decode requests with it.
 *
 * @module
 */
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";
import { decodeDataRequest, encodeDataRequest } from "./wire/codec.ts";

/**
 * `jina.DataRequestProto` to and from bytes, byte-identical to protobuf-es.
 *
 * @example
 * ```ts
 * const transport = createLeanGrpcTransport({ baseUrl, codecs: [dataRequestCodec] });
 * ```
 */
export const dataRequestCodec = {
  typeName: "jina.DataRequestProto",
  encode: (message: DataRequestProto): Uint8Array => encodeDataRequest(message),
  decode: (bytes: Uint8Array): DataRequestProto => decodeDataRequest(bytes),
};
