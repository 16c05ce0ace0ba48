/**
 * The listeners the server fast paths put on a raw node:http2 stream: shared functions that find their call on the
 * stream (a symbol property), so that nothing is made per call but the call itself.
 *
 * @module
 */
import type { OutgoingHttpHeaders, ServerHttp2Stream } from "node:http2";

/**
 * What a call is told of its stream.
 *
 * @example
 * ```ts
 * listenToStream(stream, { data: (chunk) => body.push(chunk), ended: () => answer(), closed: () => cancel() });
 * ```
 */
export interface StreamEvents {
  /** A chunk of the request body. */
  data(chunk: Buffer): void;
  /** The request body ended. */
  ended(): void;
  /** The stream closed (answered, reset by the client, or its session gone). */
  closed(): void;
}

const callOf = Symbol("jina-ts fast call");
const trailersOf = Symbol("jina-ts fast call trailers");
const trackedIn = Symbol("jina-ts fast call tracked in");
type CallStream = ServerHttp2Stream & { [callOf]: StreamEvents; [trailersOf]: OutgoingHttpHeaders; [trackedIn]?: Set<unknown> };

function streamOnData(this: CallStream, chunk: Buffer): void {
  this[callOf].data(chunk);
}
function streamOnEnd(this: CallStream): void {
  this[callOf].ended();
}
function streamOnClose(this: CallStream): void {
  this[trackedIn]?.delete(this);
  this[callOf].closed();
}
function streamOnWantTrailers(this: CallStream): void {
  this.sendTrailers(this[trailersOf]);
}
/** A stream's errors also close it, which is where the call learns of them. */
function streamOnError(): void {}

/**
 * Hands `stream`'s body chunks, its end and its close to `call`.
 *
 * @example
 * ```ts
 * listenToStream(stream, call);
 * ```
 */
export function listenToStream(stream: ServerHttp2Stream, call: StreamEvents): void {
  (stream as CallStream)[callOf] = call;
  stream.on("data", streamOnData);
  stream.on("end", streamOnEnd);
  stream.on("close", streamOnClose);
  stream.on("error", streamOnError);
}

/**
 * Keeps `stream` in `open` until it closes, with the close listener {@link listenToStream} put on it (no listener of
 * its own: each costs, on Bun most of all). Call after `listenToStream`.
 *
 * @example
 * ```ts
 * if (fast(stream, headers)) trackUntilClosed(stream, open);
 * ```
 */
export function trackUntilClosed(stream: ServerHttp2Stream, open: Set<unknown>): void {
  if (stream.closed) return;
  (stream as CallStream)[trackedIn] = open;
  open.add(stream);
}

/**
 * The call {@link listenToStream} gave `stream`, if any.
 *
 * @example
 * ```ts
 * const underway = callOfStream(stream) instanceof StreamCall;
 * ```
 */
export function callOfStream(stream: ServerHttp2Stream): StreamEvents | undefined {
  return (stream as Partial<CallStream>)[callOf];
}

/**
 * Sends `trailers` when the stream asks for them (a stream answered with `waitForTrailers`); call before `end()`.
 *
 * @example
 * ```ts
 * stream.respond(head, { waitForTrailers: true });
 * sendTrailersWhenWanted(stream, { "grpc-status": "0" });
 * stream.end(frame);
 * ```
 */
export function sendTrailersWhenWanted(stream: ServerHttp2Stream, trailers: OutgoingHttpHeaders): void {
  const call = stream as CallStream;
  // `on`, not `once` (a wrapper per call): it is emitted once per stream; a second call only replaces the trailers.
  if (call[trailersOf] === undefined) stream.on("wantTrailers", streamOnWantTrailers);
  call[trailersOf] = trailers;
}
