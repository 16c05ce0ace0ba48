/**
 * An executor reached in memory: Connect's router transport over the executor's routes, no sockets.
 *
 * @module
 */
import { createRouterTransport, type Transport } from "@connectrpc/connect";
import type { Executor } from "./executor.ts";
import { createExecutorRoutes } from "./services.ts";

/**
 * A Connect transport that calls `executor` in this process (what the gateway uses for in-process replicas).
 *
 * @example
 * ```ts
 * import { createClient } from "@connectrpc/connect";
 * import { JinaSingleDataRequestRPC } from "jina-ts/proto";
 * const client = createClient(JinaSingleDataRequestRPC, createExecutorTransport(new Upper()));
 * const response = await client.process_single_data(request);
 * ```
 */
export function createExecutorTransport(executor: Executor): Transport {
  return createRouterTransport(createExecutorRoutes(executor));
}
