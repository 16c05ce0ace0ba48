/**
 * The gRPC envelope scanner in front of Connect's handlers (issue 14, `maxDocs` before the decode): every message is
 * checked before the bytes that complete it go on, whatever the chunking, and a compressed one is decompressed,
 * checked and handed on uncompressed.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { envelopeScanner } from "../../runtime/grpc-message-check.ts";
import { grpcEnvelope } from "../../runtime/grpc-frame.ts";
import { createRng } from "../fuzz/_corpus.ts";

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip) as (bytes: Uint8Array, options: object) => Promise<Uint8Array>;

const envelope = (flags: number, message: Uint8Array): Uint8Array => new Uint8Array(grpcEnvelope(message, flags === 1)); // a plain array: uvu compares types
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) (out.set(part, at), at += part.length);
  return out;
};
/** Reads the envelopes of a body: [flags, message] each. */
function envelopes(body: Uint8Array): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  for (let at = 0; at < body.length; ) {
    const length = new DataView(body.buffer, body.byteOffset + at + 1, 4).getUint32(0);
    out.push([body[at]!, body.subarray(at + 5, at + 5 + length)]);
    at += 5 + length;
  }
  return out;
}

test("any chunking: each message checked once; compressed ones handed on uncompressed, the rest byte for byte", async () => {
  const rng = createRng(20261130);
  for (let round = 0; round < 200; round++) {
    const messages = Array.from({ length: 1 + rng.int(5) }, () => Uint8Array.from({ length: rng.int(3) === 0 ? 0 : rng.int(300) }, () => rng.int(256)));
    const compressed = messages.map((message) => message.length > 0 && rng.int(2) === 0);
    const body = concat(await Promise.all(messages.map(async (message, i) => envelope(compressed[i] ? 1 : 0, compressed[i] ? await gzip(message) : message))));
    const seen: Uint8Array[] = [];
    const scan = envelopeScanner((message) => void seen.push(message.slice()), 1 << 20, gunzip);
    const out: Uint8Array[] = [];
    for (let at = 0; at < body.length; ) {
      const size = 1 + rng.int(40);
      out.push(...(await scan(body.subarray(at, at + size))));
      at += size;
    }
    // (a compressed message is checked once decompressed, so possibly after a later uncompressed one)
    const sorted = (list: Uint8Array[]) => list.map((m) => m.join(",")).sort();
    assert.equal(sorted(seen), sorted(messages), `round ${round}: checked`);
    assert.equal(envelopes(concat(out)).map(([flags, m]) => [flags, [...m]]), messages.map((m) => [0, [...m]]), `round ${round}: handed on`);
  }
});

test("a check that throws stops the bytes that complete its message; an unchecked compressed message (too large) goes on as it came", async () => {
  const scan = envelopeScanner((message) => {
    if (message.length > 3) throw new Error("too many");
  }, 1 << 20, gunzip);
  const body = envelope(0, new Uint8Array(10));
  assert.equal(concat(await scan(body.subarray(0, 8))), body.subarray(0, 8), "the message's first bytes go on");
  assert.throws(() => scan(body.subarray(8)), /too many/);
  const big = await gzip(new Uint8Array(2000));
  const small = envelopeScanner(() => assert.unreachable("not checked: over maxBytes once decompressed"), 1000, gunzip);
  assert.equal(concat(await small(envelope(1, big))), envelope(1, big));
});

test.run();
