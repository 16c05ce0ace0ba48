/**
 * The processes that launched this one, as far as a wrapper goes: `npx jina-ts …` runs the bin as `sh -c jina-ts …`,
 * so the flow's parent is a shell that outlives a killed `npx` (it waits for its child). Watching only the parent then
 * never notices the wrapper's end. Read from /proc on Linux; elsewhere only the parent is known.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";

/** Shells a wrapper may run a command through (npm runs a package's bin with `sh -c`). */
const shells = new Set(["sh", "dash", "bash", "zsh", "ash", "busybox"]);

/**
 * The parent pid of `pid` ("self": this process, as it is now: Node's `process.ppid` keeps the parent at start) from
 * /proc, or undefined where there is none.
 *
 * @example
 * ```ts
 * parentPid("self"); // e.g. 4242
 * ```
 */
export function parentPid(pid: number | "self"): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function commandName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * This process's parent, then, while that is a shell, the shell's parent (at most 3 shells): the process whose end
 * should end this one.
 *
 * @example
 * ```ts
 * launcherChain(); // under `npx jina-ts flow`: [pid of sh, pid of npx]
 * ```
 */
export function launcherChain(): number[] {
  const chain = [process.ppid];
  while (chain.length < 4 && shells.has(commandName(chain.at(-1)!) ?? "")) {
    const up = parentPid(chain.at(-1)!);
    if (up === undefined || up <= 1) break;
    chain.push(up);
  }
  return chain;
}

/**
 * Whether a launcher in `chain` (from {@link launcherChain}) has gone: this process or a shell in the chain has been
 * re-parented (its parent exited), or a process in it is no longer alive.
 *
 * @example
 * ```ts
 * const chain = launcherChain();
 * setInterval(() => launcherGone(chain) && shutDown(), 1000);
 * ```
 */
export function launcherGone(chain: number[], alive: (pid: number) => boolean): boolean {
  return chain.some((pid, i) => {
    const now = parentPid(i === 0 ? "self" : chain[i - 1]!);
    return (now !== undefined && now !== pid) || !alive(pid);
  });
}
