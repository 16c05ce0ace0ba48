/**
 * What a `jina-ts` subcommand is: one file `cli/<name>-command.ts` exporting {@link CliCommand}'s four members,
 * registered with one line in `cli/main.ts`. Flags are described once, in a {@link CliFlags} table: the same
 * table parses the arguments ({@link parseCommandArgs}) and writes the `--help` text ({@link formatUsage}), so
 * the help always lists every flag.
 *
 * Command files keep their top-level imports light (types, this file) and import the heavy modules inside `run`,
 * so `jina-ts --version` and `jina-ts <cmd> --help` start fast.
 *
 * @module
 */
import { parseArgs } from "node:util";

/**
 * A mistake in the command line (a bad flag or a missing argument): `jina-ts` prints its message on one line and
 * exits 1. Defined here, without the protobuf-based JinaError, so that parsing a command line loads nothing heavy.
 *
 * @example
 * ```ts
 * throw new CliUsageError("jina-ts flow needs --uses ./flow.ts (see jina-ts flow --help)");
 * ```
 */
export class CliUsageError extends Error {
  override name = "CliUsageError";
}

/**
 * One subcommand of `jina-ts`.
 *
 * @example
 * ```ts
 * // cli/hello-command.ts
 * export const name = "hello";
 * export const summary = "prints a greeting";
 * export const flags: CliFlags = { to: { value: "NAME", help: "whom to greet", default: "world" } };
 * export const usage = formatUsage("jina-ts hello [flags]", summary, flags);
 * export async function run(args: string[]): Promise<number> {
 *   const { values } = parseCommandArgs(name, args, flags);
 *   console.log(`hello ${values.to}`);
 *   return 0;
 * }
 * ```
 */
export interface CliCommand {
  /** The word after `jina-ts`. */
  readonly name: string;
  /** One line for `jina-ts --help`. */
  readonly summary: string;
  /** The full `jina-ts <name> --help` text: synopsis and every flag. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves with the exit code, or `"serving"` to keep running. */
  run(args: string[]): Promise<number | "serving">;
}

/**
 * One flag: `value` names its argument (absent: a boolean switch).
 *
 * @example
 * ```ts
 * const port: CliFlag = { value: "N", help: "the gRPC port (0: a free one)", default: "0" };
 * ```
 */
export interface CliFlag {
  /** The argument's placeholder (`N`, `FILE`, `JSON`); absent for a boolean switch. */
  value?: string;
  /** What the flag does. */
  help: string;
  /** The default, shown in the help (and applied by {@link parseCommandArgs}). */
  default?: string;
  /** A one-letter alias. */
  short?: string;
}

/**
 * A command's flags by their kebab-case name (without `--`).
 *
 * @example
 * ```ts
 * const flags: CliFlags = { quiet: { help: "no progress display" }, on: { value: "ENDPOINT", help: "…", default: "/" } };
 * ```
 */
export type CliFlags = Record<string, CliFlag>;

/**
 * The `--help` text: the synopsis, what the command does, and one line per flag (`--help` included).
 *
 * @example
 * ```ts
 * formatUsage("jina-ts ping executor|gateway|flow ADDRESS [flags]", "checks readiness", { timeout: { value: "MS", help: "deadline" } });
 * ```
 */
export function formatUsage(synopsis: string, description: string, flags: CliFlags): string {
  const rows = Object.entries({ ...flags, help: { help: "prints this help", short: "h" } as CliFlag }).map(([flag, spec]) => [
    `${spec.short ? `-${spec.short}, ` : "    "}--${flag}${spec.value ? ` ${spec.value}` : ""}`,
    `${spec.help}${spec.default !== undefined ? ` (default ${spec.default})` : ""}`,
  ] as const);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `usage: ${synopsis}`,
    "",
    description.replace(/^/gm, "  "),
    "",
    "flags:",
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
  ].join("\n");
}

/** The parsed arguments of a command: flag values (strings, or booleans for switches) and positionals. */
export interface ParsedCommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `args` against `flags` (strictly: an unknown flag is a {@link CliUsageError} naming `jina-ts <name> --help`).
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs("ping", ["executor", "h:1", "--timeout", "500"], { timeout: { value: "MS", help: "…" } });
 * ```
 */
export function parseCommandArgs(name: string, args: string[], flags: CliFlags): ParsedCommandArgs {
  try {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(Object.entries(flags).map(([flag, spec]) => [flag, {
        type: spec.value ? "string" as const : "boolean" as const,
        ...(spec.short ? { short: spec.short } : {}),
        ...(spec.default !== undefined && spec.value ? { default: spec.default } : {}),
      }])),
    });
    return { values: values as ParsedCommandArgs["values"], positionals };
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message} (see jina-ts ${name} --help)`);
  }
}

/**
 * Whether `args` ask for help (`--help` or `-h` anywhere).
 *
 * @example
 * ```ts
 * wantsHelp(["--uses", "x.ts#X", "--help"]); // true
 * ```
 */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}
