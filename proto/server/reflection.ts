/**
 * gRPC server reflection, v1alpha (`grpc.reflection.v1alpha.ServerReflection`), for executors and the gateway:
 * `list_services`, which Jina's connection pool calls before anything else to find the stubs a peer offers, plus the
 * file descriptors of the served services (by file name or symbol) so that tools like grpcurl work.
 *
 * @module
 */
import { create, type DescFile, type DescMessage, type DescService, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import type { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ErrorCode } from "../errors.ts";
import {
  type ServerReflection,
  type ServerReflectionRequest,
  ServerReflectionResponseSchema,
} from "../gen/grpc/reflection_pb.ts";

type Answer = NonNullable<MessageInitShape<typeof ServerReflectionResponseSchema>["messageResponse"]>;

/** Every file the services need, by file name, and the file declaring each fully-qualified symbol. */
function indexFiles(services: readonly DescService[]) {
  const files = new Map<string, DescFile>();
  const symbols = new Map<string, DescFile>();
  const addMessage = (file: DescFile, message: DescMessage) => {
    symbols.set(message.typeName, file);
    for (const nested of message.nestedMessages) addMessage(file, nested);
    for (const nested of message.nestedEnums) symbols.set(nested.typeName, file);
  };
  const addFile = (file: DescFile) => {
    if (files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    for (const message of file.messages) addMessage(file, message);
    for (const enumeration of file.enums) symbols.set(enumeration.typeName, file);
    for (const service of file.services) {
      symbols.set(service.typeName, file);
      for (const method of service.methods) symbols.set(`${service.typeName}.${method.name}`, file);
    }
    for (const dependency of file.dependencies) addFile(dependency);
  };
  for (const service of services) addFile(service.file);
  return { files, symbols };
}

/** The FileDescriptorProto schema, loaded on the first file request (see descriptor-schema.ts). */
let descriptorSchema: typeof FileDescriptorProtoSchema | undefined;

/** A file and everything it imports, the file first, as grpc reflection answers. */
function withDependencies(file: DescFile, schema: typeof FileDescriptorProtoSchema): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  const visit = (f: DescFile) => {
    if (seen.has(f.proto.name)) return;
    seen.add(f.proto.name);
    out.push(toBinary(schema, f.proto));
    for (const dependency of f.dependencies) visit(dependency);
  };
  visit(file);
  return out;
}

/**
 * The reflection service for a server that serves `services` (their names are what `list_services` answers).
 *
 * @example
 * ```ts
 * router.service(ServerReflection, createReflectionService([JinaRPC, Health, ServerReflection]));
 * ```
 */
export function createReflectionService(services: readonly DescService[]): ServiceImpl<typeof ServerReflection> {
  const { files, symbols } = indexFiles(services);
  const names = services.map((service) => service.typeName);
  const error = (errorCode: ErrorCode, errorMessage: string): Answer => ({ case: "errorResponse", value: { errorCode, errorMessage } });
  const fileAnswer = (file: DescFile | undefined, what: string): Answer =>
    file
      ? { case: "fileDescriptorResponse", value: { fileDescriptorProto: withDependencies(file, descriptorSchema!) } }
      : error(ErrorCode.NotFound, `${what} not found`);
  const answer = (request: ServerReflectionRequest): Answer => {
    const message = request.messageRequest;
    switch (message.case) {
      case "listServices":
        return { case: "listServicesResponse", value: { service: names.map((name) => ({ name })) } };
      case "fileByFilename":
        return fileAnswer(files.get(message.value), `file "${message.value}"`);
      case "fileContainingSymbol":
        return fileAnswer(symbols.get(message.value.replace(/^\./, "")), `symbol "${message.value}"`);
      case "fileContainingExtension":
        return error(ErrorCode.NotFound, `extension ${message.value.extensionNumber} of "${message.value.containingType}" not found`);
      case "allExtensionNumbersOfType":
        return symbols.has(message.value)
          ? { case: "allExtensionNumbersResponse", value: { baseTypeName: message.value, extensionNumber: [] } }
          : error(ErrorCode.NotFound, `type "${message.value}" not found`);
      default:
        return error(ErrorCode.InvalidArgument, "empty reflection request: set list_services, file_by_filename or file_containing_symbol");
    }
  };
  return {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        const wanted = request.messageRequest.case;
        if (!descriptorSchema && (wanted === "fileByFilename" || wanted === "fileContainingSymbol")) {
          descriptorSchema = (await import("./descriptor-schema.ts")).FileDescriptorProtoSchema;
          // Deno: work that answering schedules right after a dynamic import settles (node:http2's nextTick writes)
          // can be left unrun, and the process exits; one macrotask turn first avoids it.
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        yield create(ServerReflectionResponseSchema, { validHost: request.host, originalRequest: request, messageResponse: answer(request) });
      }
    },
  };
}
