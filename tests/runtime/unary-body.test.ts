/**
 * The gRPC envelope readers: EnvelopeReader (proto/grpc-envelope.ts: messages as chunks arrive, for streams) and
 * UnaryBody (runtime/grpc-frame.ts: exactly one message, for unary calls on both ends), checked byte by byte and
 * chunk by chunk: views where a message lies in one chunk, the size bound before buffering, and each malformed body's
 * code and text.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError } from "@connectrpc/connect";
import { EnvelopeReader } from "../../proto/grpc-envelope.ts";
import { UnaryBody } from "../../runtime/grpc-frame.ts";

function envelope(message: number[], flags = 0, declared = message.length): number[] {
  return [flags, declared >>> 24, (declared >>> 16) & 0xff, (declared >>> 8) & 0xff, declared & 0xff, ...message];
}

/** `bytes` cut into chunks of `size` (the last one shorter). */
function chunks(bytes: number[], size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(Uint8Array.from(bytes.slice(at, at + size)));
  return out;
}

function errorOf(run: () => unknown): ConnectError {
  try {
    run();
  } catch (error) {
    return error as ConnectError;
  }
  throw new Error("expected a throw");
}

test("EnvelopeReader: messages come out whole and in order, whatever the chunk size", () => {
  const body = [...envelope([1, 2, 3]), ...envelope([]), ...envelope([9, 8], 1), ...envelope(Array.from({ length: 40 }, (_, i) => i))];
  for (const size of [1, 2, 4, 5, 6, 7, 13, body.length]) {
    const reader = new EnvelopeReader(1000);
    const seen: string[] = [];
    for (const chunk of chunks(body, size)) reader.push(chunk, (message, compressed) => seen.push(`${compressed ? "z" : ""}${[...message].join(",")}`));
    reader.end();
    assert.equal(seen, ["1,2,3", "", "z9,8", Array.from({ length: 40 }, (_, i) => i).join(",")], `chunks of ${size}`);
  }
});

test("EnvelopeReader: a message within one chunk is a view of it, not a copy", () => {
  const chunk = Uint8Array.from(envelope([7, 7, 7]));
  let message: Uint8Array | undefined;
  new EnvelopeReader(10).push(chunk, (bytes) => (message = bytes));
  assert.is(message!.buffer, chunk.buffer);
  assert.is(message!.byteOffset, 5);
});

test("EnvelopeReader: a length over the bound is refused from the envelope alone", () => {
  const reader = new EnvelopeReader(3);
  const error = errorOf(() => reader.push(Uint8Array.from(envelope([], 0, 4)), () => {}));
  assert.is(error.code, Code.ResourceExhausted);
  assert.match(error.message, "message size 4 is larger than configured readMaxBytes 3");
});

test("EnvelopeReader: undefined flags and a body ending within a message are INVALID_ARGUMENT", () => {
  const flags = errorOf(() => new EnvelopeReader(10).push(Uint8Array.from(envelope([1], 2)), () => {}));
  assert.is(flags.code, Code.InvalidArgument);
  assert.match(flags.message, "invalid envelope flags 2");
  const short = new EnvelopeReader(10);
  short.push(Uint8Array.from([0, 0, 0]), () => {});
  assert.match(errorOf(() => short.end()).message, "incomplete envelope (3 bytes)");
  const cut = new EnvelopeReader(10);
  cut.push(Uint8Array.from(envelope([1, 2, 3]).slice(0, 6)), () => {});
  const promised = errorOf(() => cut.end());
  assert.is(promised.code, Code.InvalidArgument);
  assert.match(promised.message, "promised 3 bytes in enveloped message, got 1 bytes");
});

test("UnaryBody: one message, from any chunking, with its compressed flag", () => {
  for (const size of [1, 3, 5, 6, 100]) {
    const body = new UnaryBody(100);
    for (const chunk of chunks(envelope([4, 5, 6], 1), size)) assert.ok(body.push(chunk));
    const { bytes, compressed } = body.message();
    assert.equal([...bytes], [4, 5, 6], `chunks of ${size}`);
    assert.is(compressed, true);
  }
  const empty = new UnaryBody(100);
  empty.push(Uint8Array.from(envelope([])));
  assert.is(empty.message().bytes.byteLength, 0);
});

test("UnaryBody: a message in one chunk keeps its envelope just before it (echoed without a copy)", () => {
  const chunk = Uint8Array.from(envelope([1, 2]));
  const body = new UnaryBody(100);
  body.push(chunk);
  const { bytes } = body.message();
  assert.is(bytes.buffer, chunk.buffer);
  assert.is(bytes.byteOffset, 5);
});

test("UnaryBody: over the bound fails at the first chunk that shows it, and drops the rest", () => {
  const body = new UnaryBody(10);
  const [head, ...rest] = chunks(envelope(Array.from({ length: 11 }, () => 1)), 5);
  assert.is(body.push(head!), false);
  assert.is(body.error?.code, Code.ResourceExhausted);
  for (const chunk of rest) assert.is(body.push(chunk), false);
  assert.is(errorOf(() => body.message()), body.error);
});

test("UnaryBody: no message, several, a cut one or bad flags are told once the body ended", () => {
  const cases: [number[], Code, string][] = [
    [[], Code.Unimplemented, "missing input message for unary method"],
    [[0, 0], Code.InvalidArgument, "incomplete envelope (2 bytes)"],
    [envelope([1, 2, 3]).slice(0, 7), Code.InvalidArgument, "promised 3 bytes in enveloped message, got 2 bytes"],
    [[...envelope([1]), ...envelope([2])], Code.InvalidArgument, "received extra input message for unary method"],
    [[...envelope([1]), 0, 0], Code.InvalidArgument, "received extra input message for unary method"],
    [envelope([1], 4), Code.InvalidArgument, "invalid envelope flags 4"],
  ];
  for (const [bytes, code, text] of cases) {
    const body = new UnaryBody(100);
    for (const chunk of chunks(bytes, 3)) assert.ok(body.push(chunk), "pushing never fails for these");
    const error = errorOf(() => body.message());
    assert.is(error.code, code, text);
    assert.match(error.message, text);
  }
});

test.run();
