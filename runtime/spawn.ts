/**
 * Starts a TypeScript or JavaScript file in a child process with the current runtime (Node: JavaScript as it is,
 * TypeScript through tsx; Deno; Bun), collects
 * its output line by line and stops it with everything it started.
 *
 * @module
 */
import { spawn as spawnChild } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtimeName } from "./detect.ts";
import { killProcess } from "./process.ts";

/** Options of {@link spawnScript}. */
export interface SpawnScriptOptions {
  /** Arguments after the script path. */
  args?: string[];
  /** Extra environment variables (merged over the parent's). */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /** Called for every line the child prints on stdout or stderr. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** How many of the last output lines to keep for error messages (default 40). */
  keepLines?: number;
}

/** A running child process. */
export interface ChildHandle {
  /** The child's process id. */
  readonly pid: number;
  /** Resolves with the exit code (or the signal name) once the child has exited. */
  readonly exited: Promise<number | string>;
  /** Whether the child has exited. */
  readonly hasExited: boolean;
  /** The last lines the child printed, for error messages. */
  lastOutput(): string;
  /** Sends a signal (default SIGTERM); resolves once the child has exited, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  /** Sends a signal now, without waiting. */
  kill(signal?: "SIGTERM" | "SIGKILL" | "SIGINT"): void;
  /**
   * Resolves with the first value `parse` returns for a line printed from now on (e.g. a readiness line);
   * rejects with a {@link ChildExitedError} when the child exits first.
   */
  waitForLine<T>(parse: (line: string) => T | undefined): Promise<T>;
}

/**
 * The child exited before it printed the line {@link ChildHandle.waitForLine} waited for.
 *
 * @example
 * ```ts
 * const port = await child.waitForLine(parseReadyLine).catch((error) => {
 *   if (error instanceof ChildExitedError) console.error(`exited with ${error.exit}`);
 *   throw error;
 * });
 * ```
 */
export class ChildExitedError extends Error {
  constructor(readonly exit: number | string) {
    super(`the child process exited with ${exit}`);
    this.name = "ChildExitedError";
  }
}

/** The command line that runs `file` with the current runtime. */
export function scriptCommand(file: string): [string, string[]] {
  const execPath = globalThis.process.execPath;
  switch (runtimeName()) {
    case "deno":
      return [execPath, ["run", "-A", "--quiet", file]];
    case "bun":
      return [execPath, ["run", file]];
    default:
      // Compiled JavaScript (the package build) runs as it is; TypeScript (the sources) through tsx.
      return /\.[cm]?js$/.test(file) ? [execPath, [file]] : [execPath, ["--import", import.meta.resolve("tsx"), file]];
  }
}

/**
 * Runs a TypeScript module in a child process with the runtime running this code.
 *
 * @example
 * ```ts
 * import { spawnScript } from "jina-ts/runtime";
 * const child = spawnScript("./worker.ts", { args: ["--port", "0"], onLine: (line) => console.log(line) });
 * await child.stop();
 * ```
 */
export function spawnScript(file: string | URL, options: SpawnScriptOptions = {}): ChildHandle {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  const [command, baseArgs] = scriptCommand(path);
  const child = spawnChild(command, [...baseArgs, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { ...globalThis.process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = options.keepLines ?? 40;
  const lines: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  let hasExited = false;
  const record = (stream: "stdout" | "stderr") => {
    let pending = "";
    return (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (lines.length > keep) lines.shift();
        options.onLine?.(line, stream);
        for (const listener of lineListeners) listener(line);
      }
    };
  };
  child.stdout!.on("data", record("stdout"));
  child.stderr!.on("data", record("stderr"));
  const exited = new Promise<number | string>((resolve) => {
    child.once("error", (error) => {
      lines.push(String(error));
      hasExited = true;
      resolve(-1);
    });
    child.once("exit", (code, signal) => {
      hasExited = true;
      resolve(code ?? signal ?? -1);
    });
  });
  const kill = (signal: "SIGTERM" | "SIGKILL" | "SIGINT" = "SIGTERM") => {
    if (hasExited) return;
    // By pid: Deno's ChildProcess.kill() sends only the first signal (it marks the child killed and ignores the next
    // ones), so a second SIGTERM or the SIGKILL after a grace period never arrived.
    if (child.pid === undefined || !killProcess(child.pid, signal)) child.kill(signal);
  };
  return {
    pid: child.pid ?? -1,
    exited,
    get hasExited() {
      return hasExited;
    },
    lastOutput: () => lines.join("\n"),
    kill,
    waitForLine<T>(parse: (line: string) => T | undefined): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const listener = (line: string) => {
          const value = parse(line);
          if (value === undefined) return;
          lineListeners.delete(listener);
          resolve(value);
        };
        lineListeners.add(listener);
        void exited.then((exit) => {
          if (lineListeners.delete(listener)) reject(new ChildExitedError(exit));
        });
      });
    },
    async stop(graceMs = 3000) {
      if (hasExited) return exited;
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
