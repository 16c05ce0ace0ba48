/**
 * The process entry point that serves one executor: what the Flow spawns for each replica, and what
 * `jina-ts executor` runs. See {@link runExecutor} for the flags and the lifecycle.
 *
 * @example
 * ```sh
 * npx tsx executor/main.ts --uses ./indexer.ts#Indexer --name indexer --port 0 --uses-with '{"dim":64}'
 * ```
 *
 * @module
 */
import { commandArgs } from "../runtime/process.ts";
import { runExecutor } from "./run-executor.ts";

await runExecutor(commandArgs());
