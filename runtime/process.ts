/**
 * The process around the code: environment variables, arguments, shutdown signals, exit, working directory.
 *
 * @module
 */
import process from "node:process";
import { launcherChain, launcherGone } from "./launcher.ts";

/**
 * Reads an environment variable.
 *
 * @example
 * ```ts
 * const level = getEnv("JINA_LOG_LEVEL") ?? "INFO";
 * ```
 */
export function getEnv(name: string): string | undefined {
  return process.env[name];
}

/** All environment variables as a plain object. */
export function allEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The command-line arguments after the script path. */
export function commandArgs(): string[] {
  return process.argv.slice(2);
}

/** The current working directory. */
export function currentDir(): string {
  return process.cwd();
}

/** The id of this process. */
export function processId(): number {
  return process.pid;
}

/** Ends the process with an exit code. */
export function exit(code: number): never {
  process.exit(code);
}

/**
 * Calls `handler` once on SIGINT or SIGTERM; a second signal meanwhile exits at once (code 130 / 143). Returns a
 * function that removes it.
 *
 * @example
 * ```ts
 * const off = onShutdown(async () => { await flow.close(); exit(0); });
 * ```
 */
export function onShutdown(handler: (signal: string) => void | Promise<void>): () => void {
  let called = false;
  const listener = (signal: string) => {
    if (called) {
      // A second signal while shutting down gracefully: stop now (128 + the signal's number, as shells report it).
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    called = true;
    void handler(signal);
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return () => {
    process.off("SIGINT", listener);
    process.off("SIGTERM", listener);
  };
}

/**
 * Polls the process named by `JINA_PARENT_PID` every second and calls `onGone` once it has exited, so executors
 * and gateways started by a flow or a test do not outlive it (no orphans after a crash). No-op without the variable.
 *
 * @example
 * ```ts
 * watchParent(() => server.close().then(() => exit(0)));
 * ```
 */
export function watchParent(onGone: () => void): void {
  const parent = Number(getEnv("JINA_PARENT_PID"));
  if (!Number.isInteger(parent) || parent <= 0) return;
  whenGone(() => !isProcessAlive(parent), onGone);
}

/** Checks `gone` every second on an unref'd timer and calls `handler` once it holds; returns a function that stops. */
function whenGone(gone: () => boolean, handler: () => void): () => void {
  const timer = setInterval(() => {
    if (!gone()) return;
    clearInterval(timer);
    handler();
  }, 1000);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}

/** Whether a process with this pid is alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends a signal to a process by pid (default SIGTERM). Returns false when there is no such process.
 *
 * @example
 * ```ts
 * killProcess(child.pid, "SIGKILL"); // simulate a crash
 * ```
 */
export function killProcess(pid: number, signal: "SIGTERM" | "SIGKILL" | "SIGINT" = "SIGTERM"): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Calls `handler` once when this process's launcher exits: its parent, or, when the parent is a shell (`npx` runs a
 * bin as `sh -c …`), the process that started the shell (see `launcher.ts`). A CLI started by a wrapper such as
 * `npx` that is killed without forwarding SIGTERM then shuts down instead of running on. Checks every second on an
 * unref'd timer; returns a function that stops watching.
 *
 * @example
 * ```ts
 * const stop = onParentExit(() => flow.close());
 * ```
 */
export function onParentExit(handler: () => void): () => void {
  const chain = launcherChain();
  return whenGone(() => launcherGone(chain, isProcessAlive), handler);
}
