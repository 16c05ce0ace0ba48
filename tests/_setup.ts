/**
 * Shared test helpers: which runtime runs this suite, and skipping a test on a runtime by name with a reason.
 *
 * @example
 * ```ts
 * import { test } from "../_uvu.ts";
 * import { skipOn } from "../_setup.ts";
 * skipOn(test, ["bun"], "sends SIGKILL to a child", async () => { ... });
 * ```
 */
import type { Test } from "uvu";
import { JinaError } from "../proto/errors.ts";
import { runtimeName, type RuntimeName } from "../runtime/mod.ts";

export { runtimeName };

/**
 * Registers `fn` as test `name`, unless this runtime is in `runtimes`: then the test is skipped and a line
 * `skip <runtime> <name>: <reason>` is printed, which the test runner collects.
 */
export function skipOn(test: Test, runtimes: RuntimeName[], name: string, reason: string, fn: () => unknown): void {
  const current = runtimeName();
  if (runtimes.includes(current)) {
    console.log(`skip ${current} ${name}: ${reason}`);
    test.skip(name, fn as () => void);
  } else {
    test(name, fn as () => void);
  }
}

/** Awaits `promise`, asserts that it rejects with a JinaError, and returns that error. */
export async function rejection(promise: Promise<unknown>): Promise<JinaError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof JinaError)) throw new Error(`expected a JinaError, got ${String(error)}`);
    return error;
  }
  throw new Error("expected a rejection");
}

/**
 * Registers `fn` as test `name`, unless `reason` is a string (why it cannot run here): then the test is skipped and
 * a line `skip <runtime> <name>: <reason>` is printed, which the test runner collects.
 */
export function skipIf(test: Test, reason: string | undefined, name: string, fn: () => unknown): void {
  if (reason === undefined) {
    test(name, fn as () => void);
    return;
  }
  console.log(`skip ${runtimeName()} ${name}: ${reason}`);
  test.skip(name, fn as () => void);
}
