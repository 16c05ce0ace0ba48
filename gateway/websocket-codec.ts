/**
 * The frames of Jina's WebSocket gateway protocol, per subprotocol: `json` (text frames in the `/post` body shape,
 * `{}` ends the stream; answers are `dataRequestToJSON` text) and `bytes` (binary frames, each a serialized
 * `DataRequestProto`, a single `\x00` byte ends the stream; answers are serialized `DataRequestProto`s).
 *
 * @module
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { dataRequestToJSON, decodeDataRequest, encodeDataRequest } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { type DataRequestProto, DataRequestProtoSchema, type StatusProto, StatusProtoSchema } from "../proto/gen/jina_pb.ts";
import { offeredProtocols } from "../runtime/mod.ts";
import { parseRequestBody } from "./http-body.ts";
import { errorEcho } from "./http-errors.ts";

/**
 * The subprotocols of Jina's WebSocket gateway.
 *
 * @example
 * ```ts
 * const mode: WebSocketMode = "bytes"; // what Jina's Python client asks for
 * ```
 */
export type WebSocketMode = "json" | "bytes";

/**
 * One decoded frame: the end-of-stream marker, a request, or bad input (with the request when it was readable
 * enough to echo, e.g. its `header.requestId`).
 *
 * @example
 * ```ts
 * const frame: WebSocketFrame = decodeFrame("json", '{"data": [{"text": "hi"}]}', 1024);
 * if (frame.kind === "request") await gateway.handle(frame.request);
 * ```
 */
export type WebSocketFrame =
  | { kind: "end" }
  | { kind: "request"; request: DataRequestProto }
  | { kind: "invalid"; error: JinaError; request?: DataRequestProto };

const modes: readonly WebSocketMode[] = ["json", "bytes"];

/**
 * The subprotocol a client asked for in `Sec-WebSocket-Protocol`: the first of `json` / `bytes` it offered,
 * `json` when it offered none, or a JinaError (InvalidArgument) when it offered only others.
 *
 * @example
 * ```ts
 * webSocketModeOf(new Request("http://x/", { headers: { "sec-websocket-protocol": "bytes" } })); // "bytes"
 * ```
 */
export function webSocketModeOf(request: Request): WebSocketMode | JinaError {
  const offered = offeredProtocols(request);
  if (offered.length === 0) return "json";
  const mode = offered.find((protocol): protocol is WebSocketMode => modes.includes(protocol as WebSocketMode));
  return mode ?? new JinaError(
    `Unsupported WebSocket subprotocol(s) ${offered.map((p) => JSON.stringify(p)).join(", ")}: offer "json" or "bytes" in Sec-WebSocket-Protocol`,
    ErrorCode.InvalidArgument,
  );
}

/**
 * Decodes one frame of a mode. A frame over `maxBytes`, bad JSON, a body of the wrong shape, or bytes that are not
 * a DataRequestProto give `{ kind: "invalid" }` with a JinaError (InvalidArgument, or ResourceExhausted for size)
 * saying what was wrong. Never throws.
 *
 * @example
 * ```ts
 * decodeFrame("bytes", new Uint8Array([0]), 1024); // { kind: "end" }
 * decodeFrame("json", "{}", 1024); // { kind: "end" }
 * ```
 */
export function decodeFrame(mode: WebSocketMode, data: string | Uint8Array, maxBytes: number): WebSocketFrame {
  const size = typeof data === "string" ? (data.length * 3 > maxBytes ? new TextEncoder().encode(data).byteLength : data.length) : data.byteLength;
  if (size > maxBytes) {
    return invalid(
      new JinaError(
        `The frame of ${size} bytes is larger than maxRequestBytes (${maxBytes} bytes): send fewer documents per request or raise maxRequestBytes`,
        ErrorCode.ResourceExhausted,
      ),
    );
  }
  return mode === "json" ? decodeJson(data) : decodeBytes(data);
}

function decodeJson(data: string | Uint8Array): WebSocketFrame {
  let json: unknown;
  try {
    json = JSON.parse(typeof data === "string" ? data : new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch (error) {
    return invalid(new JinaError(`The frame is not valid JSON: ${(error as Error).message}`, ErrorCode.InvalidArgument, { cause: error }));
  }
  if (typeof json === "object" && json !== null && !Array.isArray(json) && Object.keys(json).length === 0) return { kind: "end" };
  try {
    return { kind: "request", request: parseRequestBody(json) };
  } catch (error) {
    const requestId = requestIdOf(json);
    return invalid(JinaError.from(error), requestId ? create(DataRequestProtoSchema, { header: { requestId } }) : undefined);
  }
}

function decodeBytes(data: string | Uint8Array): WebSocketFrame {
  if (typeof data === "string") {
    return invalid(new JinaError(`The "bytes" subprotocol takes binary frames (a serialized DataRequestProto), got a text frame`, ErrorCode.InvalidArgument));
  }
  if (data.byteLength === 1 && data[0] === 0) return { kind: "end" };
  try {
    return { kind: "request", request: decodeDataRequest(data) };
  } catch (error) {
    return invalid(
      new JinaError(`The binary frame is not a serialized DataRequestProto: ${(error as Error).message}`, ErrorCode.InvalidArgument, { cause: error }),
    );
  }
}

/** `header.requestId` / `header.request_id` of a body that failed to parse, to echo it. */
function requestIdOf(json: unknown): string | undefined {
  const header = (json as { header?: Record<string, unknown> } | null)?.header;
  const id = typeof header === "object" && header !== null ? (header.requestId ?? header.request_id) : undefined;
  return typeof id === "string" && id !== "" ? id : undefined;
}

function invalid(error: JinaError, request?: DataRequestProto): WebSocketFrame {
  return request ? { kind: "invalid", error, request } : { kind: "invalid", error };
}

/**
 * Encodes a response for a mode: `dataRequestToJSON` text, or a serialized DataRequestProto. A response that
 * cannot be turned into JSON is answered with an error carrying its request id.
 *
 * @example
 * ```ts
 * socket.send(encodeResponse("bytes", await gateway.handle(request)));
 * ```
 */
export function encodeResponse(mode: WebSocketMode, response: DataRequestProto): string | Uint8Array {
  if (mode === "bytes") return encodeDataRequest(response);
  try {
    return JSON.stringify(dataRequestToJSON(response));
  } catch (error) {
    const id = response.header?.requestId ?? "";
    return JSON.stringify(dataRequestToJSON(errorEcho(error, create(DataRequestProtoSchema, { header: { requestId: id } }))));
  }
}

/**
 * Encodes a dry-run status for a mode: the JSON `GET /dry_run` answers, or a serialized StatusProto (what Jina's
 * `ws /dry_run` sends and its Python client reads).
 *
 * @example
 * ```ts
 * socket.send(encodeStatus("json", await gateway.dryRun())); // '{"code":0,"description":""}'
 * ```
 */
export function encodeStatus(mode: WebSocketMode, status: StatusProto): string | Uint8Array {
  if (mode === "bytes") return toBinary(StatusProtoSchema, status);
  return JSON.stringify(dataRequestToJSON(create(DataRequestProtoSchema, { header: { status } })).header.status);
}
