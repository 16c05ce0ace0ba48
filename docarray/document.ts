/**
 * `Document`: a view over a docarray `DocumentProto`. Getters and setters read and write the message itself, so
 * a document received over gRPC is used without copying and mutations are what gets sent back.
 *
 * @module
 */
import { clone, create, type JsonObject } from "@bufbuild/protobuf";
import {
  type DocumentProto,
  DocumentProtoSchema,
  type NamedScoreProto,
  type NdArrayProto,
} from "../proto/gen/docarray_pb.ts";
import { DocumentArray, documentArrayView } from "./document-array.ts";
import { documentFromJSON, type DocumentJson, documentToJSON } from "./document-json.ts";
import { randomId } from "./id.ts";
import { newDocumentProto } from "./document-proto.ts";
import { type NamedScore, namedScoreView, toNamedScoreMap } from "./named-score.ts";
import { NdArray, type NdArrayInit } from "./ndarray.ts";
import { decodeDocument, encodeDocument } from "./wire/codec.ts";

/**
 * The fields a {@link Document} is made from; every field is optional and `id` defaults to 32 random hex chars.
 * `text`, `blob` and `tensor` share one slot (the proto's `content` oneof): give at most one.
 *
 * @example
 * ```ts
 * const init: DocumentInit = { text: "hello", tags: { lang: "en" }, embedding: [0.1, 0.2] };
 * ```
 */
export interface DocumentInit {
  id?: string | undefined;
  parentId?: string | undefined;
  granularity?: number | undefined;
  adjacency?: number | undefined;
  blob?: Uint8Array | undefined;
  tensor?: NdArrayInit | undefined;
  mimeType?: string | undefined;
  text?: string | undefined;
  weight?: number | undefined;
  uri?: string | undefined;
  tags?: JsonObject | undefined;
  offset?: number | undefined;
  location?: number[] | undefined;
  embedding?: NdArrayInit | undefined;
  modality?: string | undefined;
  scores?: Record<string, NamedScore> | undefined;
  evaluations?: Record<string, NamedScore> | undefined;
  chunks?: Iterable<Document | DocumentInit> | undefined;
  matches?: Iterable<Document | DocumentInit> | undefined;
}

const wrappers = new WeakMap<DocumentProto, Document>();
let adopting: DocumentProto | undefined;

/**
 * A document: text, bytes or a tensor, an embedding, tags, scores, and nested chunks and matches. It is a view
 * over a `DocumentProto` (`doc.proto`): no field is copied out of the message.
 *
 * @example
 * ```ts
 * const doc = new Document({ text: "hello", tags: { lang: "en" } });
 * doc.embedding = new Float32Array([0.1, 0.2]);
 * doc.matches.push({ id: "m1", scores: { cosine: { value: 0.5 } } });
 * doc.proto.matches.length; // 1
 * ```
 */
export class Document {
  /** The underlying message; the same object, so mutations on either side are visible on the other. */
  readonly proto: DocumentProto;
  #chunks: DocumentArray | undefined;
  #matches: DocumentArray | undefined;
  #scores: [Record<string, NamedScoreProto>, Record<string, NamedScoreProto>] | undefined;
  #evaluations: [Record<string, NamedScoreProto>, Record<string, NamedScoreProto>] | undefined;
  #pendingTags: [JsonObject, JsonObject] | undefined;

  constructor(init: DocumentInit = {}) {
    if (adopting) {
      this.proto = adopting;
      adopting = undefined;
      wrappers.set(this.proto, this);
      return;
    }
    this.proto = newDocumentProto(init.id ?? randomId());
    wrappers.set(this.proto, this);
    assignInit(this, init);
  }

  /**
   * Wraps a `DocumentProto` without copying. The same message always gives the same `Document` object.
   *
   * @example
   * ```ts
   * const doc = Document.fromProto(request.data.documents.value.docs[0]);
   * doc.text = "changed"; // written into the message
   * ```
   */
  static fromProto(proto: DocumentProto): Document {
    const known = wrappers.get(proto);
    if (known) return known;
    adopting = proto;
    return new Document();
  }

  /**
   * Reads a document from Jina's HTTP JSON shape (snake_case or camelCase keys, `null` for unset). Throws a
   * `JinaError` (InvalidArgument) naming the field, e.g. `document.embedding: expected a list of numbers`.
   *
   * @example
   * ```ts
   * Document.fromJSON({ id: "a", text: "hi", tags: { k: 1 } }).text; // "hi"
   * ```
   */
  static fromJSON(json: unknown, path = "document"): Document {
    return Document.fromProto(documentFromJSON(json, path));
  }

  /**
   * Reads a document from the binary `DocumentProto`.
   *
   * @example
   * ```ts
   * Document.fromBytes(doc.toBytes()).id === doc.id; // true
   * ```
   */
  static fromBytes(bytes: Uint8Array): Document {
    return Document.fromProto(decodeDocument(bytes));
  }

  /** The id (32 hex chars unless given). */
  get id(): string {
    return this.proto.id;
  }
  set id(value: string) {
    this.proto.id = value;
  }

  /** The id of the parent document (chunks). */
  get parentId(): string {
    return this.proto.parentId;
  }
  set parentId(value: string) {
    this.proto.parentId = value;
  }

  /** The depth in the chunk tree. */
  get granularity(): number {
    return this.proto.granularity;
  }
  set granularity(value: number) {
    this.proto.granularity = value;
  }

  /** The depth in the match tree. */
  get adjacency(): number {
    return this.proto.adjacency;
  }
  set adjacency(value: number) {
    this.proto.adjacency = value;
  }

  /** The MIME type of the content. */
  get mimeType(): string {
    return this.proto.mimeType;
  }
  set mimeType(value: string) {
    this.proto.mimeType = value;
  }

  /** The weight (float32 on the wire). */
  get weight(): number {
    return this.proto.weight;
  }
  set weight(value: number) {
    this.proto.weight = value;
  }

  /** The URI of the content. */
  get uri(): string {
    return this.proto.uri;
  }
  set uri(value: string) {
    this.proto.uri = value;
  }

  /** The modality (`"text"`, `"image"` …). */
  get modality(): string {
    return this.proto.modality;
  }
  set modality(value: string) {
    this.proto.modality = value;
  }

  /** The offset in the parent (float32 on the wire). */
  get offset(): number {
    return this.proto.offset;
  }
  set offset(value: number) {
    this.proto.offset = value;
  }

  /** The location in the parent (float32s on the wire). */
  get location(): number[] {
    return this.proto.location;
  }
  set location(value: number[]) {
    this.proto.location = value;
  }

  /** The text content; setting it replaces `blob`/`tensor` (they share one slot). */
  get text(): string | undefined {
    return this.proto.content.case === "text" ? this.proto.content.value : undefined;
  }
  set text(value: string | undefined) {
    if (value !== undefined) this.proto.content = { case: "text", value };
    else if (this.proto.content.case === "text") this.proto.content = { case: undefined };
  }

  /** The bytes content; setting it replaces `text`/`tensor`. */
  get blob(): Uint8Array | undefined {
    return this.proto.content.case === "blob" ? this.proto.content.value : undefined;
  }
  set blob(value: Uint8Array | undefined) {
    if (value !== undefined) this.proto.content = { case: "blob", value };
    else if (this.proto.content.case === "blob") this.proto.content = { case: undefined };
  }

  /** The tensor content, a view over the message's bytes; setting it replaces `text`/`blob`. */
  get tensor(): NdArray | undefined {
    return this.proto.content.case === "tensor" ? readNdArray(this.proto.content.value) : undefined;
  }
  set tensor(value: NdArrayInit | undefined) {
    if (value !== undefined) this.proto.content = { case: "tensor", value: NdArray.from(value).toProto() };
    else if (this.proto.content.case === "tensor") this.proto.content = { case: undefined };
  }

  /**
   * The embedding, a view over the message's bytes (`<f4` from a `Float32Array`, `<f8` from numbers). A typed
   * array or NdArray assigned here is shared with the message, not copied.
   */
  get embedding(): NdArray | undefined {
    const proto = this.proto.embedding;
    return proto && proto.content.case !== undefined ? readNdArray(proto) : undefined;
  }
  set embedding(value: NdArrayInit | undefined) {
    this.proto.embedding = value === undefined ? undefined : NdArray.from(value).toProto();
  }

  /**
   * The tags, a JSON object (never undefined). Numbers travel as doubles. Reading unset tags does not change the
   * message: the empty object returned is attached to it on the first write.
   */
  get tags(): JsonObject {
    const tags = this.proto.tags;
    if (tags) return tags;
    if (this.#pendingTags && Object.keys(this.#pendingTags[0]).length === 0) return this.#pendingTags[1];
    const target: JsonObject = {};
    const attach = () => (this.proto.tags ??= target);
    const view = new Proxy(target, {
      set: (t, key, value) => (attach(), Reflect.set(t, key, value)),
      defineProperty: (t, key, descriptor) => (attach(), Reflect.defineProperty(t, key, descriptor)),
    });
    this.#pendingTags = [target, view];
    return view;
  }
  set tags(value: JsonObject) {
    this.proto.tags = value;
  }

  /** The scores by name; assigning `{ value }` objects into it converts them. */
  get scores(): Record<string, NamedScoreProto> {
    const map = this.proto.scores;
    if (this.#scores?.[0] !== map) this.#scores = [map, namedScoreView(map)];
    return this.#scores[1];
  }
  set scores(value: Record<string, NamedScore>) {
    this.proto.scores = toNamedScoreMap(value);
  }

  /** The evaluations by name; assigning `{ value }` objects into it converts them. */
  get evaluations(): Record<string, NamedScoreProto> {
    const map = this.proto.evaluations;
    if (this.#evaluations?.[0] !== map) this.#evaluations = [map, namedScoreView(map)];
    return this.#evaluations[1];
  }
  set evaluations(value: Record<string, NamedScore>) {
    this.proto.evaluations = toNamedScoreMap(value);
  }

  /** The chunks: a DocumentArray view over `proto.chunks` (pushing into it writes the message). */
  get chunks(): DocumentArray {
    return (this.#chunks ??= documentArrayView(this.proto, "chunks"));
  }
  set chunks(value: Iterable<Document | DocumentInit>) {
    this.proto.chunks = new DocumentArray(value).protos;
  }

  /** The matches: a DocumentArray view over `proto.matches` (pushing into it writes the message). */
  get matches(): DocumentArray {
    return (this.#matches ??= documentArrayView(this.proto, "matches"));
  }
  set matches(value: Iterable<Document | DocumentInit>) {
    this.proto.matches = new DocumentArray(value).protos;
  }

  /**
   * A deep copy (a new message).
   *
   * @example
   * ```ts
   * const copy = doc.clone();
   * copy.text = "other"; // doc is unchanged
   * ```
   */
  clone(): Document {
    return Document.fromProto(clone(DocumentProtoSchema, this.proto));
  }

  /**
   * Jina's HTTP JSON shape: snake_case keys, only non-empty fields, `blob` base64, tensors as nested lists.
   *
   * @example
   * ```ts
   * new Document({ id: "a", text: "hi" }).toJSON(); // { id: "a", text: "hi" }
   * ```
   */
  toJSON(): DocumentJson {
    return documentToJSON(this.proto);
  }

  /** Shown by `console.log` / `util.inspect` (Node, Deno, Bun): the JSON dict. */
  [Symbol.for("nodejs.util.inspect.custom")](): unknown {
    return this.toJSON();
  }

  /**
   * The binary `DocumentProto`.
   *
   * @example
   * ```ts
   * const bytes = doc.toBytes();
   * ```
   */
  toBytes(): Uint8Array {
    return encodeDocument(this.proto);
  }
}

function assignInit(doc: Document, init: DocumentInit): void {
  if (init.parentId !== undefined) doc.parentId = init.parentId;
  if (init.granularity !== undefined) doc.granularity = init.granularity;
  if (init.adjacency !== undefined) doc.adjacency = init.adjacency;
  if (init.blob !== undefined) doc.blob = init.blob;
  if (init.tensor !== undefined) doc.tensor = init.tensor;
  if (init.text !== undefined) doc.text = init.text;
  if (init.mimeType !== undefined) doc.mimeType = init.mimeType;
  if (init.weight !== undefined) doc.weight = init.weight;
  if (init.uri !== undefined) doc.uri = init.uri;
  if (init.tags !== undefined) doc.tags = init.tags;
  if (init.offset !== undefined) doc.offset = init.offset;
  if (init.location !== undefined) doc.location = init.location;
  if (init.embedding !== undefined) doc.embedding = init.embedding;
  if (init.modality !== undefined) doc.modality = init.modality;
  if (init.scores !== undefined) doc.scores = init.scores;
  if (init.evaluations !== undefined) doc.evaluations = init.evaluations;
  if (init.chunks !== undefined) doc.chunks = init.chunks;
  if (init.matches !== undefined) doc.matches = init.matches;
}

/**
 * Reads an NdArrayProto as an NdArray. When the bytes had to be copied (unaligned or big-endian), the dense proto
 * is rewritten in place with the aligned little-endian copy (the same values), so later reads are views and
 * writes into `data` reach the wire.
 */
function readNdArray(proto: NdArrayProto): NdArray {
  const array = NdArray.fromProto(proto);
  const content = proto.content;
  if (content.case === "dense" && array.data.buffer !== content.value.buffer.buffer) {
    content.value.buffer = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
    content.value.dtype = array.dtype;
  }
  return array;
}
