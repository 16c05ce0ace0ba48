/**
 * The handle every listening server of jina-ts returns, whatever the runtime and protocol.
 *
 * @module
 */

/** A listening server. `close()` stops accepting, ends open connections and frees the port. */
export interface Server extends AsyncDisposable {
  /** The port actually bound (useful after asking for port 0). */
  readonly port: number;
  /** The host bound. */
  readonly host: string;
  /** `http://host:port` (or `https://`). */
  readonly url: string;
  /** Stops the server and frees its port. Safe to call twice. */
  close(): Promise<void>;
}

/** TLS material for a server: PEM text of the certificate chain and the private key. */
export interface TlsOptions {
  cert: string;
  key: string;
}

/** Builds a {@link Server} from a port, host and a close function that may be called more than once. */
export function createServerHandle(port: number, host: string, tls: boolean, stop: () => Promise<void>): Server {
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= stop());
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  return {
    port,
    host,
    url: `${tls ? "https" : "http"}://${hostInUrl}:${port}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
