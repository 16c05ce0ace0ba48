/**
 * Parses the addresses the CLI takes: `host:port`, `grpc://host:port`, `grpcs://…`, `http://…`, `https://…`.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";

/** An address the CLI talks to. */
export interface CliAddress {
  scheme: "grpc" | "http" | "websocket";
  tls: boolean;
  host: string;
  port: number;
}

const schemes: Record<string, Pick<CliAddress, "scheme" | "tls">> = {
  grpc: { scheme: "grpc", tls: false },
  grpcs: { scheme: "grpc", tls: true },
  http: { scheme: "http", tls: false },
  https: { scheme: "http", tls: true },
  ws: { scheme: "websocket", tls: false },
  wss: { scheme: "websocket", tls: true },
};

/**
 * Parses `text`; an address without a scheme is gRPC.
 *
 * @example
 * ```ts
 * parseAddress("127.0.0.1:54321");          // { scheme: "grpc", tls: false, host: "127.0.0.1", port: 54321 }
 * parseAddress("https://example.org:8443"); // { scheme: "http", tls: true, … }
 * ```
 */
export function parseAddress(text: string): CliAddress {
  const match = /^(?:([a-z]+):\/\/)?(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(text);
  const kind = schemes[match?.[1] ?? "grpc"];
  const port = Number(match?.[3]);
  if (!match || !kind || !(port >= 1 && port <= 65535)) {
    throw new JinaError(
      `"${text}" is not an address: use host:port or grpc://, grpcs://, http://, https://, ws://, wss:// followed by host:port`,
      ErrorCode.InvalidArgument,
    );
  }
  return { ...kind, host: match[2]!.replace(/^\[|\]$/g, ""), port };
}
