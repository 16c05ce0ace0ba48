/**
 * uvu's `test`, with every failure made printable. uvu 0.5 formats a failure by splitting `error.details` as a string
 * and reading `error.name`; a `ConnectError` or `JinaError` (whose `details` is an array) or a thrown non-Error makes
 * that formatting throw, and uvu's runner then swallows it: the file reports "(0 / N)" with no ✘ and no message, and
 * the tests after it never run. Here each test and hook rethrows such a failure as a plain Error carrying the
 * original's name, code, message, details and stack. Test files import `test` from here, not from "uvu".
 *
 * @example
 * ```ts
 * import * as assert from "uvu/assert";
 * import { test } from "../_uvu.ts";
 *
 * test("adds", () => assert.is(1 + 1, 2));
 * test.run();
 * ```
 */
import { test as uvuTest, type Callback, type Test } from "uvu";

/** uvu's `test` (same API), whose failures always print their message. */
export const test: Test = printableTest(uvuTest);

function printableTest(base: Test): Test {
  const wrapped = ((name: string, fn: Callback) => base(name, guard(fn))) as Test;
  wrapped.only = (name, fn) => base.only(name, guard(fn));
  wrapped.skip = (name, fn) => base.skip(name, fn);
  wrapped.before = Object.assign((fn: Callback) => base.before(guard(fn)), {
    each: (fn: Callback) => base.before.each(guard(fn)),
  });
  wrapped.after = Object.assign((fn: Callback) => base.after(guard(fn)), {
    each: (fn: Callback) => base.after.each(guard(fn)),
  });
  wrapped.run = () => base.run();
  return wrapped;
}

function guard(fn: Callback): Callback {
  return async (context) => {
    try {
      await fn(context);
    } catch (error) {
      throw printable(error);
    }
  };
}

/**
 * `error` itself when uvu can format it (an Error whose `details`, if any, is a string); otherwise a plain Error
 * whose message names the original's class, code and details, with the original's stack.
 *
 * @example
 * ```ts
 * printable(new ConnectError("no", Code.Unavailable)).message;
 * // "ConnectError (code 14): [unavailable] no; details: []"
 * ```
 */
export function printable(error: unknown): Error {
  if (error instanceof Error && typeof error.name === "string") {
    const details: unknown = (error as { details?: unknown }).details;
    if (details === undefined || typeof details === "string") return error;
  }
  const fields = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const name = error instanceof Error ? error.constructor.name || error.name : typeof error;
  const code = fields["code"] === undefined ? "" : ` (code ${describeCode(fields["code"])})`;
  const message = error instanceof Error ? error.message : safeString(error);
  const details = fields["details"] === undefined ? "" : `; details: ${safeString(fields["details"])}`;
  const plain = new Error(`${name}${code}: ${message}${details}`, { cause: error });
  // uvu prints the message, then the stack from its first line break: the stack keeps the original's frames (after
  // its possibly multi-line message) behind a one-line head.
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const framesAt = stack.indexOf("\n    at ");
  if (framesAt >= 0) plain.stack = `Error: ${plain.message.replace(/\n/g, " ")}${stack.slice(framesAt)}`;
  return plain;
}

function describeCode(code: unknown): string {
  return typeof code === "number" || typeof code === "string" ? String(code) : safeString(code);
}

function safeString(value: unknown): string {
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? `${item}n` : item));
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}
