/**
 * docarray/wire/validate.ts: `decodesAs` says true only for bytes protobuf-es decodes without an error (the
 * executor then skips building documents its handler never reads), and true for what our encoders write, so that
 * the check actually spares the decode. Random requests, and the same bytes mutated (truncated, bytes flipped,
 * inserted, deleted): every `true` must decode.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { decodeDataContent } from "../../docarray/wire/codec.ts";
import { decodesAs } from "../../docarray/wire/validate.ts";
import { DataRequestProto_DataContentProtoSchema } from "../../proto/gen/jina_pb.ts";
import { createRng, fuzzSeed } from "../fuzz/_corpus.ts";
import { randomRequest } from "./_random-request.ts";

const schema = DataRequestProto_DataContentProtoSchema;

function decodes(bytes: Uint8Array): boolean {
  try {
    fromBinary(schema, bytes);
    decodeDataContent(bytes);
    return true;
  } catch {
    return false;
  }
}

function mutate(rng: ReturnType<typeof createRng>, bytes: Uint8Array): Uint8Array {
  const out = Array.from(bytes);
  const at = rng.int(out.length + 1);
  switch (rng.int(4)) {
    case 0:
      return Uint8Array.from(out.slice(0, at));
    case 1:
      if (out.length) out[Math.min(at, out.length - 1)] = rng.int(256);
      return Uint8Array.from(out);
    case 2:
      out.splice(at, 0, ...rng.bytes(1 + rng.int(3)));
      return Uint8Array.from(out);
    default:
      out.splice(at, 1 + rng.int(3));
      return Uint8Array.from(out);
  }
}

test("what the encoders write is taken as it is; every byte string it takes decodes (random requests, mutated)", () => {
  const rng = createRng(fuzzSeed("wire-validate"));
  let taken = 0;
  let mutatedTaken = 0;
  for (let i = 0; i < 300; i++) {
    const request = randomRequest(rng);
    if (!request.data) continue;
    const bytes = toBinary(schema, request.data);
    if (decodesAs(schema, bytes)) taken++;
    for (let m = 0; m < 10; m++) {
      let mutated = mutate(rng, bytes);
      if (rng.chance(0.3)) mutated = mutate(rng, mutated);
      if (decodesAs(schema, mutated)) {
        mutatedTaken++;
        assert.ok(decodes(mutated), `seed ${rng.seed}: decodesAs said yes to bytes that do not decode: ${Buffer.from(mutated).toString("hex")}`);
      }
    }
  }
  assert.ok(taken >= 250, `only ${taken} of ~300 encoded requests taken as they are`);
  assert.ok(mutatedTaken > 100, `mutations taken: ${mutatedTaken}`);
});

test("refused: docs_bytes at the top when asked, a known field with another wire type, bad UTF-8 in a string, groups, overruns", () => {
  assert.ok(decodesAs(schema, Uint8Array.of(0x0a, 0)), "an empty DocumentArrayProto");
  assert.ok(decodesAs(schema, Uint8Array.of(0x12, 1, 0x80)), "docs_bytes is bytes");
  assert.not.ok(decodesAs(schema, Uint8Array.of(0x12, 1, 0x80), [2]), "refused when asked");
  assert.not.ok(decodesAs(schema, Uint8Array.of(0x08, 1)), "docs (field 1) as a varint");
  const doc = (payload: number[]) => Uint8Array.of(0x0a, payload.length + 2, 0x0a, payload.length, ...payload);
  assert.ok(decodesAs(schema, doc([0x0a, 2, 0x68, 0x69])), "a document with id 'hi'");
  assert.ok(decodesAs(schema, doc([0x0a, 2, 0xc3, 0xa9])), "id 'é' (valid UTF-8)");
  assert.not.ok(decodesAs(schema, doc([0x0a, 2, 0xc3, 0x28])), "invalid UTF-8 in id");
  assert.not.ok(decodesAs(schema, doc([0x0b, 0x0c])), "a group");
  assert.not.ok(decodesAs(schema, doc([0x0a, 5, 0x68])), "a string longer than its message");
  assert.ok(decodesAs(schema, doc([0xf8, 0x07, 0x01])), "an unknown varint field (127) is skipped");
  assert.not.ok(decodes(doc([0x0a, 2, 0xc3, 0x28])), "protobuf-es refuses the bad UTF-8 too");
});

test.run();
