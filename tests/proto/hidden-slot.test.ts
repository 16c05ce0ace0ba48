/**
 * Hidden slots (proto/hidden-slot.ts): a value per object that no key listing, copy or encoder sees.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { hiddenSlot } from "../../proto/hidden-slot.ts";

test("a slot keeps its value on the object itself, and only there", () => {
  const slot = hiddenSlot<number>();
  const target = { a: 1 };
  assert.is(slot.get(target), undefined);
  slot.set(target, 7);
  assert.is(slot.get(target), 7);
  slot.set(target, 8);
  assert.is(slot.get(target), 8);
  assert.is(slot.get({ ...target }), undefined, "a spread copy has no value");
  assert.is(slot.get(structuredClone(target)), undefined);
  slot.set(target, undefined);
  assert.is(slot.get(target), undefined, "undefined clears it");
});

test("nothing lists the slot: keys, symbols, JSON and equality are as before", () => {
  const slot = hiddenSlot<string>();
  const target = { a: 1, b: [2] };
  slot.set(target, "hidden");
  assert.equal(Reflect.ownKeys(target), ["a", "b"]);
  assert.is(JSON.stringify(target), '{"a":1,"b":[2]}');
  assert.equal(target, { a: 1, b: [2] });
  assert.equal({ ...target }, { a: 1, b: [2] });
});

test("clearing a value never set leaves nothing behind, and a later value is kept (extensible or frozen)", () => {
  const slot = hiddenSlot<number>();
  for (const target of [{ a: 1 }, Object.freeze({ a: 1 })]) {
    slot.set(target, undefined);
    assert.is(slot.get(target), undefined);
    slot.set(target, 5);
    assert.is(slot.get(target), 5);
    slot.set(target, undefined);
    assert.is(slot.get(target), undefined);
  }
});

test("two slots are independent", () => {
  const first = hiddenSlot<number>();
  const second = hiddenSlot<number>();
  const target = {};
  first.set(target, 1);
  assert.is(second.get(target), undefined);
  second.set(target, 2);
  assert.is(first.get(target), 1);
  assert.is(second.get(target), 2);
});

test("frozen, sealed and non-extensible objects take a value too", () => {
  const slot = hiddenSlot<number>();
  for (const target of [Object.freeze({ a: 1 }), Object.seal({ a: 1 }), Object.preventExtensions({ a: 1 })]) {
    assert.is(slot.get(target), undefined);
    slot.set(target, 3);
    assert.is(slot.get(target), 3);
    slot.set(target, undefined);
    assert.is(slot.get(target), undefined);
  }
});

test("a value set before an object is frozen stays readable and writable", () => {
  const slot = hiddenSlot<number>();
  const target = { a: 1 };
  slot.set(target, 1);
  Object.freeze(target);
  assert.is(slot.get(target), 1);
  slot.set(target, 2);
  assert.is(slot.get(target), 2);
});

test.run();
