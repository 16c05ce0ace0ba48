/**
 * `jina-ts flow --uses ./my-flow.ts`: starts the Flow a module exports (as `default` or `flow`) and serves it
 * until Ctrl-C.
 *
 * @module
 */
import { Flow } from "../flow/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { fileUrl } from "../runtime/mod.ts";

/**
 * Imports `path`, finds its Flow, starts it, prints its addresses and serves until SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await runFlowModule("./flows/search.ts", console.log);
 * ```
 */
export async function runFlowModule(path: string, report: (line: string) => void): Promise<void> {
  const module = (await import(fileUrl(path)).catch((error) => {
    throw new JinaError(`Cannot load the flow module "${path}": ${JinaError.from(error).rawMessage}`, ErrorCode.NotFound);
  })) as Record<string, unknown>;
  const flow = [module.default, module.flow].find((value): value is Flow => value instanceof Flow);
  if (!flow) {
    throw new JinaError(
      `"${path}" exports no Flow: export it as \`export default new Flow()…\` or \`export const flow = …\``,
      ErrorCode.InvalidArgument,
    );
  }
  await flow.start();
  const addresses = flow.protocols.map((protocol, i) => `${protocol}://${flow.host}:${flow.ports[i]}`);
  report(`flow ready: ${addresses.join(", ")} (Ctrl-C to stop)`);
  await flow.block();
}
