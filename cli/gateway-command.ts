/**
 * `jina-ts gateway --graph-description … --deployments-addresses …`: a gateway pointed at executors it did not start
 * (Jina's `jina gateway`), as the Kubernetes and docker-compose exports run it.
 *
 * @module
 */
import { gatewayFlags } from "../gateway/main-args.ts";
import { type CliFlags, formatUsage } from "./command.ts";

/** The command's name. */
export const name = "gateway";

/** One line for `jina-ts --help`. */
export const summary = "serves a gateway in front of executors it did not start";

/** Every flag (the same table the gateway parses). */
export const flags: CliFlags = gatewayFlags;

/** `jina-ts gateway --help`. */
export const usage = formatUsage(
  "jina-ts gateway --graph-description JSON --deployments-addresses JSON [--protocol grpc http websocket] [--port N …] [flags]",
  "Serves the same gateway a Flow starts, on every protocol, until Ctrl-C; prints `JINA_GATEWAY_READY {\"ports\":[…]}`\n" +
    "once every port listens. Binds 127.0.0.1 unless --host says otherwise (the exports write 0.0.0.0).",
  flags,
);

/**
 * Serves the gateway; resolves `"serving"` (the process runs until a signal).
 *
 * @example
 * ```ts
 * await run(["--graph-description", '{"start-gateway":["enc"],"enc":["end-gateway"]}', "--deployments-addresses", '{"enc":["grpc://10.0.0.5:8080"]}']);
 * ```
 */
export async function run(args: string[]): Promise<"serving"> {
  const { runGateway } = await import("../gateway/run-gateway.ts");
  await runGateway(args);
  return "serving";
}
