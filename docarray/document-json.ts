/**
 * Jina's HTTP JSON shape of a document (docarray's `PydanticDocument`): snake_case keys, `blob` as base64,
 * `tensor`/`embedding` as nested lists, scores as `{ name: { value, op_name, description, ref_id } }`.
 *
 * @module
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import { type DocumentProto, DocumentProtoSchema, type NamedScoreProto, NamedScoreProtoSchema } from "../proto/gen/docarray_pb.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { randomId } from "./id.ts";
import { newDocumentProto } from "./document-proto.ts";
import {
  fail,
  isEmptyObject,
  isPlainObject,
  optionalJsonObject,
  optionalList,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalUint32,
  pick,
} from "./json-check.ts";
import { NdArray, type NestedList, ndArrayFromList } from "./ndarray.ts";

/**
 * A score in JSON.
 *
 * @example
 * ```ts
 * const score: NamedScoreJson = { value: 0.5, op_name: "cosine" };
 * ```
 */
export interface NamedScoreJson {
  value: number;
  op_name?: string;
  description?: string;
  ref_id?: string;
}

/**
 * A document in Jina's HTTP JSON shape. `toJSON` writes only non-empty fields; `fromJSON` also accepts
 * camelCase keys and `null` for unset.
 *
 * @example
 * ```ts
 * const json: DocumentJson = { id: "a", text: "hi", tags: { k: "v" }, embedding: [0.1, 0.2] };
 * ```
 */
export interface DocumentJson {
  id: string;
  parent_id?: string;
  granularity?: number;
  adjacency?: number;
  blob?: string;
  tensor?: NestedList;
  mime_type?: string;
  text?: string;
  weight?: number;
  uri?: string;
  tags?: JsonObject;
  offset?: number;
  location?: number[];
  embedding?: NestedList;
  modality?: string;
  evaluations?: Record<string, NamedScoreJson>;
  scores?: Record<string, NamedScoreJson>;
  chunks?: DocumentJson[];
  matches?: DocumentJson[];
}

/**
 * The JSON dict of a `DocumentProto` (only non-empty fields; nested chunks and matches included).
 *
 * @example
 * ```ts
 * documentToJSON(doc.proto); // { id: "…", text: "hi" }
 * ```
 */
export function documentToJSON(proto: DocumentProto): DocumentJson {
  const json: DocumentJson = { id: proto.id };
  if (proto.parentId) json.parent_id = proto.parentId;
  if (proto.granularity) json.granularity = proto.granularity;
  if (proto.adjacency) json.adjacency = proto.adjacency;
  const content = proto.content;
  if (content.case === "blob") json.blob = encodeBase64(content.value);
  else if (content.case === "tensor" && content.value.content.case) json.tensor = NdArray.fromProto(content.value).toList();
  else if (content.case === "text") json.text = content.value;
  if (proto.mimeType) json.mime_type = proto.mimeType;
  if (proto.weight) json.weight = proto.weight;
  if (proto.uri) json.uri = proto.uri;
  if (proto.tags && !isEmptyObject(proto.tags)) json.tags = proto.tags;
  if (proto.offset) json.offset = proto.offset;
  if (proto.location.length > 0) json.location = [...proto.location];
  if (proto.embedding?.content.case) json.embedding = NdArray.fromProto(proto.embedding).toList();
  if (proto.modality) json.modality = proto.modality;
  const evaluations = scoresToJSON(proto.evaluations);
  if (evaluations) json.evaluations = evaluations;
  const scores = scoresToJSON(proto.scores);
  if (scores) json.scores = scores;
  if (proto.chunks.length > 0) json.chunks = proto.chunks.map(documentToJSON);
  if (proto.matches.length > 0) json.matches = proto.matches.map(documentToJSON);
  return json;
}

function scoresToJSON(map: Record<string, NamedScoreProto>): Record<string, NamedScoreJson> | undefined {
  if (isEmptyObject(map)) return undefined;
  const out: Record<string, NamedScoreJson> = {};
  for (const name in map) {
    const score = map[name] as NamedScoreProto;
    const json: NamedScoreJson = { value: score.value };
    if (score.opName) json.op_name = score.opName;
    if (score.description) json.description = score.description;
    if (score.refId) json.ref_id = score.refId;
    out[name] = json;
  }
  return out;
}

/**
 * A `DocumentProto` from a JSON doc dict, validated. Errors are `JinaError`s (InvalidArgument) naming the path
 * under `path`, e.g. `data[3].embedding: expected a list of numbers, got "abc"`. Unknown keys are ignored (as
 * pydantic does); a missing id gets a random one.
 *
 * @example
 * ```ts
 * documentFromJSON({ text: "hi", mime_type: "text/plain" }, "doc").mimeType; // "text/plain"
 * ```
 */
export function documentFromJSON(json: unknown, path: string): DocumentProto {
  const object = isPlainObject(json) ? json : fail(path, "a document object", json);
  // Each field is read by name (a computed key at one shared site made every read a megamorphic look-up, ~1 µs per
  // document); an alias is read only when the snake_case key is absent.
  const proto = newDocumentProto(stringField(object.id, "id", path) ?? randomId());
  const parentId = object.parent_id;
  proto.parentId = (parentId !== undefined ? stringField(parentId, "parent_id", path) : stringField(object.parentId, "parentId", path)) ?? "";
  proto.granularity = uintField(object.granularity, "granularity", path) ?? 0;
  proto.adjacency = uintField(object.adjacency, "adjacency", path) ?? 0;
  const mimeType = object.mime_type;
  proto.mimeType = (mimeType !== undefined ? stringField(mimeType, "mime_type", path) : stringField(object.mimeType, "mimeType", path)) ?? "";
  proto.weight = numberField(object.weight, "weight", path) ?? 0;
  proto.uri = stringField(object.uri, "uri", path) ?? "";
  proto.offset = numberField(object.offset, "offset", path) ?? 0;
  proto.modality = stringField(object.modality, "modality", path) ?? "";

  // Text alone, or no content: the common cases, read without the list of contents.
  const { text, blob, tensor } = object;
  if (isNullish(blob) && isNullish(tensor) && (typeof text === "string" || isNullish(text))) {
    if (text !== undefined && text !== null) proto.content = { case: "text", value: text };
  } else setContents(proto, object, path);

  // Each optional field costs a look-up when absent; its path is built only when it is there.
  if (!isNullish(object.tags)) proto.tags = optionalJsonObject(object.tags, `${path}.tags`)!;
  if (!isNullish(object.location)) {
    const at = `${path}.location`;
    proto.location = optionalList(object.location, at, "a list of numbers")!.map((x, i) => optionalNumber(x, `${at}[${i}]`) ?? fail(`${at}[${i}]`, "a number", x));
  }
  if (!isNullish(object.embedding)) proto.embedding = ndArrayFromList(object.embedding, `${path}.embedding`).toProto();
  if (!isNullish(object.scores)) proto.scores = scoresFromJSON(object.scores, `${path}.scores`)!;
  if (!isNullish(object.evaluations)) proto.evaluations = scoresFromJSON(object.evaluations, `${path}.evaluations`)!;
  if (!isNullish(object._metadata)) proto.Metadata = optionalJsonObject(object._metadata, `${path}._metadata`)!;
  if (!isNullish(object.chunks)) proto.chunks = documentsFromJSON(object.chunks, `${path}.chunks`);
  if (!isNullish(object.matches)) proto.matches = documentsFromJSON(object.matches, `${path}.matches`);
  return proto;
}

function setContents(proto: DocumentProto, object: Record<string, unknown>, path: string): void {
  const contents = readContents(object, path);
  if (contents.length > 1) {
    const extra = contents[1]?.[0] ?? "";
    fail(`${path}.${extra}`, `at most one of text, blob and tensor (${contents[0]?.[0]} is set too)`, object[extra]);
  }
  const [kind, value] = contents[0] ?? [];
  if (kind === "text") proto.content = { case: "text", value: value as string };
  else if (kind === "blob") proto.content = { case: "blob", value: value as Uint8Array };
  else if (kind === "tensor") proto.content = { case: "tensor", value: (value as NdArray).toProto() };
}

const isNullish = (value: unknown): value is null | undefined => value === undefined || value === null;

// The field readers below build a field's path (for the error) only when its value is not what it should be.

function stringField(value: unknown, key: string, path: string): string | undefined {
  if (typeof value === "string") return value;
  return isNullish(value) ? undefined : optionalString(value, `${path}.${key}`);
}

function numberField(value: unknown, key: string, path: string): number | undefined {
  return value === undefined || value === null ? undefined : optionalNumber(value, `${path}.${key}`);
}

function uintField(value: unknown, key: string, path: string): number | undefined {
  return value === undefined || value === null ? undefined : optionalUint32(value, `${path}.${key}`);
}

function readContents(object: Record<string, unknown>, path: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const text = optionalString(object.text, `${path}.text`);
  if (text !== undefined) out.push(["text", text]);
  const blob = optionalString(object.blob, `${path}.blob`);
  if (blob !== undefined) out.push(["blob", decodeBase64(blob) ?? fail(`${path}.blob`, "base64 text", blob)]);
  if (object.tensor !== undefined && object.tensor !== null) out.push(["tensor", ndArrayFromList(object.tensor, `${path}.tensor`)]);
  return out;
}

function documentsFromJSON(value: unknown, path: string): DocumentProto[] {
  const list = optionalList(value, path, "a list of documents");
  return list ? list.map((item, i) => documentFromJSON(item, `${path}[${i}]`)) : [];
}

function scoresFromJSON(value: unknown, path: string): Record<string, NamedScoreProto> | undefined {
  const object = optionalObject(value, path);
  if (!object) return undefined;
  const out: Record<string, NamedScoreProto> = {};
  for (const [name, item] of Object.entries(object)) {
    const at = `${path}.${name}`;
    const score = isPlainObject(item) ? item : fail(at, "a score object {value, op_name, description, ref_id}", item);
    const [opName, opKey] = pick(score, ["op_name", "opName"]);
    const [refId, refKey] = pick(score, ["ref_id", "refId"]);
    out[name] = create(NamedScoreProtoSchema, {
      value: optionalNumber(score.value, `${at}.value`) ?? 0,
      opName: optionalString(opName, `${at}.${opKey}`) ?? "",
      description: optionalString(score.description, `${at}.description`) ?? "",
      refId: optionalString(refId, `${at}.${refKey}`) ?? "",
    });
  }
  return out;
}
