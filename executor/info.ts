/**
 * What `jina.JinaInfoRPC/_status` answers: version information with Jina's keys and the `JINA_*` environment.
 *
 * @module
 */
import { allEnv, runtimeName } from "../runtime/mod.ts";

/**
 * The Jina release whose wire format and semantics jina-ts follows.
 *
 * @example
 * ```ts
 * jinaInfo().jina.jina === jinaVersion; // true
 * ```
 */
export const jinaVersion = "3.14.2";
/**
 * The version of jina-ts itself (kept equal to package.json).
 *
 * @example
 * ```ts
 * jinaInfo().jina["jina-ts"] === jinaTsVersion; // true
 * ```
 */
export const jinaTsVersion = "0.1.0";

/** Jina's `__jina_env__`: the environment variables `_status` reports, `(unset)` when absent. */
const jinaEnvNames = [
  "JINA_DEFAULT_HOST", "JINA_DEFAULT_TIMEOUT_CTRL", "JINA_DEPLOYMENT_NAME", "JINA_DISABLE_UVLOOP", "JINA_EARLY_STOP",
  "JINA_FULL_CLI", "JINA_GATEWAY_IMAGE", "JINA_GRPC_RECV_BYTES", "JINA_GRPC_SEND_BYTES", "JINA_HUB_NO_IMAGE_REBUILD",
  "JINA_LOG_CONFIG", "JINA_LOG_LEVEL", "JINA_LOG_NO_COLOR", "JINA_MP_START_METHOD", "JINA_OPTOUT_TELEMETRY",
  "JINA_RANDOM_PORT_MAX", "JINA_RANDOM_PORT_MIN", "JINA_LOCKS_ROOT", "JINA_K8S_ACCESS_MODES",
  "JINA_K8S_STORAGE_CLASS_NAME", "JINA_K8S_STORAGE_CAPACITY", "JINA_STREAMER_ARGS",
];

const sessionId = crypto.randomUUID();
const startedAt = new Date().toISOString();

/**
 * Version information and environment, as Jina's `get_full_version()` gives them (`jina`, `docarray`,
 * `jina-proto`, `protobuf`, `proto-backend`, `session-id`, `uptime`, ...) plus `jina-ts` and `runtime`.
 *
 * @example
 * ```ts
 * const { jina, envs } = jinaInfo();
 * jina["jina"];    // "3.14.2"
 * jina["runtime"]; // "node" | "deno" | "bun"
 * ```
 */
export function jinaInfo(): { jina: Record<string, string>; envs: Record<string, string> } {
  const env = allEnv();
  const envs: Record<string, string> = {};
  for (const name of jinaEnvNames) envs[name] = env[name] ?? "(unset)";
  for (const [name, value] of Object.entries(env)) if (name.startsWith("JINA_")) envs[name] = value;
  return {
    jina: {
      "jina": jinaVersion,
      "docarray": "0.21.0",
      "jina-proto": "0.1.13",
      "protobuf": "2.13.0",
      "proto-backend": "protobuf-es",
      "jina-ts": jinaTsVersion,
      "runtime": runtimeName(),
      "session-id": sessionId,
      "uptime": startedAt,
    },
    envs,
  };
}
