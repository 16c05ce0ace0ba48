/**
 * `jina-ts ping executor|gateway|flow ADDRESS`: Jina's readiness check. `executor` asks gRPC health; `gateway`
 * asks gRPC health (or `GET /` over HTTP); `flow` sends one document through the whole flow (dry run).
 *
 * @module
 */
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../proto/gen/grpc/health_pb.ts";
import { StatusProto_StatusCode } from "../proto/gen/jina_pb.ts";
import { type CliAddress, parseAddress } from "./address.ts";

/** What `ping` checks. */
export type PingTarget = "executor" | "gateway" | "flow";

/** Options of {@link ping}. */
export interface PingOptions {
  /** Deadline of one attempt, in ms (default 3000). */
  timeoutMs?: number;
  /** How many attempts (default 1). */
  attempts?: number;
  /** How many must succeed (default 1). */
  minSuccessfulAttempts?: number;
}

async function pingOnce(target: PingTarget, address: CliAddress, signal: AbortSignal): Promise<void> {
  const base = `${address.tls ? "https" : "http"}://${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`;
  if (target === "flow") {
    const { Client } = await import("../client/mod.ts");
    const client = new Client({ host: address.host, port: address.port, protocol: address.scheme, tls: address.tls });
    try {
      const status = await client.dryRun({ signal });
      if (status.code !== StatusProto_StatusCode.SUCCESS) throw new JinaError(status.description, ErrorCode.Unavailable);
    } finally {
      client.close();
    }
  } else if (address.scheme !== "grpc") {
    const response = await fetch(`${base}/`, { signal });
    if (!response.ok) throw new JinaError(`GET / answered ${response.status}`, ErrorCode.Unavailable);
  } else {
    // One session per attempt, closed right after: an idle HTTP/2 session that the server closes later can crash
    // Deno's node:http2 client.
    const sessionManager = new Http2SessionManager(base);
    try {
      const health = createClient(Health, createGrpcTransport({ baseUrl: base, sessionManager }));
      const { status } = await health.check({}, { signal });
      if (status !== HealthCheckResponse_ServingStatus.SERVING) {
        throw new JinaError(`health is ${HealthCheckResponse_ServingStatus[status]}`, ErrorCode.Unavailable);
      }
    } finally {
      sessionManager.abort();
    }
  }
}

/**
 * Pings `address` `attempts` times and resolves with whether at least `minSuccessfulAttempts` succeeded;
 * `report` receives one line per attempt.
 *
 * @example
 * ```ts
 * const ok = await ping("executor", "127.0.0.1:8081", { timeoutMs: 1000 }, console.log);
 * ```
 */
export async function ping(
  target: PingTarget,
  addressText: string,
  options: PingOptions = {},
  report: (line: string) => void = () => {},
): Promise<boolean> {
  const address = parseAddress(addressText);
  const attempts = options.attempts ?? 1;
  let succeeded = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await pingOnce(target, address, AbortSignal.timeout(options.timeoutMs ?? 3000));
      succeeded++;
      report(`ping ${target} ${addressText} [${attempt}/${attempts}]: ready`);
    } catch (error) {
      report(`ping ${target} ${addressText} [${attempt}/${attempts}]: not ready: ${JinaError.from(error).rawMessage}`);
    }
  }
  return succeeded >= (options.minSuccessfulAttempts ?? 1);
}
