/**
 * Random `DataRequestProto`s for the wire codec's property test: nested chunks and matches, tensors of every dtype
 * (dense and sparse), tags with nested structs and lists, scores, unicode (surrogate pairs, lone surrogates, BOMs),
 * empty and -0 fields, explicit-presence header fields, route timestamps, and unknown fields at every level.
 */
import { create, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import {
  DenseNdArrayProtoSchema,
  DocumentArrayProtoSchema,
  type DocumentProto,
  DocumentProtoSchema,
  NamedScoreProtoSchema,
  type NdArrayProto,
  NdArrayProtoSchema,
  SparseNdArrayProtoSchema,
} from "../../proto/gen/docarray_pb.ts";
import {
  type DataRequestProto,
  DataRequestProto_DataContentProtoSchema,
  DataRequestProtoSchema,
  HeaderProtoSchema,
  RouteProtoSchema,
  StatusProto_ExceptionProtoSchema,
  StatusProtoSchema,
} from "../../proto/gen/jina_pb.ts";
import type { Rng } from "../fuzz/_corpus.ts";

const dtypes = ["<f2", "<f4", "<f8", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "|b1", ">f4", ">i8"];
const pieces = ["", "a", "hello", "héllo", "日本語", "🙂", "\u{10FFFF}", "\ud800", "\udfff", "\ufeff", "\u0000", "x".repeat(70), "é".repeat(50)];
const floats = [0, -0, 1, -1.5, 0.1, 3.4028234663852886e38, 1e-45, Number.NaN, Number.POSITIVE_INFINITY, 65504];

/** A random string (unicode, empty, long). */
export function randomString(rng: Rng): string {
  let text = "";
  for (let n = rng.int(4); n > 0; n--) text += rng.pick(pieces);
  return text;
}

function randomJson(rng: Rng, depth: number): JsonValue {
  switch (rng.int(depth > 3 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -0, 1, -2.5, 1e300, 2 ** 53, Number.MIN_VALUE]);
    case 3:
    case 4:
      return randomString(rng);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default:
      return randomObject(rng, depth + 1);
  }
}

/** A random JSON object (a Struct): nested objects and lists, integer-like keys, unicode keys. */
export function randomObject(rng: Rng, depth = 0): JsonObject {
  const json: JsonObject = {};
  for (let n = rng.int(4); n > 0; n--) json[rng.pick(["k", "2", "10", "", "ключ", "🙂", randomString(rng)])] = randomJson(rng, depth);
  return json;
}

function unknownFields(rng: Rng): { no: number; wireType: number; data: Uint8Array }[] | undefined {
  if (!rng.chance(0.1)) return undefined;
  return [
    { no: 1000 + rng.int(100), wireType: 0, data: new Uint8Array([0x96, 0x01]) },
    { no: 99, wireType: 2, data: new Uint8Array([2, 0x61, 0x62]) },
    { no: 77, wireType: 5, data: new Uint8Array([1, 2, 3, 4]) },
  ].slice(0, 1 + rng.int(3));
}

function withUnknown<T extends object>(rng: Rng, message: T): T {
  const unknown = unknownFields(rng);
  if (unknown) Object.assign(message, { $unknown: unknown });
  return message;
}

function randomDense(rng: Rng) {
  const dtype = rng.pick(dtypes);
  const size = Number(dtype.slice(2)) || 1;
  const shape = rng.chance(0.2) ? [] : Array.from({ length: 1 + rng.int(3) }, () => rng.int(5));
  const count = shape.reduce((a, b) => a * b, 1);
  return withUnknown(rng, create(DenseNdArrayProtoSchema, {
    buffer: rng.bytes(rng.chance(0.1) ? 0 : count * size),
    shape: rng.chance(0.1) ? [2 ** 32 - 1] : shape,
    dtype: rng.chance(0.1) ? "" : dtype,
  }));
}

/** A random NdArrayProto: dense (any dtype, any shape) or sparse, with cls_name and parameters sometimes. */
export function randomNdArray(rng: Rng): NdArrayProto {
  const array = create(NdArrayProtoSchema, { clsName: rng.pick(["numpy", "", "torch", "🙂"]) });
  const kind = rng.int(5);
  if (kind < 3) array.content = { case: "dense", value: randomDense(rng) };
  else if (kind === 3) {
    const sparse = create(SparseNdArrayProtoSchema, { shape: [rng.int(4), rng.int(4)] });
    if (rng.chance(0.8)) sparse.indices = randomDense(rng);
    if (rng.chance(0.8)) sparse.values = randomDense(rng);
    array.content = { case: "sparse", value: withUnknown(rng, sparse) };
  }
  if (rng.chance(0.2)) array.parameters = randomObject(rng);
  return withUnknown(rng, array);
}

function randomScores(rng: Rng) {
  const scores: Record<string, ReturnType<typeof create<typeof NamedScoreProtoSchema>>> = {};
  for (let n = rng.int(3); n > 0; n--) {
    scores[rng.pick(["cosine", "", "0", "é", randomString(rng)])] = withUnknown(rng, create(NamedScoreProtoSchema, {
      value: rng.pick(floats),
      opName: rng.chance(0.5) ? randomString(rng) : "",
      description: rng.chance(0.2) ? randomString(rng) : "",
      refId: rng.chance(0.2) ? randomString(rng) : "",
    }));
  }
  return scores;
}

/** A random DocumentProto with chunks and matches down to `depth`. */
export function randomDocument(rng: Rng, depth = 0): DocumentProto {
  const doc = create(DocumentProtoSchema, { id: rng.chance(0.9) ? rng.bytes(16).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "") : "" });
  switch (rng.int(5)) {
    case 0:
      doc.content = { case: "text", value: randomString(rng) };
      break;
    case 1:
      doc.content = { case: "blob", value: rng.bytes(rng.int(20)) };
      break;
    case 2:
      doc.content = { case: "tensor", value: randomNdArray(rng) };
      break;
  }
  if (rng.chance(0.3)) doc.granularity = rng.pick([1, 127, 128, 2 ** 32 - 1]);
  if (rng.chance(0.3)) doc.adjacency = rng.int(300);
  if (rng.chance(0.3)) doc.parentId = randomString(rng);
  if (rng.chance(0.3)) doc.weight = rng.pick(floats);
  if (rng.chance(0.3)) doc.uri = randomString(rng);
  if (rng.chance(0.3)) doc.modality = randomString(rng);
  if (rng.chance(0.3)) doc.mimeType = randomString(rng);
  if (rng.chance(0.3)) doc.offset = rng.pick(floats);
  if (rng.chance(0.3)) doc.location = Array.from({ length: rng.int(4) }, () => rng.pick(floats));
  if (depth < 2) {
    for (let n = rng.chance(0.3) ? rng.int(3) : 0; n > 0; n--) doc.chunks.push(randomDocument(rng, depth + 1));
    for (let n = rng.chance(0.3) ? rng.int(3) : 0; n > 0; n--) doc.matches.push(randomDocument(rng, depth + 1));
  }
  if (rng.chance(0.6)) doc.embedding = randomNdArray(rng);
  if (rng.chance(0.5)) doc.tags = randomObject(rng);
  if (rng.chance(0.3)) doc.scores = randomScores(rng);
  if (rng.chance(0.2)) doc.evaluations = randomScores(rng);
  if (rng.chance(0.1)) doc.Metadata = randomObject(rng);
  return withUnknown(rng, doc);
}

function randomStatus(rng: Rng) {
  const status = create(StatusProtoSchema, { code: rng.pick([0, 1, 7, -1]), description: rng.chance(0.5) ? randomString(rng) : "" });
  if (rng.chance(0.5)) {
    status.exception = withUnknown(rng, create(StatusProto_ExceptionProtoSchema, {
      name: randomString(rng),
      args: Array.from({ length: rng.int(3) }, () => randomString(rng)),
      stacks: Array.from({ length: rng.int(3) }, () => randomString(rng)),
      executor: randomString(rng),
    }));
  }
  return withUnknown(rng, status);
}

/** A random DataRequestProto: header (explicit-presence fields), parameters, routes, docs or docs_bytes. */
export function randomRequest(rng: Rng, docs = rng.int(6)): DataRequestProto {
  const request = create(DataRequestProtoSchema);
  if (rng.chance(0.9)) {
    const header = create(HeaderProtoSchema, { requestId: randomString(rng) });
    if (rng.chance(0.7)) header.execEndpoint = rng.pick(["", "/index", "/🙂"]);
    if (rng.chance(0.3)) header.targetExecutor = randomString(rng);
    if (rng.chance(0.3)) header.timeout = rng.pick([0, 1, 2 ** 32 - 1]);
    if (rng.chance(0.2)) header.status = randomStatus(rng);
    request.header = withUnknown(rng, header);
  }
  if (rng.chance(0.5)) request.parameters = randomObject(rng);
  for (let n = rng.int(3); n > 0; n--) {
    const route = create(RouteProtoSchema, { executor: randomString(rng) });
    if (rng.chance(0.7)) route.startTime = create(TimestampSchema, { seconds: rng.pick([0n, 1764500000n, -5n, 2n ** 35n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n)]), nanos: rng.pick([0, 999999999, -1]) });
    if (rng.chance(0.5)) route.endTime = create(TimestampSchema, { seconds: BigInt(rng.u32()), nanos: rng.int(1e9) });
    if (rng.chance(0.3)) route.status = randomStatus(rng);
    request.routes.push(withUnknown(rng, route));
  }
  if (rng.chance(0.9)) {
    const data = create(DataRequestProto_DataContentProtoSchema);
    if (rng.chance(0.1)) data.documents = { case: "docsBytes", value: rng.bytes(rng.int(8)) };
    else if (rng.chance(0.95)) {
      const array = create(DocumentArrayProtoSchema);
      for (let i = 0; i < docs; i++) array.docs.push(randomDocument(rng));
      data.documents = { case: "docs", value: withUnknown(rng, array) };
    }
    request.data = withUnknown(rng, data);
  }
  return withUnknown(rng, request);
}
