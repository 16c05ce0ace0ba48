// CPU time of this process and of its children it has reaped (the executors of a flow, the bare processes), in ms,
// from /proc/self/stat (Linux); undefined elsewhere. Printed by flow.mjs and bare.mjs as "CPU_MS <ms>".
import { readFileSync } from "node:fs";

export function cpuWithChildrenMs() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /, "").split(" ");
    // fields from the 3rd of proc(5): utime, stime, cutime, cstime are the 14th–17th, in clock ticks (100 per s)
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0) * 10;
  } catch {
    return undefined;
  }
}

// CPU time of this process alone (user + system, all its threads), in ms; undefined where the runtime lacks
// process.cpuUsage. Printed as "SELF_MS <ms>" beside CPU_MS: the flow's own process against the bare parent.
export function selfCpuMs() {
  try {
    const { user, system } = process.cpuUsage();
    return Math.round((user + system) / 1000);
  } catch {
    return undefined;
  }
}
