/**
 * The bound on documents per request (`maxDocs`) that the gateway and the executor share: a request over it answers
 * RESOURCE_EXHAUSTED (HTTP 413) saying how to send it instead.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { JinaDataRequestRPC, JinaRPC, JinaSingleDataRequestRPC } from "../proto/gen/jina_pb.ts";
import { methodPath } from "../runtime/method-path.ts";
import { countRequestDocs, countRequestListDocs } from "./wire/doc-count.ts";

/**
 * Default of `maxDocs`: documents in one request.
 *
 * @example
 * ```ts
 * import { defaultMaxDocs } from "jina-ts/docarray";
 * const maxDocs = options.maxDocs ?? defaultMaxDocs; // 100,000
 * ```
 */
export const defaultMaxDocs = 100_000;

/**
 * Throws RESOURCE_EXHAUSTED (HTTP 413) when `count` documents are more than `maxDocs` (0: no limit).
 *
 * @example
 * ```ts
 * import { checkDocCount, countRequestDocs } from "jina-ts/docarray";
 * checkDocCount(countRequestDocs(bytes) ?? 0, 100_000);
 * ```
 */
export function checkDocCount(count: number, maxDocs: number): void {
  if (maxDocs > 0 && count > maxDocs) {
    throw new JinaError(
      `The request has ${count} documents, more than maxDocs=${maxDocs}: send them in batches (the client's requestSize) or raise maxDocs`,
      ErrorCode.ResourceExhausted,
      { httpStatus: 413 },
    );
  }
}

/** The gRPC data methods and how each counts its documents from the message bytes (a list sums its requests). */
const countersByPath = new Map<string, (bytes: Uint8Array) => number | undefined>([
  [methodPath(JinaRPC.method.call), countRequestDocs],
  [methodPath(JinaSingleDataRequestRPC.method.process_single_data), countRequestDocs],
  [methodPath(JinaDataRequestRPC.method.process_data), countRequestListDocs],
]);

/**
 * A check for a gRPC server's messages (`serveGrpc`'s `checkMessage`) that refuses a data message (`Call`,
 * `process_single_data`, `process_data`) of more than `maxDocs` documents before it is decoded, so an oversized
 * request costs no decode. Messages of other methods pass.
 *
 * @example
 * ```ts
 * import { docCountCheck } from "jina-ts/docarray";
 * await serveGrpc({ routes, checkMessage: docCountCheck(100_000) });
 * ```
 */
export function docCountCheck(maxDocs: number): (path: string, message: Uint8Array) => void {
  return (path, message) => {
    const count = countersByPath.get(path);
    if (count) checkDocCount(count(message) ?? 0, maxDocs);
  };
}

/**
 * {@link docCountCheck} for a data message in protobuf's JSON form (Connect's JSON codec): refuses one whose
 * `data.docs.docs` holds more than `maxDocs` documents, before Connect turns them into messages.
 *
 * @example
 * ```ts
 * import { jsonDocCountCheck } from "jina-ts/docarray";
 * jsonDocCountCheck(2)("/jina.JinaRPC/Call", { data: { docs: { docs: [{}, {}, {}] } } }); // throws: 3 > 2
 * ```
 */
export function jsonDocCountCheck(maxDocs: number): (path: string, message: unknown) => void {
  return (path, message) => {
    if (path === methodPath(JinaDataRequestRPC.method.process_data) || !countersByPath.has(path)) return;
    const docs = (message as { data?: { docs?: { docs?: unknown } } } | null)?.data?.docs?.docs;
    if (Array.isArray(docs)) checkDocCount(docs.length, maxDocs);
  };
}
