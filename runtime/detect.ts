/**
 * Which JavaScript runtime is running: the one place that tells Node from Deno from Bun.
 *
 * @module
 */

/** The runtimes jina-ts runs on. */
export type RuntimeName = "node" | "deno" | "bun";

/** The parts of the `Deno` global that runtime/ uses. */
export interface DenoGlobal {
  serve(options: {
    port: number;
    hostname: string;
    cert?: string;
    key?: string;
    onListen?: (addr: { port: number; hostname: string }) => void;
    signal?: AbortSignal;
  }, handler: (request: Request) => Response | Promise<Response>): { finished: Promise<void>; shutdown(): Promise<void>; addr: { port: number } };
}

/** The parts of the `Bun` global that runtime/ uses. */
export interface BunGlobal {
  serve(options: {
    port: number;
    hostname: string;
    fetch: (request: Request, server: { timeout?(request: Request, seconds: number): void }) => Response | Promise<Response> | undefined;
    tls?: { cert: string; key: string };
    idleTimeout?: number;
    maxRequestBodySize?: number;
    websocket?: unknown;
  }): { port: number; stop(closeActive?: boolean): Promise<void> | void };
}

const globals = globalThis as { Deno?: DenoGlobal; Bun?: BunGlobal };

/** The Deno global, when running on Deno. */
export const denoGlobal: DenoGlobal | undefined = globals.Deno;
/** The Bun global, when running on Bun. */
export const bunGlobal: BunGlobal | undefined = globals.Bun;

/**
 * The name of the runtime executing this code.
 *
 * @example
 * ```ts
 * import { runtimeName } from "jina-ts/runtime";
 * if (runtimeName() === "bun") console.log("running on Bun");
 * ```
 */
export function runtimeName(): RuntimeName {
  if (bunGlobal) return "bun";
  if (denoGlobal) return "deno";
  return "node";
}
