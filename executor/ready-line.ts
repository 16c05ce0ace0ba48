/**
 * The readiness line `executor/main.ts` prints once it serves, and its parser (the flow waits for it).
 *
 * @module
 */

const prefix = "JINA_EXECUTOR_READY ";

/**
 * What a readiness line tells: the gRPC port, and the metrics port when monitoring is on.
 *
 * @example
 * ```ts
 * const ready: ReadyLine = { port: 51234, portMonitoring: 51235 };
 * ```
 */
export interface ReadyLine {
  port: number;
  portMonitoring?: number;
}

/**
 * The line an executor process prints once its port listens (and its metrics port, with monitoring).
 *
 * @example
 * ```ts
 * formatReadyLine(51234);        // 'JINA_EXECUTOR_READY {"port":51234}'
 * formatReadyLine(51234, 51235); // 'JINA_EXECUTOR_READY {"port":51234,"portMonitoring":51235}'
 * ```
 */
export function formatReadyLine(port: number, portMonitoring?: number): string {
  return `${prefix}${JSON.stringify(portMonitoring === undefined ? { port } : { port, portMonitoring })}`;
}

/**
 * Reads a readiness line; `undefined` for any other output line.
 *
 * @example
 * ```ts
 * parseReadyLine('JINA_EXECUTOR_READY {"port":51234}');                        // { port: 51234 }
 * parseReadyLine('JINA_EXECUTOR_READY {"port":51234,"portMonitoring":51235}'); // { port: 51234, portMonitoring: 51235 }
 * parseReadyLine("some log line");                                            // undefined
 * ```
 */
export function parseReadyLine(line: string): ReadyLine | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith(prefix)) return undefined;
  try {
    const value = JSON.parse(trimmed.slice(prefix.length)) as { port?: unknown; portMonitoring?: unknown };
    if (!isPort(value.port)) return undefined;
    return isPort(value.portMonitoring) ? { port: value.port, portMonitoring: value.portMonitoring } : { port: value.port };
  } catch {
    return undefined;
  }
}

function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}
