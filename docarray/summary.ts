/**
 * `DocumentArray.summary()`: a short text table of what a DocumentArray holds.
 *
 * @module
 */
import type { DocumentProto } from "../proto/gen/docarray_pb.ts";

const fields = [
  ["id", (p: DocumentProto) => p.id !== ""],
  ["parent_id", (p: DocumentProto) => p.parentId !== ""],
  ["text", (p: DocumentProto) => p.content.case === "text"],
  ["blob", (p: DocumentProto) => p.content.case === "blob"],
  ["tensor", (p: DocumentProto) => p.content.case === "tensor"],
  ["embedding", (p: DocumentProto) => p.embedding?.content.case !== undefined && p.embedding !== undefined],
  ["uri", (p: DocumentProto) => p.uri !== ""],
  ["mime_type", (p: DocumentProto) => p.mimeType !== ""],
  ["modality", (p: DocumentProto) => p.modality !== ""],
  ["tags", (p: DocumentProto) => p.tags !== undefined && Object.keys(p.tags).length > 0],
  ["scores", (p: DocumentProto) => Object.keys(p.scores).length > 0],
  ["evaluations", (p: DocumentProto) => Object.keys(p.evaluations).length > 0],
  ["chunks", (p: DocumentProto) => p.chunks.length > 0],
  ["matches", (p: DocumentProto) => p.matches.length > 0],
] as const;

/**
 * The summary table of a list of documents: length, then one row per attribute set on at least one document
 * with how many documents have it, then the embedding shape/dtype of the first document.
 *
 * @example
 * ```ts
 * summarize(docs.protos);
 * // DocumentArray: 2 documents
 * // attribute  count
 * // id         2
 * // text       2
 * ```
 */
export function summarize(protos: DocumentProto[]): string {
  const rows: Array<[string, string]> = [];
  for (const [name, has] of fields) {
    const count = protos.reduce((n, p) => n + (has(p) ? 1 : 0), 0);
    if (count > 0) rows.push([name, String(count)]);
  }
  const lines = [`DocumentArray: ${protos.length} document${protos.length === 1 ? "" : "s"}`];
  if (rows.length > 0) {
    const width = Math.max("attribute".length, ...rows.map(([name]) => name.length));
    lines.push(`${"attribute".padEnd(width)}  count`);
    for (const [name, count] of rows) lines.push(`${name.padEnd(width)}  ${count}`);
  }
  const dense = protos[0]?.embedding?.content;
  if (dense?.case === "dense") lines.push(`embedding: shape [${dense.value.shape.join(", ")}], dtype ${dense.value.dtype}`);
  return lines.join("\n");
}
