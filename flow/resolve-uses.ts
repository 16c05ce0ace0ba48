/**
 * Relative `uses` paths of a deployment resolve against the file that declares the flow (as `import` does), not
 * the working directory; a path that file's folder does not have keeps resolving against the working directory.
 *
 * @module
 */
import { resolveFromCaller } from "../runtime/mod.ts";
import type { DeploymentOptions } from "./options.ts";

/**
 * `options` with its string `uses`, `usesBefore` and `usesAfter` resolved against `caller`'s folder.
 *
 * @example
 * ```ts
 * resolveUsesFromCaller({ uses: "./enc.ts#Encoder" }, "/home/me/app/flow.ts"); // { uses: "/home/me/app/enc.ts#Encoder" }
 * ```
 */
export function resolveUsesFromCaller(options: DeploymentOptions, caller: string | undefined): DeploymentOptions {
  const resolved = { ...options };
  for (const key of ["uses", "usesBefore", "usesAfter"] as const) {
    const value = options[key];
    if (typeof value === "string") resolved[key] = resolveFromCaller(value, caller);
  }
  return resolved;
}
