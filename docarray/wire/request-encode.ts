/**
 * Encoding `DataRequestProto`: the header, parameters and routes (small, written field by field) and the data
 * (documents through the document encoder, or bytes already encoded, forwarded as they came).
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
import { sizeDocumentArray, writeDocumentArray } from "./document-encode.ts";
import { checkBytes, checkUint32, unknownSize, writeUnknown } from "./scalars.ts";
import { sizeStruct, writeStruct } from "./struct-encode.ts";
import { stringFieldSize, utf8Length, writeString, writeStringField } from "./utf8.ts";
import { delimitedSize, Kind, sizeNested, varintSize, type WireWriter } from "./writer.ts";

/**
 * The payload size of a `DataRequestProto` (pushing nested sizes on `sizes`, pre-order). With `data` given, that
 * is the `DataContentProto` payload written in place of `request.data`.
 *
 * @example
 * ```ts
 * const sizes: number[] = [];
 * const size = sizeDataRequest(sizes, request, undefined);
 * ```
 */
export function sizeDataRequest(sizes: number[], request: DataRequestProto, data: Uint8Array | undefined): number {
  let size = 0;
  if (request.header !== undefined) size += 1 + sizeNested(sizes, request.header, sizeHeader);
  if (request.parameters !== undefined) size += 1 + sizeNested(sizes, request.parameters, sizeStruct);
  for (const route of request.routes) size += 1 + sizeNested(sizes, route, sizeRoute);
  if (data !== undefined) size += 1 + delimitedSize(checkBytes(data).length);
  else if (request.data !== undefined) size += 1 + sizeNested(sizes, request.data, sizeDataContent);
  return size + unknownSize(request.$unknown);
}

/**
 * Writes a `DataRequestProto` payload (with `data`, those bytes as the `data` field's payload).
 *
 * @example
 * ```ts
 * writeDataRequest(writer, request, undefined);
 * ```
 */
export function writeDataRequest(w: WireWriter, request: DataRequestProto, data: Uint8Array | undefined): void {
  const buf = w.buf;
  if (request.header !== undefined) {
    buf[w.pos++] = 0x0a;
    const mark = w.open(Kind.header);
    writeHeader(w, request.header);
    w.close(mark, Kind.header);
  }
  if (request.parameters !== undefined) {
    buf[w.pos++] = 0x12;
    const mark = w.open(Kind.struct);
    writeStruct(w, request.parameters);
    w.close(mark, Kind.struct);
  }
  for (const route of request.routes) {
    buf[w.pos++] = 0x1a;
    const mark = w.open(Kind.route);
    writeRoute(w, route);
    w.close(mark, Kind.route);
  }
  if (data !== undefined) {
    buf[w.pos++] = 0x22;
    w.varint(checkBytes(data).length);
    w.raw(data);
  } else if (request.data !== undefined) {
    buf[w.pos++] = 0x22;
    const mark = w.open(Kind.data);
    writeDataContent(w, request.data);
    w.close(mark, Kind.data);
  }
  writeUnknown(w, request.$unknown);
}

/**
 * The payload size of a `DataContentProto` (`docs` or `docs_bytes`).
 *
 * @example
 * ```ts
 * const size = sizeDataContent(sizes, request.data!);
 * ```
 */
export function sizeDataContent(sizes: number[], data: DataRequestProto_DataContentProto): number {
  const documents = data.documents;
  let size = 0;
  if (documents.case === "docs") size += 1 + sizeNested(sizes, documents.value, sizeDocumentArray);
  else if (documents.case === "docsBytes") size += 1 + delimitedSize(checkBytes(documents.value).length);
  return size + unknownSize(data.$unknown);
}

/**
 * Writes a `DataContentProto` payload.
 *
 * @example
 * ```ts
 * writeDataContent(writer, request.data!);
 * ```
 */
export function writeDataContent(w: WireWriter, data: DataRequestProto_DataContentProto): void {
  const documents = data.documents;
  if (documents.case === "docs") {
    w.buf[w.pos++] = 0x0a;
    const mark = w.open(Kind.documentArray);
    writeDocumentArray(w, documents.value);
    w.close(mark, Kind.documentArray);
  } else if (documents.case === "docsBytes") {
    w.buf[w.pos++] = 0x12;
    w.varint(checkBytes(documents.value).length);
    w.raw(documents.value);
  }
  writeUnknown(w, data.$unknown);
}

function sizeHeader(sizes: number[], header: HeaderProto): number {
  let size = stringFieldSize(header.requestId);
  if (header.status !== undefined) size += 1 + sizeNested(sizes, header.status, sizeStatus);
  if (header.execEndpoint !== undefined) size += 1 + delimitedSize(utf8Length(header.execEndpoint));
  if (header.targetExecutor !== undefined) size += 1 + delimitedSize(utf8Length(header.targetExecutor));
  if (header.timeout !== undefined) size += 1 + varintSize(checkUint32(header.timeout));
  return size + unknownSize(header.$unknown);
}

function writeHeader(w: WireWriter, header: HeaderProto): void {
  writeStringField(w, 0x0a, header.requestId);
  if (header.status !== undefined) {
    w.buf[w.pos++] = 0x12;
    const mark = w.open(Kind.status);
    writeStatus(w, header.status);
    w.close(mark, Kind.status);
  }
  if (header.execEndpoint !== undefined) {
    w.buf[w.pos++] = 0x1a;
    writeString(w, header.execEndpoint);
  }
  if (header.targetExecutor !== undefined) {
    w.buf[w.pos++] = 0x22;
    writeString(w, header.targetExecutor);
  }
  if (header.timeout !== undefined) {
    w.buf[w.pos++] = 0x28;
    w.varint(checkUint32(header.timeout));
  }
  writeUnknown(w, header.$unknown);
}

function sizeStatus(sizes: number[], status: StatusProto): number {
  let size = status.code != 0 ? 1 + int32Size(status.code) : 0;
  size += stringFieldSize(status.description);
  if (status.exception !== undefined) size += 1 + sizeNested(sizes, status.exception, sizeException);
  return size + unknownSize(status.$unknown);
}

function writeStatus(w: WireWriter, status: StatusProto): void {
  if (status.code != 0) {
    w.buf[w.pos++] = 0x08;
    int32Size(status.code);
    w.int32(status.code);
  }
  writeStringField(w, 0x12, status.description);
  if (status.exception !== undefined) {
    w.buf[w.pos++] = 0x1a;
    const mark = w.open(Kind.exception);
    writeException(w, status.exception);
    w.close(mark, Kind.exception);
  }
  writeUnknown(w, status.$unknown);
}

function sizeException(_sizes: number[], exception: StatusProto_ExceptionProto): number {
  let size = stringFieldSize(exception.name);
  for (const arg of exception.args) size += 1 + delimitedSize(utf8Length(arg));
  for (const stack of exception.stacks) size += 1 + delimitedSize(utf8Length(stack));
  return size + stringFieldSize(exception.executor) + unknownSize(exception.$unknown);
}

function writeException(w: WireWriter, exception: StatusProto_ExceptionProto): void {
  writeStringField(w, 0x0a, exception.name);
  for (const arg of exception.args) {
    w.buf[w.pos++] = 0x12;
    writeString(w, arg);
  }
  for (const stack of exception.stacks) {
    w.buf[w.pos++] = 0x1a;
    writeString(w, stack);
  }
  writeStringField(w, 0x22, exception.executor);
  writeUnknown(w, exception.$unknown);
}

function sizeRoute(sizes: number[], route: RouteProto): number {
  let size = stringFieldSize(route.executor);
  if (route.startTime !== undefined) size += 1 + sizeNested(sizes, route.startTime, sizeTimestamp);
  if (route.endTime !== undefined) size += 1 + sizeNested(sizes, route.endTime, sizeTimestamp);
  if (route.status !== undefined) size += 1 + sizeNested(sizes, route.status, sizeStatus);
  return size + unknownSize(route.$unknown);
}

function writeRoute(w: WireWriter, route: RouteProto): void {
  writeStringField(w, 0x0a, route.executor);
  for (const [tag, time] of [[0x12, route.startTime], [0x1a, route.endTime]] as const) {
    if (time === undefined) continue;
    w.buf[w.pos++] = tag;
    const mark = w.open(Kind.timestamp);
    writeTimestamp(w, time);
    w.close(mark, Kind.timestamp);
  }
  if (route.status !== undefined) {
    w.buf[w.pos++] = 0x22;
    const mark = w.open(Kind.status);
    writeStatus(w, route.status);
    w.close(mark, Kind.status);
  }
  writeUnknown(w, route.$unknown);
}

function sizeTimestamp(_sizes: number[], time: Timestamp): number {
  let size = time.seconds != 0n ? 1 + int64Size(BigInt(time.seconds)) : 0;
  if (time.nanos != 0) size += 1 + int32Size(time.nanos);
  return size + unknownSize(time.$unknown);
}

function writeTimestamp(w: WireWriter, time: Timestamp): void {
  if (time.seconds != 0n) {
    w.buf[w.pos++] = 0x08;
    const seconds = BigInt(time.seconds);
    int64Size(seconds);
    w.varint64(seconds);
  }
  if (time.nanos != 0) {
    w.buf[w.pos++] = 0x10;
    int32Size(time.nanos);
    w.int32(time.nanos);
  }
  writeUnknown(w, time.$unknown);
}

function int32Size(value: number): number {
  if (!(Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff)) throw new TypeError(`invalid int32: ${value}`);
  return value < 0 ? 10 : varintSize(value);
}

const int64Min = -(2n ** 63n);
const int64End = 2n ** 63n;

function int64Size(value: bigint): number {
  // Timestamps' seconds: a safe integer, sized with numbers (no bigint arithmetic per call).
  if (value >= 0n && value <= 0x1fffffffffffffn) return varint64Size(Number(value));
  if (value < int64Min || value >= int64End) throw new TypeError(`invalid int64: ${value}`);
  if (value < 0n) return 10;
  let v = value;
  let size = 1;
  while (v > 0x7fn) {
    v >>= 7n;
    size++;
  }
  return size;
}

/** The varint size of a non-negative safe integer (up to 2^53, eight bytes). */
function varint64Size(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}
