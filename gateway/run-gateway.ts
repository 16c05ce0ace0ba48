/**
 * A gateway on its own (Jina's `jina gateway`): pointed at executors it did not start, as the exports run it in
 * a container next to executor containers.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { exit, onShutdown, readText, saveCodeCaches, watchParent } from "../runtime/mod.ts";
import { createGateway, type Gateway } from "./gateway.ts";
import { gatewayOptionsOf, parseGatewayArgs } from "./main-args.ts";

/**
 * The line a standalone gateway prints once every port listens.
 *
 * @example
 * ```ts
 * const ready = line.startsWith(gatewayReadyPrefix) ? JSON.parse(line.slice(gatewayReadyPrefix.length)) : undefined; // { ports: [8080, 8081] }
 * ```
 */
export const gatewayReadyPrefix = "JINA_GATEWAY_READY ";

/**
 * Serves a gateway from `jina-ts gateway`'s flags (see `gateway/main-args.ts`) — an address whose host is a name
 * becomes one replica per address it resolves to (`gateway/dns-watch.ts`) —, serves every protocol on its
 * port, the metrics port with `--monitoring`, then prints `JINA_GATEWAY_READY {"ports":[…]}` (and
 * `"portMonitoring"`). SIGTERM / SIGINT close it and exit 0, and so does the exit of `JINA_PARENT_PID`. Bad flags print one line and exit 1.
 *
 * @example
 * ```ts
 * await runGateway(["--graph-description", '{"start-gateway":["enc"],"enc":["end-gateway"]}',
 *   "--deployments-addresses", '{"enc":["grpc://10.0.0.5:8080"]}', "--protocol", "grpc", "http", "--port", "8080", "8081"]);
 * ```
 */
export async function runGateway(argv: string[]): Promise<void> {
  let gateway: Gateway | undefined;
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await gateway?.close().catch(() => {});
    exit(0);
  };
  onShutdown(stop);
  watchParent(() => void stop());
  try {
    const args = parseGatewayArgs(argv);
    const options = gatewayOptionsOf(args);
    const read = (flag: string, path: string) => {
      try {
        return readText(path);
      } catch (error) {
        throw new JinaError(`jina-ts gateway: ${flag}: cannot read ${path} (${(error as Error).message})`, ErrorCode.InvalidArgument);
      }
    };
    if ((args.sslCertfile === undefined) !== (args.sslKeyfile === undefined)) {
      throw new JinaError("jina-ts gateway: give both --ssl-certfile and --ssl-keyfile", ErrorCode.InvalidArgument);
    }
    const tls = args.sslCertfile && args.sslKeyfile ? { cert: read("--ssl-certfile", args.sslCertfile), key: read("--ssl-keyfile", args.sslKeyfile) } : undefined;
    gateway = createGateway(options);
    const ports: number[] = [];
    for (const [index, protocol] of args.protocols.entries()) {
      const server = await gateway.serve({ protocol, port: args.ports[index] ?? 0, host: args.host, ...(tls ? { tls } : {}) });
      ports.push(server.port);
    }
    const monitoring = args.monitoring ? await gateway.serveMonitoring({ port: args.portMonitoring ?? 0, host: args.host }) : undefined;
    if (stopping) return;
    console.log(`${gatewayReadyPrefix}${JSON.stringify(monitoring ? { ports, portMonitoring: monitoring.port } : { ports })}`);
    saveCodeCaches({ onlyMissing: true }); // from the package build, once: the next gateway compiles its modules from them
  } catch (error) {
    await gateway?.close().catch(() => {});
    console.error(`jina-ts gateway: ${JinaError.from(error).rawMessage.replace(/^jina-ts gateway: /, "")}`);
    exit(1);
  }
}
