/**
 * gRPC server reflection v1alpha: `list_services`, which Jina's connection pool calls to find the stubs a peer
 * offers. Other reflection requests answer with an UNIMPLEMENTED error response.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ErrorCode } from "../proto/errors.ts";
import { type ServerReflection, ServerReflectionResponseSchema } from "../proto/gen/grpc/reflection_pb.ts";

/**
 * The reflection service of a server that serves `services` (fully-qualified names).
 *
 * @example
 * ```ts
 * router.service(ServerReflection, createReflectionService(["jina.JinaRPC", "grpc.health.v1.Health"]));
 * ```
 */
export function createReflectionService(services: readonly string[]): ServiceImpl<typeof ServerReflection> {
  return {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        const messageResponse = request.messageRequest.case === "listServices"
          ? { case: "listServicesResponse" as const, value: { service: services.map((name) => ({ name })) } }
          : {
            case: "errorResponse" as const,
            value: { errorCode: ErrorCode.Unimplemented, errorMessage: `reflection request "${request.messageRequest.case ?? "empty"}" is not supported; only list_services is` },
          };
        yield create(ServerReflectionResponseSchema, { validHost: request.host, originalRequest: request, messageResponse });
      }
    },
  };
}
