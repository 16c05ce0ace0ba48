/**
 * The `jina-ts` command: `executor`, `flow`, `ping`, `post`, in Jina's kebab-case flags.
 *
 * @example
 * ```sh
 * npx jina-ts executor --uses ./indexer.ts#Indexer --port 8081
 * npx jina-ts ping executor 127.0.0.1:8081
 * npx jina-ts flow --uses ./flow.ts
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runExecutor } from "../executor/mod.ts";
import { JinaError } from "../proto/errors.ts";
import { jinaTsVersion } from "../proto/server/mod.ts";
import { commandArgs, exit } from "../runtime/mod.ts";
import { runFlowModule } from "./flow-command.ts";
import { postUsage, runPostCommand } from "./post-command.ts";
import { ping, type PingTarget } from "./ping.ts";

const usage = `jina-ts ${jinaTsVersion}: Jina 3.x for TypeScript

  jina-ts executor --uses ./file.ts#Class [--port N] [--host H] [--name N] [--uses-with JSON] …
  jina-ts flow --uses ./flow.ts           start the Flow the module exports (default or "flow")
  jina-ts ping executor|gateway|flow ADDRESS [--timeout MS] [--attempts N] [--min-successful-attempts N]
                                          ADDRESS: host:port, grpc://, grpcs://, http:// or https://host:port
  ${postUsage}
                                          sends documents from a file to a flow, showing progress
  jina-ts --version | --help`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "executor":
      await runExecutor(rest);
      return -1; // keeps serving
    case "flow": {
      const { values } = parseArgs({ args: rest, options: { uses: { type: "string" } } });
      if (!values.uses) throw new JinaError("jina-ts flow needs --uses ./flow.ts");
      await runFlowModule(values.uses, console.log);
      return 0;
    }
    case "ping": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          timeout: { type: "string" },
          attempts: { type: "string" },
          "min-successful-attempts": { type: "string" },
        },
      });
      const [target, address] = positionals;
      if (!["executor", "gateway", "flow"].includes(target ?? "") || !address) {
        throw new JinaError("jina-ts ping needs a target (executor, gateway or flow) and an address");
      }
      const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
      const ok = await ping(target as PingTarget, address, {
        ...(values.timeout ? { timeoutMs: number(values.timeout)! } : {}),
        ...(values.attempts ? { attempts: number(values.attempts)! } : {}),
        ...(values["min-successful-attempts"] ? { minSuccessfulAttempts: number(values["min-successful-attempts"])! } : {}),
      }, console.log);
      return ok ? 0 : 1;
    }
    case "post":
      console.log(await runPostCommand(rest));
      return 0;
    case "--version":
    case "-v":
      console.log(jinaTsVersion);
      return 0;
    case undefined:
    case "--help":
    case "-h":
    case "help":
      console.log(usage);
      return 0;
    default:
      console.error(`jina-ts: unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

try {
  const code = await main(commandArgs());
  if (code >= 0) exit(code);
} catch (error) {
  console.error(`jina-ts: ${JinaError.from(error).rawMessage}`);
  exit(1);
}
