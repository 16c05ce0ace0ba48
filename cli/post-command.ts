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
import { parseArgs } from "node:util";
import { Client, type ClientProtocol } from "../client/mod.ts";
import { DocumentArray, docsOf } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { readText, stderrIsTerminal, writeStderr, writeText } from "../runtime/mod.ts";
import { parseAddress } from "./address.ts";
import { createProgress } from "./progress.ts";

/** The usage line of `jina-ts post`. */
export const postUsage =
  "jina-ts post ADDRESS --input FILE [--on /index] [--request-size N] [--protocol grpc|http|websocket|connect]\n" +
  "                       [--parameters JSON] [--target-executor REGEX] [--output FILE.jsonl] [--quiet]";

/**
 * Runs `jina-ts post` with the arguments after `post`; resolves with a summary line.
 *
 * @example
 * ```ts
 * const summary = await runPostCommand(["127.0.0.1:54321", "--on", "/index", "--input", "docs.jsonl"]);
 * ```
 */
export async function runPostCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      on: { type: "string", default: "/" },
      input: { type: "string" },
      "request-size": { type: "string" },
      protocol: { type: "string" },
      parameters: { type: "string" },
      "target-executor": { type: "string" },
      output: { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const [addressText] = positionals;
  if (!addressText || !values.input) throw invalid(`jina-ts post needs an address and --input FILE\n\n  ${postUsage}`);
  const address = parseAddress(addressText);
  const docs = readDocuments(values.input);
  const client = new Client({
    host: address.host,
    port: address.port,
    protocol: (values.protocol ?? address.scheme) as ClientProtocol,
    tls: address.tls,
  });
  const progress = values.quiet
    ? undefined
    : createProgress({ label: values.on, total: docs.length, write: writeStderr, redraw: stderrIsTerminal() });
  try {
    const returned = await client.post(values.on, docs, {
      ...(values["request-size"] ? { requestSize: Number(values["request-size"]) } : {}),
      ...(values.parameters ? { parameters: parseJsonObject(values.parameters) } : {}),
      ...(values["target-executor"] ? { targetExecutor: values["target-executor"] } : {}),
      onAlways: (response) => progress?.add(docsOf(response).length),
    });
    progress?.finish();
    if (values.output) writeText(values.output, returned.toJSON().map((doc) => JSON.stringify(doc)).join("\n") + "\n");
    return `${values.on}: sent ${docs.length} documents to ${client.address}, ${returned.length} came back` +
      (values.output ? ` (written to ${values.output})` : "");
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
