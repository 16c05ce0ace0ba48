/**
 * `jina-ts ping executor|gateway|flow ADDRESS`: Jina's readiness check (see `cli/ping.ts`).
 *
 * @module
 */
import { CliUsageError, type CliFlags, formatUsage, parseCommandArgs } from "./command.ts";

/** The command's name. */
export const name = "ping";

/** One line for `jina-ts --help`. */
export const summary = "checks that an executor, gateway or flow is ready";

/** Every flag. */
export const flags: CliFlags = {
  timeout: { value: "MS", help: "the deadline of one attempt", default: "3000" },
  attempts: { value: "N", help: "how many attempts", default: "1" },
  "min-successful-attempts": { value: "N", help: "how many attempts must succeed for exit code 0", default: "1" },
};

/** `jina-ts ping --help`. */
export const usage = formatUsage(
  "jina-ts ping executor|gateway|flow ADDRESS [flags]",
  "ADDRESS: host:port (gRPC), grpc://, grpcs://, http:// or https:// followed by host:port.\n" +
    "executor and gateway ask gRPC health (or GET / over HTTP); flow sends one empty request through the flow.\n" +
    "Exits 0 when ready, 1 otherwise.",
  flags,
);

function count(flag: string, value: string | boolean | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new CliUsageError(`--${flag} must be a positive integer, got "${value}"`);
  return number;
}

/**
 * Pings; resolves 0 when enough attempts succeeded, 1 otherwise.
 *
 * @example
 * ```ts
 * const code = await run(["executor", "127.0.0.1:8081", "--attempts", "3"]);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(name, args, flags);
  const [target, address] = positionals;
  if (target !== "executor" && target !== "gateway" && target !== "flow" || !address) {
    throw new CliUsageError("jina-ts ping needs a target (executor, gateway or flow) and an address (see jina-ts ping --help)");
  }
  const { ping } = await import("./ping.ts");
  const ok = await ping(target, address, {
    timeoutMs: count("timeout", values.timeout),
    attempts: count("attempts", values.attempts),
    minSuccessfulAttempts: count("min-successful-attempts", values["min-successful-attempts"]),
  }, console.log);
  return ok ? 0 : 1;
}
