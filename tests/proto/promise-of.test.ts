/**
 * `promiseOf` (proto/promise-of.ts): a call that may answer at once gives one promise, as an `async` function's
 * would: a value resolved, the function's own native promise returned as it is, a thenable adopted, a throw a
 * rejection (never a synchronous throw), the arguments passed on in order.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { promiseOf } from "../../proto/promise-of.ts";

test("a value answered at once resolves the promise, with the arguments passed on in order", async () => {
  const seen: unknown[][] = [];
  const join = (a: string, b: number, c: boolean, d: string) => (seen.push([a, b, c, d]), `${a}${b}${c}${d}`);
  const answer = promiseOf(join, "x", 1, true, "z");
  assert.instance(answer, Promise);
  assert.equal(seen, [["x", 1, true, "z"]], "called at once, before the promise settles");
  assert.is(await answer, "x1truez");
  assert.is(await promiseOf((a: number, b: number, c: number) => a + b + c, 1, 2, 3), 6, "three arguments");
});

test("the function's own promise is returned as it is; a thenable is adopted", async () => {
  const own = Promise.resolve("later");
  assert.is(promiseOf(() => own, undefined, undefined, undefined), own);
  const thenable = { then: (resolve: (value: string) => void) => resolve("adopted") } as unknown as PromiseLike<string>;
  assert.is(await promiseOf(() => thenable, undefined, undefined, undefined), "adopted");
});

test("a throw becomes a rejection with the same error; a rejection passes through", async () => {
  const boom = new Error("boom");
  let answer: Promise<never> | undefined;
  assert.not.throws(() => {
    answer = promiseOf(() => {
      throw boom;
    }, undefined, undefined, undefined);
  });
  assert.is(await answer!.catch((error: unknown) => error), boom);
  const refused = new Error("refused");
  assert.is(await promiseOf(() => Promise.reject(refused), 1, 2, 3).catch((error: unknown) => error), refused);
});

test.run();
