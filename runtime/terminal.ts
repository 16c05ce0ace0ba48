/**
 * The standard error stream as a place for progress displays: whether it is a terminal, and writing to it
 * without a newline.
 *
 * @module
 */

/**
 * Whether standard error is an interactive terminal (then a progress line may redraw itself with `\r`).
 *
 * @example
 * ```ts
 * const redraw = stderrIsTerminal();
 * ```
 */
export function stderrIsTerminal(): boolean {
  return globalThis.process?.stderr?.isTTY === true;
}

/**
 * Writes text to standard error as it is (no newline added).
 *
 * @example
 * ```ts
 * writeStderr("\rindexed 10/100");
 * ```
 */
export function writeStderr(text: string): void {
  globalThis.process.stderr.write(text);
}
