/**
 * What the gateway tells about itself (`/status` on HTTP, `jina.JinaInfoRPC/_status` on gRPC): Jina's
 * `{ jina: {...}, envs: {...} }`.
 *
 * @module
 */
import { allEnv, runtimeName } from "../runtime/mod.ts";

/**
 * The version of jina-ts the gateway reports.
 *
 * @example
 * ```ts
 * gatewayInfo(session).jina["jina-ts"] === jinaTsVersion; // true
 * ```
 */
export const jinaTsVersion = "0.1.0";
/**
 * The Jina wire protocol the gateway speaks.
 *
 * @example
 * ```ts
 * gatewayInfo(session).jina["jina-proto"]; // "3.14"
 * ```
 */
export const jinaProtocolVersion = "3.14";

/**
 * Jina's status shape: versions and environment, as string maps.
 *
 * @example
 * ```ts
 * const info: GatewayInfo = await (await fetch("http://127.0.0.1:8080/status")).json();
 * ```
 */
export interface GatewayInfo {
  jina: Record<string, string>;
  envs: Record<string, string>;
}

const secret = /TOKEN|SECRET|PASSWORD|KEY|AUTH/i;

/**
 * Builds the info of a gateway started at `startedAt` in session `sessionId`: versions, runtime and uptime in
 * `jina`, and the `JINA_*` environment variables in `envs` (names that look like secrets are left out).
 *
 * @example
 * ```ts
 * const info = gatewayInfo({ sessionId: crypto.randomUUID(), startedAt: new Date() });
 * info.jina.runtime; // "node", "deno" or "bun"
 * ```
 */
export function gatewayInfo(session: { sessionId: string; startedAt: Date }): GatewayInfo {
  const envs: Record<string, string> = {};
  for (const [name, value] of Object.entries(allEnv())) {
    if (name.startsWith("JINA_") && !secret.test(name)) envs[name] = value;
  }
  return {
    jina: {
      "jina-ts": jinaTsVersion,
      "jina-proto": jinaProtocolVersion,
      runtime: runtimeName(),
      "session-id": session.sessionId,
      uptime: session.startedAt.toISOString(),
    },
    envs,
  };
}
