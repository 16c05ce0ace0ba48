/**
 * The connect protocol of the client (being written).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { ResolvedClientOptions } from "./options.ts";
import type { ClientTransport } from "./transport.ts";

/**
 * Creates the connect transport of a client.
 *
 * @example
 * ```ts
 * const transport = createConnectClientTransport({ host: "127.0.0.1", port: 8080, protocol: "connect", tls: false });
 * ```
 */
export function createConnectClientTransport(_options: ResolvedClientOptions): ClientTransport {
  throw new JinaError("The connect client protocol is not written yet", ErrorCode.Unimplemented);
}
