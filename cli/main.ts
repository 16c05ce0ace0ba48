#!/usr/bin/env node
/**
 * The `jina-ts` command: a registry of subcommands, one file each (`cli/<name>-command.ts`, see
 * {@link CliCommand}), in Jina's kebab-case flags. `jina-ts <command> --help` prints a command's every flag.
 *
 * To add a command: write `cli/<name>-command.ts` exporting `name`, `summary`, `usage` and `run`, import it
 * below and add it to `commands` (one line each).
 *
 * @example
 * ```sh
 * npx jina-ts executor --uses ./indexer.ts#Indexer --port 8081
 * npx jina-ts ping executor 127.0.0.1:8081
 * npx jina-ts flow --uses ./flow.ts
 * npx jina-ts executor --help
 * ```
 *
 * @module
 */
import { jinaTsVersion } from "../proto/server/version.ts";
import { commandArgs, exit } from "../runtime/process.ts";
import { type CliCommand, CliUsageError, wantsHelp } from "./command.ts";
import * as executor from "./executor-command.ts";
import * as exportCommand from "./export-command.ts";
import * as flow from "./flow-command.ts";
import * as gateway from "./gateway-command.ts";
import * as newCommand from "./new-command.ts";
import * as ping from "./ping-command.ts";
import * as post from "./post-command.ts";

/** Every subcommand, in the order `jina-ts --help` lists them. */
const commands: readonly CliCommand[] = [
  executor,
  gateway,
  flow,
  newCommand,
  ping,
  post,
  exportCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    `jina-ts ${jinaTsVersion}: Jina 3.x for TypeScript`,
    "",
    "usage: jina-ts <command> [flags]     (jina-ts <command> --help lists a command's flags)",
    "",
    "commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    "",
    "  --version, -v  prints the version",
    "  --help, -h     prints this help",
  ].join("\n");
}

async function main(argv: string[]): Promise<number | "serving"> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") {
    console.log(jinaTsVersion);
    return 0;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const command = commands.find((candidate) => candidate.name === rest[0]);
    console.log(command ? command.usage : overview());
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`jina-ts: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    console.log(command.usage);
    return 0;
  }
  return await command.run(rest);
}

try {
  const code = await main(commandArgs());
  if (code !== "serving") exit(code);
} catch (error) {
  // Only the commands load the protobuf-based JinaError; a usage mistake is printed without it.
  const message = error instanceof CliUsageError ? error.message : (await import("../proto/errors.ts")).JinaError.from(error).rawMessage;
  console.error(`jina-ts: ${message}`);
  exit(1);
}
