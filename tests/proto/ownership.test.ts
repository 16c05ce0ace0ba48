/**
 * Request ownership (proto/ownership.ts): the mark that lets an in-process executor change a request in place.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import { isOwned, markOwned } from "../../proto/ownership.ts";

test("markOwned marks the object itself: a spread or a clone of it is not owned", () => {
  const request = create(DataRequestProtoSchema, { header: { requestId: "r" } });
  assert.is(isOwned(request), false);
  assert.is(markOwned(request), request);
  assert.ok(isOwned(request));
  assert.ok(isOwned(markOwned(request)), "marking twice keeps it owned");
  assert.is(isOwned({ ...request }), false, "a copy is not what the holder handed on");
  assert.is(isOwned(structuredClone(request)), false);
});

test("the mark is invisible to keys, JSON, equality and the encoder", () => {
  const plain = create(DataRequestProtoSchema, { header: { requestId: "r" } });
  const marked = markOwned(create(DataRequestProtoSchema, { header: { requestId: "r" } }));
  assert.equal(Object.keys(marked), Object.keys(plain));
  assert.is(JSON.stringify(marked), JSON.stringify(plain));
  assert.equal(marked, plain);
  assert.equal(toBinary(DataRequestProtoSchema, marked), toBinary(DataRequestProtoSchema, plain));
});

test("a frozen request can be marked too", () => {
  const frozen = Object.freeze(create(DataRequestProtoSchema, { header: { requestId: "r" } }));
  assert.is(isOwned(frozen), false);
  assert.is(markOwned(frozen), frozen);
  assert.ok(isOwned(frozen));
  assert.is(isOwned(Object.freeze({ ...frozen })), false);
});

test.run();
