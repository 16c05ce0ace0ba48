/**
 * The fuzz corpus shared by tests/fuzz/*.test.ts: a seeded PRNG (the seed is printed; `FUZZ_SEED` replays a run),
 * generators of random bytes and JSON values, mutations of valid Jina bodies (`/post` JSON, protobuf-JSON and
 * serialized `DataRequestProto`s: wrong types at every key path, bit flips, truncation, insertion, deletion,
 * duplicated fields, deep nesting, unicode, bad tensors), and a bounded-concurrency runner that collects failures
 * with the seed, the case number and the input.
 *
 * @example
 * ```ts
 * const rng = createRng(fuzzSeed("http"));
 * const cases = jsonCases(rng, 1000);
 * const failures = await runCases(cases, 16, async (c) => { ... return "what was wrong" or undefined ... });
 * assert.ok(failures.ok, failures.report);
 * ```
 */
import { create, type JsonObject, type JsonValue, toBinary, toJson } from "@bufbuild/protobuf";
import { createDataRequest, Document, DocumentArray, NdArray } from "../../docarray/mod.ts";
import {
  DenseNdArrayProtoSchema,
  DocumentArrayProtoSchema,
  DocumentProtoSchema,
  NdArrayProtoSchema,
  SparseNdArrayProtoSchema,
} from "../../proto/gen/docarray_pb.ts";
import { type DataRequestProto, DataRequestProto_DataContentProtoSchema, DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import { getEnv } from "../../runtime/mod.ts";

// ---------------------------------------------------------------------------------------------------------------
// PRNG

/** A small deterministic PRNG (mulberry32). */
export interface Rng {
  readonly seed: number;
  /** A uint32. */
  u32(): number;
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Bytes;
}

/** A PRNG seeded with `seed`. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const u32 = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const float = () => u32() / 2 ** 32;
  const int = (n: number) => Math.floor(float() * n);
  return {
    seed,
    u32,
    float,
    int,
    chance: (p) => float() < p,
    pick: <T>(items: readonly T[]) => items[int(items.length)] as T,
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = u32() & 0xff;
      return out;
    },
  };
}

/** The seed of a fuzz run: `FUZZ_SEED` when set, else a random one. Printed, so a failing run can be replayed. */
export function fuzzSeed(suite: string): number {
  const env = getEnv("FUZZ_SEED");
  const seed = env !== undefined && /^\d+$/.test(env.trim()) ? Number(env) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`fuzz ${suite}: seed ${seed} (replay with FUZZ_SEED=${seed})`);
  return seed;
}

// ---------------------------------------------------------------------------------------------------------------
// Cases

/** One fuzz input: what it is (`label`) and its bytes. */
export interface FuzzCase {
  label: string;
  body: Bytes;
}

/** Bytes backed by an ArrayBuffer (what fetch and WebSocket send take). */
export type Bytes = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();
const utf8 = (text: string): Bytes => encoder.encode(text);

/** A short printable form of a body for failure reports (JSON-escaped text, or hex when not UTF-8). */
export function describeBody(body: Uint8Array, max = 240): string {
  const head = body.subarray(0, max);
  let text: string;
  try {
    text = JSON.stringify(new TextDecoder("utf-8", { fatal: true }).decode(head));
  } catch {
    text = `hex ${[...head].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  return `${text}${body.byteLength > max ? ` …(${body.byteLength} bytes)` : ""}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Random values

const unicode = ["é", "💥", "\u0000", "\u202e", "\ud800", "\udfff", "\uffff", "𝔘𝔫𝔦", "\n\r\t", "\"", "\\", "中文", "\u00a0"];
const keys = ["data", "docs", "parameters", "execEndpoint", "exec_endpoint", "header", "routes", "__proto__", "constructor", "id", "text", "tensor", "embedding", "x"];

/** A random string: ascii, unicode (lone surrogates included), or long. */
export function randomString(rng: Rng): string {
  switch (rng.int(5)) {
    case 0:
      return "";
    case 1:
      return Array.from({ length: rng.int(12) }, () => rng.pick(unicode)).join("");
    case 2:
      return "x".repeat(rng.int(5000));
    case 3:
      return rng.pick(["/", "/search", "/nope", "//", "/\u0000", "search", "/" + "a".repeat(300), "/_jina_dry_run_", "/index?x=1"]);
    default:
      return String.fromCharCode(...Array.from({ length: rng.int(20) }, () => 32 + rng.int(95)));
  }
}

/** A random number, including extremes. */
export function randomNumber(rng: Rng): number {
  return rng.pick([0, -0, 1, -1, 0.5, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 63), 2 ** 32, 4294967295, 1e21, rng.float() * 1000 - 500]);
}

/** Nested lists `depth` deep: `[[[...[x]...]]]`. */
export function nested(depth: number, inner: JsonValue = 1, object = false): JsonValue {
  let value = inner;
  for (let i = 0; i < depth; i++) value = object ? { a: value } : [value];
  return value;
}

/** A random JSON value, at most `depth` levels deep. */
export function randomJson(rng: Rng, depth = 4): JsonValue {
  const kind = depth <= 0 ? rng.int(4) : rng.int(7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return randomNumber(rng);
    case 3:
      return randomString(rng);
    case 4:
      return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth - 1));
    case 5: {
      const out: JsonObject = {};
      for (let i = rng.int(5); i > 0; i--) out[rng.chance(0.6) ? rng.pick(keys) : randomString(rng).slice(0, 20)] = randomJson(rng, depth - 1);
      return out;
    }
    default:
      return nested(1 + rng.int(60), randomJson(rng, 0), rng.chance(0.5));
  }
}

/** A value of a type that is wrong almost anywhere in a Jina body. */
export function wrongValue(rng: Rng): JsonValue {
  return rng.pick<() => JsonValue>([
    () => randomNumber(rng),
    () => randomString(rng),
    () => ({}),
    () => ({ a: 1, docs: 5 }),
    () => [1, 2, 3],
    () => [[1, 2], [3]],
    () => [],
    () => [null],
    () => ["a", { b: [] }],
    () => null,
    () => true,
    () => nested(1 + rng.int(200)),
    () => nested(1 + rng.int(200), "x", true),
    () => randomJson(rng, 3),
  ])();
}

// ---------------------------------------------------------------------------------------------------------------
// Valid bodies

/** Valid `/post` JSON bodies (Jina's `JinaEndpointRequestModel`). */
export function validPostBodies(): JsonObject[] {
  return [
    {
      execEndpoint: "/search",
      data: [
        { id: "a", text: "hello", tags: { k: "v", n: 1, nested: { list: [1, "x", null] } }, embedding: [0.1, 0.2, 0.3] },
        { tensor: [[1, 2], [3, 4]], mime_type: "text/plain", weight: 0.5 },
      ],
      parameters: { limit: 3, fuzz: { deep: [true] } },
    },
    {
      exec_endpoint: "/index",
      data: { docs: [{ text: "x", chunks: [{ text: "c" }], matches: [{ id: "m", scores: { cosine: { value: 0.5, op_name: "cos" } } }] }] },
      target_executor: "fuzz",
      header: { request_id: "req-1" },
      routes: [],
    },
    {
      data: [{ blob: "aGVsbG8=", location: [1, 2], granularity: 1, adjacency: 0, offset: 3, modality: "image", uri: "http://x/y" }],
      parameters: {},
    },
    { data: [{ text: "q", evaluations: { acc: { value: 1 } }, parent_id: "p" }], header: { requestId: "req-2" } },
  ];
}

/** Valid CRUD bodies (the `/post` bodies without an endpoint). */
export function validCrudBodies(): JsonObject[] {
  return validPostBodies().map(({ execEndpoint: _a, exec_endpoint: _b, ...rest }) => rest);
}

/** Valid `DataRequestProto`s: texts, tensors, embeddings, tags, chunks, matches, parameters. */
export function validRequests(): DataRequestProto[] {
  const docs = new DocumentArray([
    new Document({ id: "a", text: "hello", tags: { k: "v", n: 1 }, embedding: new Float32Array([0.1, 0.2, 0.3]) }),
    new Document({ tensor: new NdArray(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }), mimeType: "x/y" }),
    new Document({ blob: new Uint8Array([1, 2, 3]), chunks: [{ text: "c" }], matches: [{ id: "m", scores: { cos: { value: 0.5 } } }] }),
  ]);
  return [
    createDataRequest({ endpoint: "/search", docs, parameters: { limit: 3 } }),
    createDataRequest({ endpoint: "/index", docs: new DocumentArray([{ text: "one" }]), targetExecutor: "fuzz" }),
    createDataRequest({ docs: new DocumentArray([{ embedding: [1, 2, 3] }, { tensor: new Int32Array([7, 8]) }]) }),
  ];
}

/** Requests that serialize fine but carry nonsense for whoever reads them: bad tensors, docs_bytes, shapes. */
export function oddRequests(): DataRequestProto[] {
  const dense = (init: { buffer?: Uint8Array; shape?: number[]; dtype?: string }) =>
    create(NdArrayProtoSchema, { content: { case: "dense", value: create(DenseNdArrayProtoSchema, init) }, clsName: "numpy" });
  const sparse = (shape: number[]) =>
    create(NdArrayProtoSchema, {
      content: {
        case: "sparse",
        value: create(SparseNdArrayProtoSchema, {
          shape,
          values: create(DenseNdArrayProtoSchema, { buffer: new Uint8Array(8), shape: [1], dtype: "<f8" }),
          indices: create(DenseNdArrayProtoSchema, { buffer: new Uint8Array(8 * shape.length), shape: [1, shape.length], dtype: "<i8" }),
        }),
      },
    });
  const tensors = [
    dense({ buffer: new Uint8Array(7), shape: [2], dtype: "<f4" }),
    dense({ buffer: new Uint8Array(8), shape: [3, 3], dtype: "<f4" }),
    dense({ buffer: new Uint8Array(8), shape: [2], dtype: "zz9" }),
    dense({ buffer: new Uint8Array(8), shape: [2], dtype: "<U4" }),
    dense({ buffer: new Uint8Array(16), shape: [4294967295, 2], dtype: "<f8" }),
    dense({ buffer: new Uint8Array(0), shape: [2 ** 31, 2 ** 31], dtype: "<f8" }),
    dense({ buffer: new Uint8Array(8), shape: [], dtype: ">f8" }),
    dense({ buffer: new Uint8Array(3), dtype: "|b1" }),
    sparse([2 ** 31, 2 ** 31]),
    sparse([1e6, 1e6]),
    sparse([]),
  ];
  const out = tensors.flatMap((tensor) => {
    const withTensor = create(DocumentProtoSchema, { id: "t", content: { case: "tensor", value: tensor } });
    const withEmbedding = create(DocumentProtoSchema, { id: "e", embedding: tensor });
    return [withTensor, withEmbedding].map((doc) => {
      const request = createDataRequest({ endpoint: "/search" });
      request.data = create(DataRequestProto_DataContentProtoSchema, { documents: { case: "docs", value: create(DocumentArrayProtoSchema, { docs: [doc] }) } });
      return request;
    });
  });
  const pickle = createDataRequest({ endpoint: "/index" });
  pickle.data = create(DataRequestProto_DataContentProtoSchema, { documents: { case: "docsBytes", value: new Uint8Array([0x80, 4, 0x95]) } });
  out.push(pickle);
  const noData = create(DataRequestProtoSchema, {});
  out.push(noData);
  out.push(createDataRequest({ endpoint: "", targetExecutor: "((((" }));
  out.push(createDataRequest({ endpoint: "/nope", targetExecutor: "nobody" }));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

type Path = (string | number)[];

/** Every key path of a JSON value (objects and lists), the root included. */
export function keyPaths(value: JsonValue, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...keyPaths(item, [...prefix, i])));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) out.push(...keyPaths(item as JsonValue, [...prefix, key]));
  }
  return out;
}

/** A deep copy of `value` with the value at `path` replaced (or removed when `replacement` is undefined). */
export function setPath(value: JsonValue, path: Path, replacement: JsonValue | undefined): JsonValue | undefined {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, JsonValue>;
  let at: Record<string | number, JsonValue> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, JsonValue>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(at)) at.splice(last as number, 1);
    else delete at[last];
  } else at[last] = replacement;
  return copy;
}

const pathText = (path: Path) => path.map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`)).join("") || "(root)";

/** Byte-level mutations: bit flips, truncation, insertion, deletion, duplicated ranges, splices. */
export function mutateBytes(rng: Rng, input: Uint8Array, other?: Uint8Array): { how: string; body: Bytes } {
  const bytes = new Uint8Array(input);
  const at = rng.int(bytes.byteLength + 1);
  switch (rng.int(7)) {
    case 0: {
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips && bytes.byteLength; i++) {
        const index = rng.int(bytes.byteLength);
        bytes[index] = (bytes[index] ?? 0) ^ (1 << rng.int(8));
      }
      return { how: `${flips} bit flip(s)`, body: bytes };
    }
    case 1:
      return { how: `truncated at ${at}`, body: bytes.slice(0, at) };
    case 2: {
      const extra = rng.bytes(1 + rng.int(16));
      return { how: `${extra.byteLength} byte(s) inserted at ${at}`, body: concat(bytes.subarray(0, at), extra, bytes.subarray(at)) };
    }
    case 3: {
      const count = 1 + rng.int(16);
      return { how: `${count} byte(s) deleted at ${at}`, body: concat(bytes.subarray(0, at), bytes.subarray(at + count)) };
    }
    case 4: {
      const end = Math.min(bytes.byteLength, at + 1 + rng.int(64));
      return { how: `range ${at}..${end} duplicated`, body: concat(bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)) };
    }
    case 5: {
      const from = other ?? rng.bytes(32);
      const cut = rng.int(from.byteLength + 1);
      return { how: `spliced at ${at} with another body from ${cut}`, body: concat(bytes.subarray(0, at), from.subarray(cut)) };
    }
    default: {
      const value = rng.pick([0x00, 0xff, 0x7f, 0x80]);
      const count = 1 + rng.int(8);
      for (let i = 0; i < count && bytes.byteLength; i++) bytes[rng.int(bytes.byteLength)] = value;
      return { how: `${count} byte(s) set to 0x${value.toString(16)}`, body: bytes };
    }
  }
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** Raw-text JSON oddities that `JSON.stringify` cannot write: duplicate keys, huge literals, `__proto__`, deep nesting. */
function rawJsonText(rng: Rng, valid: JsonObject): { how: string; text: string } {
  const body = JSON.stringify(valid);
  const inner = body.slice(1);
  return rng.pick<() => { how: string; text: string }>([
    () => ({ how: "duplicated data field", text: `{"data": ${JSON.stringify(wrongValue(rng))},${inner}` }),
    () => ({ how: "duplicated field, last wins", text: `${body.slice(0, -1)},"data":${JSON.stringify(wrongValue(rng))}}` }),
    () => ({ how: "huge number literal", text: `{"data":[{"weight":1${"0".repeat(400)}}],"parameters":{"n":-1e99999}}` }),
    () => ({ how: "__proto__ key", text: `{"__proto__":{"data":5},"parameters":{"__proto__":{"polluted":true}},"data":[{"tags":{"__proto__":1}}]}` }),
    () => ({ how: "constructor key", text: `{"data":[{"id":"a","constructor":{"prototype":1}}],"parameters":{"constructor":null}}` }),
    () => {
      const depth = 1 + rng.int(rng.chance(0.8) ? 500 : 20000);
      return { how: `parameters nested ${depth} deep`, text: `{"parameters":{"p":${"[".repeat(depth)}${"]".repeat(depth)}}}` };
    },
    () => {
      const depth = 1 + rng.int(rng.chance(0.8) ? 500 : 10000);
      return { how: `tags nested ${depth} deep`, text: `{"data":[{"tags":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}]}` };
    },
    () => {
      const depth = 1 + rng.int(rng.chance(0.8) ? 300 : 10000);
      return { how: `embedding nested ${depth} deep`, text: `{"data":[{"embedding":${"[".repeat(depth)}1${"]".repeat(depth)}}]}` };
    },
    () => {
      const depth = 1 + rng.int(rng.chance(0.8) ? 300 : 5000);
      return { how: `chunks nested ${depth} deep`, text: `{"data":[${'{"chunks":['.repeat(depth)}{}${"]}".repeat(depth)}]}` };
    },
    () => ({ how: "many documents", text: `{"data":[${Array.from({ length: 1 + rng.int(8000) }, () => "{}").join(",")}]}` }),
    () => ({ how: "unicode everywhere", text: JSON.stringify({ data: [{ id: "💥\u0000", text: "\ud800\u202e", tags: { "\u0000": "é" } }], parameters: { "💥": "\udfff" } }) }),
    () => ({ how: "BOM and whitespace", text: `\ufeff ${body} \n\t` }),
    () => ({ how: "two JSON values", text: `${body}${body}` }),
    () => ({ how: "trailing comma", text: `${body.slice(0, -1)},}` }),
    () => ({ how: "NaN literal", text: `{"data":[{"weight":NaN,"embedding":[Infinity]}]}` }),
    () => ({ how: "lone surrogate escape", text: `{"data":[{"text":"\\ud800","id":"\\udfff"}],"execEndpoint":"/\\u0000"}` }),
  ])();
}

/** Documents whose tensors or embeddings have bad shapes, dtypes or contents. */
function badTensorDoc(rng: Rng): JsonObject {
  const field = rng.pick(["tensor", "embedding"]);
  const value = rng.pick<JsonValue>([
    [[1, 2], [3]],
    [[1, 2], 3],
    [1, [2, 3]],
    [["a"]],
    [1, null],
    [true, false],
    [[], []],
    [[[]]],
    [],
    { dtype: "<f4", shape: [2], buffer: "AAAA" },
    "1,2,3",
    5,
    [1e308, -1e308, 5e-324],
    nested(1 + rng.int(64)),
    Array.from({ length: 1 + rng.int(2000) }, () => rng.float()),
  ]);
  return { text: rng.chance(0.3) ? "and text" : null, [field]: value } as JsonObject;
}

/** `n` JSON body cases built from `valid` (random, mutated, oddities, bad tensors, and a few valid ones). */
export function jsonCases(rng: Rng, n: number, valid: JsonObject[]): FuzzCase[] {
  const out: FuzzCase[] = [];
  for (let i = 0; i < n; i++) {
    const base = rng.pick(valid);
    const roll = rng.int(100);
    if (roll < 8) {
      out.push({ label: "random bytes", body: rng.bytes(rng.int(300)) });
    } else if (roll < 20) {
      out.push({ label: "random JSON value", body: utf8(JSON.stringify(randomJson(rng))) });
    } else if (roll < 55) {
      const paths = keyPaths(base);
      const path = rng.pick(paths);
      const removed = rng.chance(0.1);
      const value = removed ? undefined : wrongValue(rng);
      const mutated = setPath(base, path, value) ?? null;
      const label = removed ? `removed ${pathText(path)}` : `${pathText(path)} ← ${short(JSON.stringify(value))}`;
      out.push({ label, body: utf8(JSON.stringify(mutated)) });
    } else if (roll < 62) {
      const key = rng.chance(0.5) ? rng.pick(keys) : randomString(rng).slice(0, 30);
      out.push({ label: `extra field ${JSON.stringify(key)}`, body: utf8(JSON.stringify({ ...base, [key]: wrongValue(rng) })) });
    } else if (roll < 75) {
      const { how, body } = mutateBytes(rng, utf8(JSON.stringify(base)));
      out.push({ label: `JSON text: ${how}`, body });
    } else if (roll < 86) {
      const { how, text } = rawJsonText(rng, base);
      out.push({ label: how, body: utf8(text) });
    } else if (roll < 94) {
      const docs = Array.from({ length: 1 + rng.int(3) }, () => (rng.chance(0.5) ? badTensorDoc(rng) : { text: "ok" }));
      out.push({ label: "bad tensors/embeddings", body: utf8(JSON.stringify({ ...base, data: docs })) });
    } else {
      out.push({ label: "valid", body: utf8(JSON.stringify(base)) });
    }
  }
  return out;
}

/** `n` serialized-`DataRequestProto` cases: random bytes, mutations of valid and odd requests, a few valid ones. */
export function protoCases(rng: Rng, n: number): FuzzCase[] {
  const valid = validRequests().map((request) => new Uint8Array(toBinary(DataRequestProtoSchema, request)));
  const odd = oddRequests().map((request) => new Uint8Array(toBinary(DataRequestProtoSchema, request)));
  const out: FuzzCase[] = [];
  for (let i = 0; i < n; i++) {
    const roll = rng.int(100);
    const base = rng.pick(valid);
    if (roll < 12) {
      out.push({ label: "random bytes", body: rng.bytes(rng.int(400)) });
    } else if (roll < 70) {
      const { how, body } = mutateBytes(rng, base, rng.pick(valid));
      out.push({ label: `DataRequestProto: ${how}`, body });
    } else if (roll < 80) {
      let body: Bytes = base;
      const steps = 2 + rng.int(4);
      for (let s = 0; s < steps; s++) body = mutateBytes(rng, body, rng.pick(odd)).body;
      out.push({ label: `DataRequestProto: ${steps} stacked mutations`, body });
    } else if (roll < 86) {
      out.push({ label: "DataRequestProto: wire oddity", body: wireOddity(rng, base) });
    } else if (roll < 95) {
      const index = rng.int(odd.length);
      out.push({ label: `odd request #${index}`, body: odd[index]! });
    } else {
      out.push({ label: "valid", body: base });
    }
  }
  return out;
}

/** Protobuf wire-level oddities: unknown fields, group wire types, huge length prefixes, overlong varints. */
function wireOddity(rng: Rng, base: Uint8Array): Bytes {
  return rng.pick<() => Bytes>([
    () => concat(base, new Uint8Array([0xf8, 0xff, 0xff, 0xff, 0x0f, 0x01])), // field 2^28-1, varint
    () => concat(new Uint8Array([0x0b]), base), // field 1, start group
    () => concat(base, new Uint8Array([0x0c])), // end group without start
    () => concat(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), base), // header: 4 GiB length
    () => concat(new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), base), // 11-byte varint
    () => concat(base, base), // every field twice (merged)
    () => concat(new Uint8Array([0x0f]), base), // wire type 7
    () => concat(base, new Uint8Array([0x1a, 0x02, 0x0a, 0x80])), // data: docs with a cut length
  ])();
}

/** `n` protobuf-JSON (`toJson(DataRequestProto)`) cases for Connect's `application/json`: mutated and random. */
export function protoJsonCases(rng: Rng, n: number): FuzzCase[] {
  const valid = validRequests().map((request) => toJson(DataRequestProtoSchema, request) as JsonObject);
  return jsonCases(rng, n, valid);
}

/** Frames a message the gRPC way: 1 flag byte, 4 bytes big-endian length, the message. */
export function grpcFrame(message: Uint8Array, flags = 0, declaredLength = message.byteLength): Bytes {
  const frame = new Uint8Array(5 + message.byteLength);
  frame[0] = flags;
  new DataView(frame.buffer).setUint32(1, declaredLength >>> 0);
  frame.set(message, 5);
  return frame;
}

function short(text: string | undefined, max = 60): string {
  if (text === undefined) return "undefined";
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

// ---------------------------------------------------------------------------------------------------------------
// Running

/** The outcome of {@link runCases}: whether every case passed, and a report naming the failures with the seed. */
export interface FuzzResult {
  ok: boolean;
  failures: number;
  report: string;
}

/**
 * Fails the running test with the fuzz report when a case failed (the report alone: uvu's `assert.ok` would add
 * "(ok)" after it, which reads as if the case had passed).
 *
 * @example
 * ```ts
 * assertFuzzPassed(await runCases("grpc", seed, cases, 16, check));
 * ```
 */
export function assertFuzzPassed(result: FuzzResult): void {
  if (!result.ok) throw new Error(result.report);
}

/**
 * Runs `check` on every case, `limit` at once; `check` resolves with a problem description or undefined.
 * Each check gets `timeoutMs` (a hang is a failure). Never rejects: a thrown error is a failure of that case.
 */
export async function runCases<T extends { label: string }>(
  suite: string,
  seed: number,
  cases: readonly T[],
  limit: number,
  check: (item: T, index: number, signal: AbortSignal) => Promise<string | undefined>,
  timeoutMs = 10_000,
): Promise<FuzzResult> {
  const problems: string[] = [];
  let next = 0;
  const describe = (item: T) => ("body" in item && item.body instanceof Uint8Array ? ` body=${describeBody(item.body)}` : "");
  async function worker(): Promise<void> {
    while (next < cases.length) {
      const index = next++;
      const item = cases[index]!;
      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<string>((resolve) => {
        timer = setTimeout(() => {
          controller.abort(new Error(`case #${index} timed out after ${timeoutMs} ms`));
          resolve(`no answer within ${timeoutMs} ms (hang)`);
        }, timeoutMs);
      });
      let problem: string | undefined;
      try {
        problem = await Promise.race([check(item, index, controller.signal), deadline]);
      } catch (error) {
        problem = `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      } finally {
        clearTimeout(timer);
      }
      if (problem) problems.push(`#${index} [${item.label}]${describe(item)}: ${problem}`);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, cases.length) }, () => worker()));
  const shown = problems.slice(0, getEnv("FUZZ_VERBOSE") ? problems.length : 8).join("\n  ");
  const report = problems.length
    ? `fuzz ${suite}: ${problems.length} of ${cases.length} cases failed (seed ${seed}; replay with FUZZ_SEED=${seed}):\n  ${shown}`
    : `fuzz ${suite}: ${cases.length} cases passed (seed ${seed})`;
  return { ok: problems.length === 0, failures: problems.length, report };
}
