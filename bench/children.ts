/**
 * Starting bench servers in child processes and reading what they use: the `BENCH_READY {json}` line each prints,
 * and (on Linux) the CPU time of a process and its children from /proc, to say where the time goes per request.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { type ChildHandle, spawnScript } from "../runtime/mod.ts";

/** A started bench server: its process and what it printed on its ready line. */
export interface BenchChild {
  child: ChildHandle;
  info: Record<string, number>;
}

/**
 * Starts `file` (relative to bench/, or a URL) with `args` (in folder `cwd` when given) and waits for its
 * `BENCH_READY` line.
 */
export async function startChild(file: string | URL, args: string[] = [], cwd?: string): Promise<BenchChild> {
  const child = spawnScript(new URL(file, import.meta.url), { args, ...(cwd ? { cwd } : {}) });
  const info = await child
    .waitForLine((line) => (line.startsWith("BENCH_READY ") ? JSON.parse(line.slice("BENCH_READY ".length)) as Record<string, number> : undefined))
    .catch((error: unknown) => {
      throw new Error(`${file}: ${error instanceof Error ? error.message : error}\n${child.lastOutput()}`);
    });
  return { child, info };
}

/** CPU milliseconds (user + system) `pid` has used so far, or NaN where /proc is not there. */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

/** The ids of the child processes of `pid` (Linux), e.g. the executors a flow spawned. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Stops every child, whatever happens to the others. */
export async function stopAll(children: readonly (BenchChild | undefined)[]): Promise<void> {
  await Promise.allSettled(children.map((started) => started?.child.stop()));
}
