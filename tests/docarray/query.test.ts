import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { DocumentArray, type QueryFilter } from "../../docarray/mod.ts";

const docs = new DocumentArray([
  { id: "a", text: "apple pie", tags: { price: 10, kind: "fruit", nested: { level: 1 }, list: [1, 2, 3], limit: 10 } },
  { id: "b", text: "banana", tags: { price: 50, kind: "fruit", nested: { level: 2 }, list: [], limit: 40 } },
  { id: "c", text: "carrot", tags: { price: 30, kind: "veg", list: [1], limit: 30 }, uri: "file://c" },
  { id: "d", tags: { price: 70, kind: null }, matches: [{ id: "m" }] },
]);

const ids = (filter: QueryFilter) => docs.find(filter).ids;

test("comparison operators", () => {
  assert.equal(ids({ tags__kind: { $eq: "veg" } }), ["c"]);
  assert.equal(ids({ tags__kind: "veg" }), ["c"], "a plain value means $eq");
  assert.equal(ids({ tags__kind: { $ne: "fruit" } }), ["c", "d"]);
  assert.equal(ids({ tags__kind: { $neq: "fruit" } }), ["c", "d"]);
  assert.equal(ids({ tags__price: { $gt: 30 } }), ["b", "d"]);
  assert.equal(ids({ tags__price: { $gte: 30 } }), ["b", "c", "d"]);
  assert.equal(ids({ tags__price: { $lt: 30 } }), ["a"]);
  assert.equal(ids({ tags__price: { $lte: 30 } }), ["a", "c"]);
  assert.equal(ids({ text: { $gt: "b" } }), ["b", "c"], "strings compare lexicographically");
  assert.equal(ids({ tags__list: { $eq: [1] } }), ["c"], "lists compare deeply");
});

test("membership, regex, size and exists", () => {
  assert.equal(ids({ id: { $in: ["a", "d", "z"] } }), ["a", "d"]);
  assert.equal(ids({ id: { $nin: ["a", "d"] } }), ["b", "c"]);
  assert.equal(ids({ text: { $regex: "an" } }), ["b"]);
  assert.equal(ids({ text: { $regex: "^(apple|carrot)" } }), ["a", "c"]);
  assert.equal(ids({ tags__list: { $size: 1 } }), ["c"]);
  assert.equal(ids({ matches: { $size: 1 } }), ["d"]);
  assert.equal(ids({ tags__nested: { $exists: true } }), ["a", "b"]);
  assert.equal(ids({ tags__kind: { $exists: false } }), ["d"], "null counts as missing");
  assert.equal(ids({ uri: { $exists: true } }), ["c"], "an empty string field counts as missing");
  assert.equal(ids({ text: { $exists: false } }), ["d"]);
});

test("nested paths, several operators ANDed, several fields ANDed", () => {
  assert.equal(ids({ tags__nested__level: 2 }), ["b"]);
  assert.equal(ids({ tags__price: { $gt: 10, $lt: 70 } }), ["b", "c"]);
  assert.equal(ids({ tags__kind: "fruit", tags__price: { $gte: 50 } }), ["b"]);
  assert.equal(ids({ matches__0__id: "m" }), ["d"]);
});

test("logical $and, $or, $not, nested", () => {
  assert.equal(ids({ $and: [{ tags__kind: "fruit" }, { tags__price: { $lt: 20 } }] }), ["a"]);
  assert.equal(ids({ $or: [{ id: "a" }, { tags__price: { $gte: 70 } }] }), ["a", "d"]);
  assert.equal(ids({ $not: { tags__kind: "fruit" } }), ["c", "d"]);
  assert.equal(ids({ tags__price: { $not: { $gt: 30 } } }), ["a", "c"]);
  assert.equal(
    ids({ $or: [{ $and: [{ tags__kind: "fruit" }, { $not: { id: "a" } }] }, { $and: [{ tags__kind: "veg" }, { tags__price: { $in: [30] } }] }] }),
    ["b", "c"],
  );
});

test("{field} substitution compares with another field of the same document", () => {
  assert.equal(ids({ tags__price: { $eq: "{tags__limit}" } }), ["a", "c"]);
  assert.equal(ids({ tags__price: { $gt: "{tags__limit}" } }), ["b"]);
});

test("an unknown or malformed operator throws InvalidArgument naming it", () => {
  const rejects = (filter: QueryFilter, message: string) => {
    try {
      docs.find(filter);
      assert.unreachable(message);
    } catch (error) {
      assert.instance(error, JinaError);
      assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
      assert.is((error as JinaError).rawMessage, message);
    }
  };
  rejects({ tags__price: { $between: [1, 2] } }, 'unknown query operator "$between" at filter.tags__price: use one of $eq, $ne, $neq, $gt, $gte, $lt, $lte, $in, $nin, $regex, $size, $exists, $not');
  rejects({ $nor: [] }, 'unknown query operator "$nor" at filter: use one of $and, $or, $not');
  rejects({ $or: [{ a: { $like: 1 } }] }, 'unknown query operator "$like" at filter.$or[0].a: use one of $eq, $ne, $neq, $gt, $gte, $lt, $lte, $in, $nin, $regex, $size, $exists, $not');
  rejects({ id: { $in: "a" } }, 'filter.id.$in: expected a list, got "a"');
  rejects({ $and: { id: "a" } }, 'filter.$and: expected a list of filters, got {"id":"a"}');
  rejects({ text: { $regex: "(" } }, 'filter.text.$regex: invalid regular expression "(": ' + regexError("("));
  rejects({ text: { $exists: 1 } }, "filter.text.$exists: expected true or false, got 1");
  rejects({ text: { $eq: 1, plain: 2 } }, 'filter.text: expected either operators ($eq, $gt …) or a plain value, not both, got {"$eq":1,"plain":2}');
});

function regexError(pattern: string): string {
  try {
    new RegExp(pattern);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

test.run();
