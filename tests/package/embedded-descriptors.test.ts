import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { type DescFile, toBinary } from "@bufbuild/protobuf";
import { file_google_protobuf_any, file_google_protobuf_empty, file_google_protobuf_struct, file_google_protobuf_timestamp, FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { file_docarray } from "../../proto/gen/docarray_pb.ts";
import { file_jina } from "../../proto/gen/jina_pb.ts";
import { file_grpc_health } from "../../proto/gen/grpc/health_pb.ts";
import { file_grpc_reflection } from "../../proto/gen/grpc/reflection_pb.ts";
import { descriptorLiteral, fileDescFromLiteral, literalArguments } from "../../scripts/embedded-descriptors.mjs";

// Fast start (issue 8): dist/ builds the protobuf-es descriptors from object literals written at build time
// (scripts/embedded-descriptors.mjs) instead of decoding base64 at import. Each file's literal must give what
// protobuf-es's `fileDesc` gives: the same FileDescriptorProto objects (own fields and the default-carrying
// prototypes), so the same bytes for reflection, and the same messages, fields and services.

const root = fileURLToPath(new URL("../../", import.meta.url));
const wkt = (name: string) => join(root, `node_modules/@bufbuild/protobuf/dist/esm/wkt/gen/google/protobuf/${name}_pb.js`);
const files: Array<[string, DescFile]> = [
  [join(root, "proto/gen/jina_pb.ts"), file_jina],
  [join(root, "proto/gen/docarray_pb.ts"), file_docarray],
  [join(root, "proto/gen/grpc/health_pb.ts"), file_grpc_health],
  [join(root, "proto/gen/grpc/reflection_pb.ts"), file_grpc_reflection],
  [wkt("struct"), file_google_protobuf_struct],
  [wkt("timestamp"), file_google_protobuf_timestamp],
  [wkt("any"), file_google_protobuf_any],
  [wkt("empty"), file_google_protobuf_empty],
];

/** An object graph as plain data: every own field, and the fields its prototype carries (proto2 defaults). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value === null || typeof value !== "object") return value;
  const prototype = Object.getPrototypeOf(value);
  return {
    own: Object.fromEntries(Object.entries(value).map(([key, field]) => [key, shape(field)])),
    defaults: prototype === Object.prototype ? null : shape({ ...prototype }),
  };
}

/** What the registry made of a file: messages with their fields, enums, services with their methods. */
function summary(file: DescFile) {
  return {
    messages: file.messages.map((message) => ({
      name: message.typeName,
      fields: message.fields.map((field) => [field.name, field.number, field.fieldKind, field.jsonName, field.localName, field.oneof?.name]),
      nested: message.nestedMessages.map((nested) => nested.typeName),
    })),
    enums: file.enums.map((enumeration) => [enumeration.typeName, enumeration.values.map((value) => [value.name, value.number])]),
    services: file.services.map((service) => [service.typeName, service.methods.map((method) => [method.name, method.methodKind, method.input.typeName, method.output.typeName])]),
    dependencies: file.dependencies.map((dependency) => dependency.name),
  };
}

for (const [path, expected] of files) {
  test(`${expected.proto.name}: the build's literal gives what fileDesc gives`, async () => {
    const b64 = /\bfileDesc\("([A-Za-z0-9+/=]+)"/.exec(readFileSync(path, "utf8"))?.[1];
    assert.ok(b64, `no fileDesc("…") in ${path}`);
    const [prototypes, build] = new Function(`return [${await literalArguments(b64, root)}];`)();
    const actual: DescFile = fileDescFromLiteral(prototypes, build, expected.dependencies);
    assert.equal(shape(actual.proto), shape(expected.proto));
    assert.equal(toBinary(FileDescriptorProtoSchema, actual.proto), toBinary(FileDescriptorProtoSchema, expected.proto));
    assert.equal(summary(actual), summary(expected));
  });
}

test("descriptorLiteral refuses what it cannot write faithfully", () => {
  assert.throws(() => descriptorLiteral({ big: 1n }), /unexpected bigint/);
  assert.throws(() => descriptorLiteral({ bytes: new Uint8Array(1) }), /deeper prototype chain/);
  assert.throws(() => descriptorLiteral({ nan: Number.NaN }), /unexpected number/);
});

test.run();
