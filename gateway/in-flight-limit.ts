/**
 * The gateway-wide bound on requests in flight through the HTTP routes and unary gRPC (`prefetch`): a request
 * beyond it is refused at once with RESOURCE_EXHAUSTED (HTTP 429), never queued.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * A counter of requests in flight with a ceiling.
 *
 * @example
 * ```ts
 * const release = limit.acquire(); // throws RESOURCE_EXHAUSTED when full
 * try {
 *   return await gateway.handle(request);
 * } finally {
 *   release();
 * }
 * ```
 */
export interface InFlightLimit {
  /** The ceiling; 0 means none. */
  readonly limit: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /**
   * Takes a slot and returns the function that frees it (calling it again does nothing). Throws a JinaError
   * (ResourceExhausted, HTTP 429) saying how many are in flight and what to do when every slot is taken.
   */
  acquire(): () => void;
}

/**
 * Creates the bound; `prefetch` 0 means no limit.
 *
 * @example
 * ```ts
 * const limit = createInFlightLimit(10);
 * const releases = Array.from({ length: 10 }, () => limit.acquire());
 * limit.acquire(); // throws: "the gateway has 10 requests in flight (prefetch = 10); retry later or raise prefetch"
 * ```
 */
export function createInFlightLimit(prefetch: number): InFlightLimit {
  let inFlight = 0;
  return {
    limit: prefetch,
    get inFlight() {
      return inFlight;
    },
    acquire() {
      if (prefetch > 0 && inFlight >= prefetch) {
        throw new JinaError(
          `the gateway has ${inFlight} requests in flight (prefetch = ${prefetch}); retry later or raise prefetch`,
          ErrorCode.ResourceExhausted,
          { httpStatus: 429 },
        );
      }
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
      };
    },
  };
}
