/**
 * Decoding `DataRequestProto` into the objects protobuf-es builds: header, parameters, routes, and the data
 * through the document decoder, or, when asked, left as the bytes received (for a hop that only forwards them).
 *
 * @module
 */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type {
  DataRequestProto,
  DataRequestProto_DataContentProto,
  HeaderProto,
  RouteProto,
  StatusProto,
  StatusProto_ExceptionProto,
} from "../../proto/gen/jina_pb.ts";
import { readDocumentArray } from "./document-decode.ts";
import { Fallback, type WireReader } from "./reader.ts";
import { readStruct } from "./struct-decode.ts";

/**
 * A decoded request and, when the data was left undecoded, the `DataContentProto` payload as received.
 *
 * @example
 * ```ts
 * const { request, data } = readDataRequest(new WireReader(bytes), bytes.length, true);
 * ```
 */
export interface DataRequestParts {
  request: DataRequestProto;
  data: Uint8Array | undefined;
}

/**
 * Reads a `DataRequestProto` payload ending at `end`; with `lazy`, `data` is returned as bytes, not decoded.
 *
 * @example
 * ```ts
 * const { request } = readDataRequest(new WireReader(bytes), bytes.length, false);
 * ```
 */
export function readDataRequest(r: WireReader, end: number, lazy: boolean): DataRequestParts {
  const request = { $typeName: "jina.DataRequestProto", routes: [] as RouteProto[] } as DataRequestProto;
  let data: Uint8Array | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        if (request.header !== undefined) throw new Fallback(); // a repeated message field merges
        request.header = readHeader(r, r.delimited());
        break;
      case 0x12:
        if (request.parameters !== undefined) throw new Fallback();
        request.parameters = readStruct(r, r.delimited(), 1);
        break;
      case 0x1a:
        request.routes.push(readRoute(r, r.delimited()));
        break;
      case 0x22:
        if (request.data !== undefined || data !== undefined) throw new Fallback();
        if (lazy) data = r.bytes();
        else request.data = readDataContent(r, r.delimited());
        break;
      default:
        if (tag >>> 3 <= 4) throw new Fallback();
        r.unknown(request, tag);
    }
  }
  r.expectEnd(end);
  return { request, data };
}

/**
 * Reads a `DataContentProto` payload ending at `end`.
 *
 * @example
 * ```ts
 * request.data = readDataContent(new WireReader(data), data.length);
 * ```
 */
export function readDataContent(r: WireReader, end: number): DataRequestProto_DataContentProto {
  const data = {
    $typeName: "jina.DataRequestProto.DataContentProto",
    documents: { case: undefined },
  } as DataRequestProto_DataContentProto;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) {
      if (data.documents.case === "docs") throw new Fallback();
      data.documents = { case: "docs", value: readDocumentArray(r, r.delimited(), 1) };
    } else if (tag === 0x12) data.documents = { case: "docsBytes", value: r.bytes() };
    else if (tag >>> 3 <= 2) throw new Fallback();
    else r.unknown(data, tag);
  }
  r.expectEnd(end);
  return data;
}

function readHeader(r: WireReader, end: number): HeaderProto {
  const header = { $typeName: "jina.HeaderProto", requestId: "" } as HeaderProto;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        header.requestId = r.string();
        break;
      case 0x12:
        if (header.status !== undefined) throw new Fallback();
        header.status = readStatus(r, r.delimited());
        break;
      case 0x1a:
        header.execEndpoint = r.string();
        break;
      case 0x22:
        header.targetExecutor = r.string();
        break;
      case 0x28:
        header.timeout = r.varint();
        break;
      default:
        if (tag >>> 3 <= 5) throw new Fallback();
        r.unknown(header, tag);
    }
  }
  r.expectEnd(end);
  return header;
}

function readStatus(r: WireReader, end: number): StatusProto {
  const status = { $typeName: "jina.StatusProto", code: 0, description: "" } as StatusProto;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x08:
        status.code = r.int32();
        break;
      case 0x12:
        status.description = r.string();
        break;
      case 0x1a:
        if (status.exception !== undefined) throw new Fallback();
        status.exception = readException(r, r.delimited());
        break;
      default:
        if (tag >>> 3 <= 3) throw new Fallback();
        r.unknown(status, tag);
    }
  }
  r.expectEnd(end);
  return status;
}

function readException(r: WireReader, end: number): StatusProto_ExceptionProto {
  const exception = {
    $typeName: "jina.StatusProto.ExceptionProto",
    name: "",
    args: [] as string[],
    stacks: [] as string[],
    executor: "",
  } as StatusProto_ExceptionProto;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        exception.name = r.string();
        break;
      case 0x12:
        exception.args.push(r.string());
        break;
      case 0x1a:
        exception.stacks.push(r.string());
        break;
      case 0x22:
        exception.executor = r.string();
        break;
      default:
        if (tag >>> 3 <= 4) throw new Fallback();
        r.unknown(exception, tag);
    }
  }
  r.expectEnd(end);
  return exception;
}

function readRoute(r: WireReader, end: number): RouteProto {
  const route = { $typeName: "jina.RouteProto", executor: "" } as RouteProto;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        route.executor = r.string();
        break;
      case 0x12:
        if (route.startTime !== undefined) throw new Fallback();
        route.startTime = readTimestamp(r, r.delimited());
        break;
      case 0x1a:
        if (route.endTime !== undefined) throw new Fallback();
        route.endTime = readTimestamp(r, r.delimited());
        break;
      case 0x22:
        if (route.status !== undefined) throw new Fallback();
        route.status = readStatus(r, r.delimited());
        break;
      default:
        if (tag >>> 3 <= 4) throw new Fallback();
        r.unknown(route, tag);
    }
  }
  r.expectEnd(end);
  return route;
}

function readTimestamp(r: WireReader, end: number): Timestamp {
  const time = { $typeName: "google.protobuf.Timestamp", seconds: 0n, nanos: 0 } as Timestamp;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x08) time.seconds = BigInt.asIntN(64, r.varint64());
    else if (tag === 0x10) time.nanos = r.int32();
    else if (tag >>> 3 <= 2) throw new Fallback();
    else r.unknown(time, tag);
  }
  r.expectEnd(end);
  return time;
}
