/**
 * `jina-ts post ADDRESS --on /index --input docs.jsonl`: sends documents from a file to a running flow with the
 * Client, in requests of `--request-size`, showing progress on standard error; `--output` writes what came back.
 *
 * Input files: `.jsonl` (one document dict per line, Jina's HTTP shape), `.json` (a list of them), anything else
 * (one text document per non-empty line).
 *
 * @module
 */
import { type CliFlags, formatUsage } from "./command.ts";

/** The command's name. */
export const name = "post";

/** One line for `jina-ts --help`. */
export const summary = "sends documents from a file to a running flow, showing progress";

/** Every flag. */
export const flags: CliFlags = {
  on: { value: "ENDPOINT", help: "the endpoint", default: "/" },
  input: { value: "FILE", help: "the documents: .jsonl (a document dict per line), .json (a list), else one text per line; none: an empty request" },
  "request-size": { value: "N", help: "documents per request", default: "100" },
  protocol: { value: "PROTOCOL", help: "grpc, http, websocket or connect (default: from the address's scheme, else grpc)" },
  parameters: { value: "JSON", help: "a JSON object sent as the request's parameters" },
  "target-executor": { value: "REGEX", help: "only executors whose name matches" },
  output: { value: "FILE.jsonl", help: "write the documents that came back, one JSON per line" },
  results: { value: "FILE.json", help: "write parameters.__results__ (what executors returned besides documents) as JSON, instead of printing it" },
  quiet: { help: "no progress display" },
};

/** `jina-ts post --help`. */
export const usage = formatUsage(
  "jina-ts post ADDRESS [--input FILE] [--on /index] [flags]",
  "ADDRESS: host:port (gRPC), grpc://, grpcs://, http://, https://, ws:// or wss:// followed by host:port.\n" +
    "Progress goes to standard error; a summary line, and the executors' parameters.__results__ if any, to standard output.",
  flags,
);

/**
 * Runs the command and prints its summary; resolves 0.
 *
 * @example
 * ```ts
 * await run(["127.0.0.1:54321", "--on", "/status"]);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const { runPostCommand } = await import("./post.ts");
  console.log(await runPostCommand(args));
  return 0;
}

