/**
 * A progress display for long client calls (Jina's `show_progress`): documents done out of the total, the share,
 * the rate and the time left. On a terminal it redraws one line; elsewhere (CI logs, files) it prints a line at
 * every tenth of the way, so logs stay short.
 *
 * @module
 */

/**
 * Options of {@link createProgress}.
 *
 * @example
 * ```ts
 * const options: ProgressOptions = { label: "/index", total: 5000, write: (text) => writeStderr(text), redraw: true };
 * ```
 */
export interface ProgressOptions {
  /** What is being done, e.g. the endpoint. */
  label: string;
  /** Documents in all. */
  total: number;
  /** Where the text goes (standard error in the CLI). */
  write(text: string): void;
  /** Redraw one line with `\r` (a terminal) instead of printing a line per tenth. */
  redraw: boolean;
  /** Clock in milliseconds (tests pass their own). Default `performance.now`. */
  now?: () => number;
}

/**
 * A running progress display.
 *
 * @example
 * ```ts
 * const progress = createProgress({ label: "/index", total: 300, write: console.error, redraw: false });
 * progress.add(100); progress.add(200); progress.finish();
 * ```
 */
export interface Progress {
  /** Counts `done` more documents as finished. */
  add(done: number): void;
  /** Prints the final line. */
  finish(): void;
}

/**
 * Starts a progress display.
 *
 * @example
 * ```ts
 * const progress = createProgress({ label: "/index", total: docs.length, write: writeStderr, redraw: stderrIsTerminal() });
 * await client.post("/index", docs, { onAlways: (response) => progress.add(docsOf(response).length) });
 * progress.finish();
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let done = 0;
  let lastTenth = 0;
  const line = () => {
    const seconds = Math.max((now() - started) / 1000, 1e-3);
    const rate = done / seconds;
    const share = options.total > 0 ? Math.min(100, Math.floor((done / options.total) * 100)) : 100;
    const left = rate > 0 ? Math.max(0, (options.total - done) / rate) : 0;
    return `${options.label} ${done}/${options.total} docs (${share}%) ${rate.toFixed(0)} docs/s, ${left.toFixed(1)} s left`;
  };
  return {
    add(more) {
      done += more;
      if (options.redraw) {
        options.write(`\r${line()}`);
        return;
      }
      const tenth = options.total > 0 ? Math.floor((done / options.total) * 10) : 10;
      if (tenth > lastTenth && tenth < 10) {
        lastTenth = tenth;
        options.write(`${line()}\n`);
      }
    },
    finish() {
      const seconds = (now() - started) / 1000;
      options.write(`${options.redraw ? "\r" : ""}${options.label} ${done}/${options.total} docs in ${seconds.toFixed(1)} s\n`);
    },
  };
}
