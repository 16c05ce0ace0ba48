/**
 * The bound on documents per request (`maxDocs`) that the gateway and the executor share: a request over it answers
 * RESOURCE_EXHAUSTED (HTTP 413) saying how to send it instead.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

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
