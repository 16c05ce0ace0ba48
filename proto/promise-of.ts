/**
 * One promise for a call that may answer at once: the shape of an `async` function's result, without its frame.
 *
 * @module
 */

/**
 * Calls `run(a, b, c[, d])`, which may answer at once or with a promise, and returns a promise of its answer, as an
 * `async` function would: a value is wrapped in one resolved promise (the only promise made), a native promise is
 * returned as it is, a thenable is adopted, and a throw becomes a rejection. The arguments are passed on one by one,
 * so a caller makes no closure and no argument array per call.
 *
 * @example
 * ```ts
 * const half = (n: number, round: boolean, log: boolean) => (round ? Math.round(n / 2) : Promise.resolve(n / 2));
 * await promiseOf(half, 3, true, false); // 2 (answered at once, wrapped in one promise)
 * await promiseOf(half, 3, false, false); // 1.5 (the function's own promise)
 * await promiseOf(JSON.parse, "{", undefined, undefined).catch((error: Error) => error.name); // "SyntaxError" (a throw, as a rejection)
 * ```
 */
export function promiseOf<T, A, B, C>(run: (a: A, b: B, c: C) => T | PromiseLike<T>, a: A, b: B, c: C): Promise<T>;
export function promiseOf<T, A, B, C, D>(run: (a: A, b: B, c: C, d: D) => T | PromiseLike<T>, a: A, b: B, c: C, d: D): Promise<T>;
export function promiseOf<T>(
  run: (a: unknown, b: unknown, c: unknown, d: unknown) => T | PromiseLike<T>,
  a: unknown,
  b: unknown,
  c: unknown,
  d?: unknown,
): Promise<T> {
  try {
    // A native promise comes back as it is; anything else gets the one promise of the call.
    return Promise.resolve(run(a, b, c, d));
  } catch (error) {
    return Promise.reject(error);
  }
}
