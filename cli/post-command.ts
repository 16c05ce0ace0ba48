/**
 * `jina-ts post ADDRESS --on /index --input docs.jsonl`: sends documents from a file to a running flow with the
 * Client, in requests of `--request-size`, showing progress on standard error; `--output` writes what came back.
 *
 * Input files: `.jsonl` (one document dict per line, Jina's HTTP shape), `.json` (a list of them), anything else
 * (one text document per non-empty line).
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { ClientProtocol } from "../client/mod.ts";
import type { DocumentArray as DocumentArrayClass } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { readText, stderrIsTerminal, writeStderr, writeText } from "../runtime/mod.ts";
import { parseAddress } from "./address.ts";
import { type CliFlags, formatUsage, parseCommandArgs } from "./command.ts";
import { createProgress } from "./progress.ts";

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
 * Runs `jina-ts post` with the arguments after `post`; resolves with what it prints: a summary line, then
 * `parameters.__results__` as JSON when executors returned any (unless `--results FILE` writes them).
 *
 * @example
 * ```ts
 * const summary = await runPostCommand(["127.0.0.1:54321", "--on", "/index", "--input", "docs.jsonl"]);
 * ```
 */
export async function runPostCommand(args: string[]): Promise<string> {
  const { values: raw, positionals } = parseCommandArgs(name, args, flags);
  const values = raw as Record<string, string | undefined> & { quiet?: boolean };
  const [addressText] = positionals;
  if (!addressText) throw invalid("jina-ts post needs an address (see jina-ts post --help)");
  const [{ Client }, { DocumentArray, docsOf }] = await Promise.all([import("../client/mod.ts"), import("../docarray/mod.ts")]);
  const address = parseAddress(addressText);
  const docs = values.input ? readDocuments(values.input, DocumentArray) : undefined; // none: one empty request, as Jina sends
  const on = values.on ?? "/";
  const client = new Client({
    host: address.host,
    port: address.port,
    protocol: (values.protocol ?? address.scheme) as ClientProtocol,
    tls: address.tls,
  });
  const progress = values.quiet
    ? undefined
    : createProgress({ label: on, total: docs?.length ?? 0, write: writeStderr, redraw: stderrIsTerminal() });
  const results: JsonObject = {};
  try {
    const returned = await client.post(on, docs, {
      ...(values["request-size"] ? { requestSize: Number(values["request-size"]) } : {}),
      ...(values.parameters ? { parameters: parseJsonObject(values.parameters) } : {}),
      ...(values["target-executor"] ? { targetExecutor: values["target-executor"] } : {}),
      onAlways: (response) => {
        progress?.add(docsOf(response).length);
        const part = response.parameters?.["__results__"];
        if (part && typeof part === "object" && !Array.isArray(part)) Object.assign(results, part);
      },
    });
    progress?.finish();
    if (values.output) writeText(values.output, returned.toJSON().map((doc) => JSON.stringify(doc)).join("\n") + "\n");
    if (values.results) writeText(values.results, JSON.stringify(results, null, 2) + "\n");
    const summary = `${on}: sent ${docs?.length ?? 0} documents to ${client.address}, ${returned.length} came back` +
      (values.output ? ` (written to ${values.output})` : "") +
      (values.results ? ` (results written to ${values.results})` : "");
    const printed = !values.results && Object.keys(results).length > 0 ? `\n${JSON.stringify(results, null, 2)}` : "";
    return summary + printed;
  } finally {
    client.close();
  }
}

/**
 * Runs the command and prints its summary; resolves 0.
 *
 * @example
 * ```ts
 * await run(["127.0.0.1:54321", "--on", "/status"]);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  console.log(await runPostCommand(args));
  return 0;
}

function readDocuments(path: string, DocumentArray: typeof DocumentArrayClass): DocumentArrayClass {
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    throw invalid(`--input: cannot read ${JSON.stringify(path)} (${(error as Error).message})`);
  }
  if (path.endsWith(".json")) return DocumentArray.fromJSON(parseJson(text, path));
  const lines = text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  if (path.endsWith(".jsonl")) {
    return DocumentArray.fromJSON(lines.map((line, index) => parseJson(line, `${path} line ${index + 1}`)));
  }
  return new DocumentArray(lines.map((line) => ({ text: line })));
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}

function parseJsonObject(text: string): JsonObject {
  const value = parseJson(text, "--parameters");
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(`--parameters must be a JSON object, got ${text}`);
  return value as JsonObject;
}

function invalid(message: string): JinaError {
  return new JinaError(message, ErrorCode.InvalidArgument);
}
