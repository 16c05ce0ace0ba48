/**
 * `jina-ts executor --uses ./file.ts#Class …` (or `--uses executor.yml`, an Executor YAML): serves one executor
 * over gRPC (Jina's `jina executor`).
 *
 * @module
 */
import { executorFlags } from "../executor/flags.ts";
import { type CliFlags, formatUsage } from "./command.ts";

/** The command's name. */
export const name = "executor";

/** One line for `jina-ts --help`. */
export const summary = "serves one executor class over gRPC";

/** Every flag (the same table the executor process parses). */
export const flags: CliFlags = executorFlags;

/** `jina-ts executor --help`. */
export const usage = formatUsage(
  "jina-ts executor --uses ./file.ts#Class|executor.yml [flags]",
  "Serves one executor over gRPC until Ctrl-C. An Executor YAML (jtype, with, metas, requests, modules) gives the\n" +
    "class and its values; --uses-with, --uses-metas and --uses-requests override them key by key.\n" +
    " Prints `JINA_EXECUTOR_READY {\"port\":N}` (for programs) and\n" +
    "a line with its address (for people) once it serves.",
  flags,
);

/**
 * Serves the executor; resolves `"serving"` (the process runs until a signal).
 *
 * @example
 * ```ts
 * await run(["--uses", "./indexer.ts#Indexer", "--port", "0"]);
 * ```
 */
export async function run(args: string[]): Promise<"serving"> {
  const { runExecutor } = await import("../executor/run-executor.ts");
  await runExecutor(args);
  return "serving";
}
