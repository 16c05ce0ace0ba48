/**
 * The readiness line `executor/main.ts` prints once it serves, and its parser (the flow waits for it).
 *
 * @module
 */

const prefix = "JINA_EXECUTOR_READY ";

/**
 * The line an executor process prints once its port listens.
 *
 * @example
 * ```ts
 * formatReadyLine(51234); // 'JINA_EXECUTOR_READY {"port":51234}'
 * ```
 */
export function formatReadyLine(port: number): string {
  return `${prefix}${JSON.stringify({ port })}`;
}

/**
 * Reads a readiness line; `undefined` for any other output line.
 *
 * @example
 * ```ts
 * parseReadyLine('JINA_EXECUTOR_READY {"port":51234}'); // { port: 51234 }
 * parseReadyLine("some log line");                      // undefined
 * ```
 */
export function parseReadyLine(line: string): { port: number } | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith(prefix)) return undefined;
  try {
    const value = JSON.parse(trimmed.slice(prefix.length)) as { port?: unknown };
    return Number.isInteger(value.port) && (value.port as number) > 0 ? { port: value.port as number } : undefined;
  } catch {
    return undefined;
  }
}
