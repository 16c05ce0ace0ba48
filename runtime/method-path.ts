/**
 * The HTTP/2 path of a gRPC method.
 *
 * @module
 */
import type { DescMethod } from "@bufbuild/protobuf";

/**
 * The path a gRPC call of `method` is sent to: `/package.Service/Method`.
 *
 * @example
 * ```ts
 * methodPath(JinaRPC.method.call); // "/jina.JinaRPC/Call"
 * ```
 */
export function methodPath(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}
