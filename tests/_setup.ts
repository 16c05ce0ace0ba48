/**
 * Shared test helpers: which runtime runs this suite, and skipping a test on a runtime by name with a reason.
 *
 * @example
 * ```ts
 * import { test } from "uvu";
 * import { skipOn } from "../_setup.ts";
 * skipOn(test, ["bun"], "sends SIGKILL to a child", async () => { ... });
 * ```
 */
import type { Test } from "uvu";
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
