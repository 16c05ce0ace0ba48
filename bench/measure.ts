/**
 * A small load loop for benchmarks: runs `call` with a fixed concurrency for a number of requests (after a
 * warm-up) and reports p50, p99 and requests per second.
 *
 * @module
 */

/** What one measured run gives. */
export interface Measurement {
  name: string;
  concurrency: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  rps: number;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  concurrency: number;
  requests: number;
  warmup?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Measures `call` with `concurrency` callers sharing `requests` calls.
 *
 * @example
 * ```ts
 * const m = await measure("noop", () => Promise.resolve(), { concurrency: 1, requests: 1000 });
 * ```
 */
export async function measure(name: string, call: () => Promise<unknown>, options: MeasureOptions): Promise<Measurement> {
  const warmup = options.warmup ?? Math.min(200, Math.ceil(options.requests / 5));
  for (let i = 0; i < warmup; i += options.concurrency) {
    await Promise.all(Array.from({ length: options.concurrency }, () => call()));
  }
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.requests) {
      next++;
      const t0 = performance.now();
      await call();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    concurrency: options.concurrency,
    requests: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    rps: latencies.length / elapsed,
  };
}

/**
 * The p50 latency at concurrency 1 of several calls measured side by side: blocks of `block` calls of each in turn
 * until each made `requests`, so that all of them see the same machine (a shared machine's load drifts within
 * seconds: measured one after another, two runs of the same server differ by more than the servers do).
 *
 * @example
 * ```ts
 * const p50 = await interleavedP50({ a: () => fetchA(), b: () => fetchB() }, { requests: 1000 });
 * p50.a / p50.b; // the ratio of their medians
 * ```
 */
export async function interleavedP50<Name extends string>(
  calls: Record<Name, () => Promise<unknown>>,
  options: { requests: number; block?: number; warmup?: number },
): Promise<Record<Name, number>> {
  const block = options.block ?? 100;
  const names = Object.keys(calls) as Name[];
  const latencies = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (const name of names) for (let i = 0; i < (options.warmup ?? block); i++) await calls[name]();
  for (let done = 0; done < options.requests; done += block) {
    for (const name of names) {
      const call = calls[name];
      for (let i = 0; i < block && done + i < options.requests; i++) {
        const t0 = performance.now();
        await call();
        latencies[name].push(performance.now() - t0);
      }
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(latencies[name])])) as Record<Name, number>;
}

/** Prints measurements as a table. */
export function printTable(rows: Measurement[]): void {
  console.log("| case | concurrency | requests | p50 ms | p99 ms | req/s |");
  console.log("|---|---|---|---|---|---|");
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${row.concurrency} | ${row.requests} | ${row.p50Ms.toFixed(3)} | ${row.p99Ms.toFixed(3)} | ${row.rps.toFixed(0)} |`,
    );
  }
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
