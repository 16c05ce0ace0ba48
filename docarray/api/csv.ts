/**
 * CSV for `DocumentArray.fromCsv` (RFC 4180: quoted fields, doubled quotes, CRLF or LF, a configurable
 * delimiter), and the mapping of columns to documents: Document attributes by name, everything else into tags.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import type { DocumentInit } from "../document.ts";

/**
 * Parses CSV text into rows of fields.
 *
 * @example
 * ```ts
 * parseCsv('id,text\na,"hello, world"\n'); // [["id", "text"], ["a", "hello, world"]]
 * ```
 */
export function parseCsv(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (quoted) throw new JinaError("CSV: a quoted field is not closed", ErrorCode.InvalidArgument);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

const textFields = new Set(["id", "parent_id", "parentId", "text", "uri", "mime_type", "mimeType", "modality"]);
const numberFields = new Set(["weight", "granularity", "adjacency", "offset"]);

/**
 * Turns CSV rows (the first is the header) into document inits. `fieldResolver` renames columns first
 * (`{ question: "text" }`); known attributes are set, other columns go into `tags`.
 *
 * @example
 * ```ts
 * csvToDocuments([["id", "text", "lang"], ["a", "hi", "en"]]); // [{ id: "a", text: "hi", tags: { lang: "en" } }]
 * ```
 */
export function csvToDocuments(rows: string[][], fieldResolver: Record<string, string> = {}, size = Infinity): DocumentInit[] {
  const [header, ...body] = rows;
  if (!header) return [];
  const names = header.map((name) => fieldResolver[name] ?? name);
  return body.slice(0, size).map((cells, line) => {
    if (cells.length !== names.length) {
      throw new JinaError(`CSV line ${line + 2}: ${cells.length} fields, the header has ${names.length}`, ErrorCode.InvalidArgument);
    }
    const init: Record<string, unknown> = {};
    const tags: JsonObject = {};
    names.forEach((name, i) => {
      const value = cells[i] as string;
      const camel = name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
      if (textFields.has(name)) init[camel] = value;
      else if (numberFields.has(name)) init[camel] = Number(value);
      else tags[name] = value;
    });
    if (Object.keys(tags).length > 0) init.tags = tags;
    return init as DocumentInit;
  });
}
