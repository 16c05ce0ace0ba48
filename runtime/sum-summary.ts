/**
 * A Prometheus summary that keeps only its `_sum` and `_count`, the summaries Jina writes (Python's
 * `prometheus_client` has no quantiles). prom-client's `Summary` with `percentiles: []` writes the same two lines but
 * still pushes every value into a t-digest and hashes the labels on every `observe`: ~1.1–1.4 µs per value, where
 * this adds two numbers (an executor observes 5 summaries per call, the gateway 4 per request and 3 per hop).
 *
 * It is a prom-client metric as far as a `Registry` is concerned (`get`, `reset`, name, help, type), so the registry
 * writes its text exposition, with its default labels, exactly as for prom-client's own summary.
 *
 * @module
 */
import type { Metric, Registry } from "prom-client";

/** One label set's running totals. */
interface Series {
  readonly labels: Record<string, string>;
  sum: number;
  count: number;
}

/**
 * What a registry reads of a metric (prom-client's `get()`; its declared type names the type as an enum, the
 * registry writes the string).
 *
 * @example
 * ```ts
 * const { values } = await summary.get(); // [{ metricName: "…_sum", labels: {}, value: 0.5 }, { metricName: "…_count", … }]
 * ```
 */
export interface SumSummaryValues {
  name: string;
  help: string;
  type: "summary";
  aggregator: "sum";
  values: { metricName: string; labels: Readonly<Record<string, string>>; value: number }[];
}

/**
 * A label set's handle: observing through it touches its totals only (no label hashing per value).
 *
 * @example
 * ```ts
 * const seconds: SumSummaryChild = summary.labels({ executor_endpoint: "/index" });
 * seconds.observe(0.012);
 * ```
 */
export interface SumSummaryChild {
  /** Adds `value` to the sum and one to the count. */
  observe(value: number): void;
}

/**
 * A summary of `_sum` and `_count` registered in `registry`.
 *
 * @example
 * ```ts
 * import { Registry } from "prom-client";
 * const registry = new Registry();
 * const bytes = new SumSummary("jina_sent_response_bytes", "Bytes of the responses", ["executor_endpoint"], registry);
 * bytes.labels({ executor_endpoint: "/index" }).observe(1024);
 * await registry.metrics(); // …jina_sent_response_bytes_sum{executor_endpoint="/index"} 1024…
 * ```
 */
export class SumSummary {
  readonly type = "summary";
  readonly aggregator = "sum";
  readonly #series = new Map<string, Series>();
  #unlabelled: Series | undefined;

  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[] = [], registry?: Registry) {
    // a summary without labels shows from the start, at 0 (as prom-client's and Python's do)
    if (labelNames.length === 0) this.#unlabelled = this.#seriesOf({});
    registry?.registerMetric(this as unknown as Metric);
  }

  /** Observes a value of the series without labels (a summary declared with none). */
  observe(value: number): void {
    add((this.#unlabelled ??= this.#seriesOf({})), value);
  }

  /**
   * The handle of one label set (every label of `labelNames`, none other). Its series shows in the exposition from its
   * first value on, as prom-client's does.
   */
  labels(labels: Readonly<Record<string, string>>): SumSummaryChild {
    for (const name in labels) {
      if (!this.labelNames.includes(name)) throw new Error(`Added label "${name}" is not included in initial labelset: ${JSON.stringify(this.labelNames)}`);
    }
    let series: Series | undefined;
    return { observe: (value) => add((series ??= this.#seriesOf(labels)), value) };
  }

  /** What the registry writes: `<name>_sum` and `<name>_count` of every series, in the order they were first observed. */
  get(): Promise<SumSummaryValues> {
    const values: SumSummaryValues["values"] = [];
    for (const series of this.#series.values()) {
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** Sets every series back to 0 (`registry.resetMetrics()`). */
  reset(): void {
    for (const series of this.#series.values()) series.sum = series.count = 0;
  }

  /** The series of a label set, made (and listed) on its first value. */
  #seriesOf(labels: Readonly<Record<string, string>>): Series {
    const key = JSON.stringify(this.labelNames.map((name) => labels[name] ?? ""));
    let series = this.#series.get(key);
    if (!series) this.#series.set(key, (series = { labels: { ...labels }, sum: 0, count: 0 }));
    return series;
  }
}

function add(series: Series, value: number): void {
  if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
  series.sum += value;
  series.count++;
}
