/**
 * The executor processes a flow process started, found in /proc: processes whose environment carries
 * `JINA_PARENT_PID=<pid>` (what a flow gives every replica it spawns). Linux only: `hasProc` says whether it works.
 *
 * @example
 * ```ts
 * const pids = markedChildren(child.pid, { direct: true });
 * ```
 */
import { readdirSync, readFileSync } from "node:fs";

/** Whether /proc can be read (Linux). */
export const hasProc: boolean = (() => {
  try {
    readdirSync("/proc/self");
    return true;
  } catch {
    return false;
  }
})();

/**
 * Pids of the processes started by the flow process `parent`: those with `JINA_PARENT_PID=<parent>` in their
 * environment; with `direct`, only its direct children (a replica's own helpers, such as the TypeScript loader's
 * esbuild service, inherit the variable but not the parent). Without `direct` it also finds orphans whose parent
 * has exited.
 */
export function markedChildren(parent: number, options: { direct?: boolean } = {}): number[] {
  const marker = `JINA_PARENT_PID=${parent}`;
  const parentOf = (entry: string) => Number(readFileSync(`/proc/${entry}/stat`, "latin1").replace(/^.*\) /s, "").split(" ")[1]);
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        if (options.direct && parentOf(entry) !== parent) return false;
        return readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}
