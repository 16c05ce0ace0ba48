/**
 * The websocket protocol of the client (being written).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { ResolvedClientOptions } from "./options.ts";
import type { ClientTransport } from "./transport.ts";

/**
 * Creates the websocket transport of a client.
 *
 * @example
 * ```ts
 * const transport = createWebSocketClientTransport({ host: "127.0.0.1", port: 8080, protocol: "websocket", tls: false });
 * ```
 */
export function createWebSocketClientTransport(_options: ResolvedClientOptions): ClientTransport {
  throw new JinaError("The websocket client protocol is not written yet", ErrorCode.Unimplemented);
}
