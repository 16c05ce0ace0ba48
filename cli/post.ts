/**
 * The work of `jina-ts post` (see `cli/post-command.ts` for its flags): reads the documents, posts them with the
 * Client showing progress, and collects the executors' `parameters.__results__`.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { Client, type ClientProtocol } from "../client/mod.ts";
import { DocumentArray, docsOf } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { readText, stderrIsTerminal, writeStderr, writeText } from "../runtime/mod.ts";
import { parseAddress } from "./address.ts";
import { parseCommandArgs } from "./command.ts";
import { createProgress } from "./progress.ts";
import { flags, name } from "./post-command.ts";

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
  const address = parseAddress(addressText);
  const docs = values.input ? readDocuments(values.input) : undefined; // none: one empty request, as Jina sends
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

function readDocuments(path: string): DocumentArray {
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
