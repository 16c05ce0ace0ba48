/**
 * google/protobuf/descriptor.proto's `FileDescriptorProto` schema, in a module of its own so that reflection loads it
 * on its first file request (`import()`): building descriptor.proto's descriptors costs ~15 CPU-ms, which a process
 * that is never asked for a file descriptor should not pay at start (issue 8, fast start).
 *
 * @example
 * ```ts
 * const { FileDescriptorProtoSchema } = await import("./descriptor-schema.ts");
 * toBinary(FileDescriptorProtoSchema, file.proto);
 * ```
 *
 * @module
 */
export { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
