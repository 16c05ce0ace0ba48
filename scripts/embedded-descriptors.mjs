// Build step of scripts/build.mjs (issue 8, fast start): the protobuf-es descriptors in dist/ are built from object
// literals instead of being decoded from base64 at import.
//
// Generated `*_pb` files describe their .proto with `fileDesc("<base64 FileDescriptorProto>", [imports])`; at import
// that decodes the bytes with protobuf-es's reflective `fromBinary` (and boots google/protobuf/descriptor.proto to
// do it): ~35 CPU-ms of every process that imports the proto types, most of it cold code. The esbuild plugin below
// rewrites each such call in the bundle to `fileDescFromLiteral(prototypes, build, [imports])`, where `build` makes
// the same FileDescriptorProto object graph that `fileDesc` decodes (same own fields, same default-carrying
// prototypes, JSON names restored as `fileDesc` does), decoded here once at build time; the registry is then made
// exactly as `fileDesc` makes it. The sources (Deno, Bun, tsx) keep the generated files as they are;
// tests/package/embedded-descriptors.test.ts checks that both give the same descriptors.
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { FileDescriptorProtoSchema, MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const helper = "jina-ts-embedded-descriptors";
const connectWkt = "jina-ts-connect-wkt";

/**
 * The runtime half, put into the bundle as it is written here (a virtual module): what `fileDesc` does after
 * decoding (protobuf-es codegenv2/file.js), from the object literal.
 */
export function fileDescFromLiteral(prototypes, build, imports) {
  const root = build((index, own) => Object.assign(Object.create(prototypes[index]), own));
  root.dependency = imports?.map((f) => f.proto.name) ?? [];
  const reg = createFileRegistry(root, (protoFileName) => imports?.find((f) => f.proto.name === protoFileName));
  return reg.getFile(root.name);
}

const helperSource = `import { createFileRegistry } from "@bufbuild/protobuf";\nexport ${fileDescFromLiteral}\n`;

/** protobuf-es's `restoreJsonNames` (a file URL: the package's export map does not list it). */
async function restoreJsonNamesOf(root) {
  const url = pathToFileURL(join(root, "node_modules/@bufbuild/protobuf/dist/esm/codegenv2/restore-json-names.js")).href;
  return (await import(url)).restoreJsonNames;
}

/**
 * The arguments that replace `fileDesc`'s base64 (`"<base64>"` → `prototypes, build`), for `fileDescFromLiteral`:
 * the FileDescriptorProto decoded and its JSON names restored as `fileDesc` does, as JavaScript.
 */
export async function literalArguments(b64, root) {
  const decoded = fromBinary(FileDescriptorProtoSchema, base64Decode(b64));
  decoded.messageType.forEach(await restoreJsonNamesOf(root));
  decoded.dependency = []; // set from the imports at run time, as fileDesc does
  return descriptorLiteral(decoded);
}

/**
 * What Connect imports from "@bufbuild/protobuf/wkt", with `MethodOptions_IdempotencyLevel` (a plain enum) as a
 * literal: from the package it lives in descriptor_pb.js, whose import boots descriptor.proto's descriptors
 * (~15 CPU-ms) in every process that loads Connect. Reflection still loads them when asked for a file.
 */
function connectWktSource() {
  return `export { anyPack, file_google_protobuf_any } from "@bufbuild/protobuf/wkt";
export const MethodOptions_IdempotencyLevel = ${JSON.stringify(MethodOptions_IdempotencyLevel)};
`;
}

/**
 * JavaScript for `fileDescFromLiteral(...)`'s first two arguments from a decoded FileDescriptorProto: the table of
 * prototypes (protobuf-es keeps proto2 defaults on a prototype per message type) and a function that builds the
 * object graph with `$o(prototypeIndex, ownFields)`.
 */
export function descriptorLiteral(root) {
  const prototypes = new Map();
  const code = (value) => {
    if (Array.isArray(value)) return `[${value.map(code).join(",")}]`;
    if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
    if (typeof value === "number") {
      if (!Number.isFinite(value) || Object.is(value, -0)) throw new Error(`embedded descriptors: unexpected number ${value}`);
      return String(value);
    }
    if (value === null || typeof value !== "object") throw new Error(`embedded descriptors: unexpected ${typeof value}`);
    const keys = Object.getOwnPropertyNames(value);
    if (Object.keys(value).length !== keys.length || Object.getOwnPropertySymbols(value).length) {
      throw new Error("embedded descriptors: a non-enumerable or symbol property");
    }
    const body = `{${keys.map((key) => `${JSON.stringify(key)}:${code(value[key])}`).join(",")}}`;
    const prototype = Object.getPrototypeOf(value);
    if (prototype === Object.prototype) return body;
    if (Object.getPrototypeOf(prototype) !== Object.prototype) throw new Error("embedded descriptors: a deeper prototype chain");
    if (!prototypes.has(prototype)) prototypes.set(prototype, prototypes.size);
    return `$o(${prototypes.get(prototype)},${body})`;
  };
  const build = `($o) => (${code(root)})`;
  return `[${[...prototypes.keys()].map(code).join(",")}], ${build}`;
}

/**
 * The esbuild plugin: every bundled `*_pb.js` whose descriptor is `fileDesc("<base64>"…)` gets it as a literal.
 * `root` is the repository (for protobuf-es's internals in node_modules).
 */
export function embeddedDescriptors(root) {
  return {
    name: "embedded-descriptors",
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${helper}$`) }, () => ({ path: helper, namespace: helper }));
      build.onLoad({ filter: /.*/, namespace: helper }, () => ({ contents: helperSource, loader: "js", resolveDir: root }));
      build.onResolve({ filter: /^@bufbuild\/protobuf\/wkt$/ }, (args) =>
        /[\\/]node_modules[\\/]@connectrpc[\\/]/.test(args.importer) ? { path: connectWkt, namespace: connectWkt } : undefined);
      build.onLoad({ filter: /.*/, namespace: connectWkt }, () => ({ contents: connectWktSource(), loader: "js", resolveDir: root }));
      build.onLoad({ filter: /_pb\.js$/ }, async (args) => {
        const text = readFileSync(args.path, "utf8");
        const calls = [...text.matchAll(/\bfileDesc\("([A-Za-z0-9+/=]+)"/g)];
        if (!calls.length) return undefined;
        let contents = text;
        for (const [call, b64] of calls) {
          const replacement = `fileDescFromLiteral(${await literalArguments(b64, root)}`;
          contents = contents.replace(call, () => replacement);
        }
        return { contents: `import { fileDescFromLiteral } from "${helper}";\n${contents}`, loader: "js" };
      });
    },
  };
}
