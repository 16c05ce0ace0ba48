/**
 * What `jina.JinaInfoRPC/_status` (and the gateway's `GET /status`) answers: Jina's `{ jina: {...}, envs: {...} }`,
 * version information with Jina's keys and the `JINA_*` environment. The caller passes the environment, runtime
 * and session in, so this stays free of any runtime's API.
 *
 * @module
 */
import { jinaCompatVersion, jinaTsVersion } from "./version.ts";

/**
 * Jina's status shape: versions and environment, as string maps.
 *
 * @example
 * ```ts
 * const info: JinaInfo = await (await fetch("http://127.0.0.1:8080/status")).json();
 * info.jina["jina-ts"]; // "0.1.0"
 * ```
 */
export interface JinaInfo {
  jina: Record<string, string>;
  envs: Record<string, string>;
}

/**
 * What {@link jinaInfo} reports about the server it describes.
 *
 * @example
 * ```ts
 * import { allEnv, runtimeName } from "jina-ts/runtime";
 * const context: JinaInfoContext = { env: allEnv(), runtime: runtimeName(), sessionId: "a1b2", startedAt: new Date() };
 * ```
 */
export interface JinaInfoContext {
  /** The process environment; only `JINA_*` names are reported. */
  env: Readonly<Record<string, string | undefined>>;
  /** The JavaScript runtime: "node", "deno" or "bun". */
  runtime: string;
  /** Identifies this server's session (Jina's `session-id`). */
  sessionId: string;
  /** When the server started (Jina's `uptime`). */
  startedAt: Date;
}

/**
 * A server's session for {@link jinaInfo}: started now, its id made by `newId` the first time it is read (a random id
 * made at start-up would load the WebCrypto implementation before the server is ready: ~1 ms of CPU, issue 8).
 *
 * @example
 * ```ts
 * const session = serverSession(randomId);
 * jinaInfo({ env: allEnv(), runtime: runtimeName(), ...session }); // the same session-id on every call
 * ```
 */
export function serverSession(newId: () => string): Pick<JinaInfoContext, "sessionId" | "startedAt"> {
  let sessionId: string | undefined;
  return {
    get sessionId() {
      return (sessionId ??= newId());
    },
    startedAt: new Date(),
  };
}

/** Jina's `__jina_env__`: the environment variables `_status` always reports, `(unset)` when absent. */
const jinaEnvNames = [
  "JINA_DEFAULT_HOST", "JINA_DEFAULT_TIMEOUT_CTRL", "JINA_DEPLOYMENT_NAME", "JINA_DISABLE_UVLOOP", "JINA_EARLY_STOP",
  "JINA_FULL_CLI", "JINA_GATEWAY_IMAGE", "JINA_GRPC_RECV_BYTES", "JINA_GRPC_SEND_BYTES", "JINA_HUB_NO_IMAGE_REBUILD",
  "JINA_LOG_CONFIG", "JINA_LOG_LEVEL", "JINA_LOG_NO_COLOR", "JINA_MP_START_METHOD", "JINA_OPTOUT_TELEMETRY",
  "JINA_RANDOM_PORT_MAX", "JINA_RANDOM_PORT_MIN", "JINA_LOCKS_ROOT", "JINA_K8S_ACCESS_MODES",
  "JINA_K8S_STORAGE_CLASS_NAME", "JINA_K8S_STORAGE_CAPACITY", "JINA_STREAMER_ARGS",
];

/** Names that look like they hold a secret: never reported. */
const secret = /TOKEN|SECRET|PASSWORD|KEY|AUTH/i;

/**
 * Version information and environment, as Jina's `get_full_version()` gives them (`jina`, `docarray`,
 * `jina-proto`, `protobuf`, `proto-backend`, `session-id`, `uptime`) plus `jina-ts` and `runtime`; `envs` has
 * Jina's `JINA_*` names (`(unset)` when absent) and every other `JINA_*` variable set, except names that look
 * like secrets (TOKEN, SECRET, PASSWORD, KEY, AUTH).
 *
 * @example
 * ```ts
 * import { allEnv, runtimeName } from "jina-ts/runtime";
 * const { jina, envs } = jinaInfo({ env: allEnv(), runtime: runtimeName(), sessionId: "a1b2", startedAt: new Date() });
 * jina["jina"];    // "3.14.2"
 * jina["runtime"]; // "node" | "deno" | "bun"
 * ```
 */
export function jinaInfo(context: JinaInfoContext): JinaInfo {
  const envs: Record<string, string> = {};
  for (const name of jinaEnvNames) envs[name] = context.env[name] ?? "(unset)";
  for (const [name, value] of Object.entries(context.env)) {
    if (name.startsWith("JINA_") && value !== undefined && !secret.test(name)) envs[name] = value;
  }
  return {
    jina: {
      "jina": jinaCompatVersion,
      "docarray": "0.21.0",
      "jina-proto": "0.1.13",
      "protobuf": "2.13.0",
      "proto-backend": "protobuf-es",
      "jina-ts": jinaTsVersion,
      "runtime": context.runtime,
      "session-id": context.sessionId,
      "uptime": context.startedAt.toISOString(),
    },
    envs,
  };
}
