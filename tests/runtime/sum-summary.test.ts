/**
 * `SumSummary` (runtime/sum-summary.ts) writes what prom-client's `Summary` with `percentiles: []` writes for the same
 * values — the registry's text, default labels and series order included — without a t-digest per value.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Registry, Summary } from "prom-client";
import { SumSummary } from "../../runtime/sum-summary.ts";

/** Two registries with the same default labels: prom-client's summaries in one, ours in the other. */
function registries(): [Registry, Registry] {
  const theirs = new Registry();
  const ours = new Registry();
  for (const registry of [theirs, ours]) registry.setDefaultLabels({ runtime_name: "enc/rep-0" });
  return [theirs, ours];
}

test("the same text exposition as prom-client's summary without quantiles, unlabelled (shown at 0 from the start) and labelled", async () => {
  const [theirs, ours] = registries();
  const labelNames = ["executor_endpoint", "executor"];
  const prom = {
    seconds: new Summary({ name: "jina_receiving_request_seconds", help: "Time spent", percentiles: [], registers: [theirs] }),
    bytes: new Summary({ name: "jina_sent_response_bytes", help: "Bytes", labelNames, percentiles: [], registers: [theirs] }),
  };
  const mine = {
    seconds: new SumSummary("jina_receiving_request_seconds", "Time spent", [], ours),
    bytes: new SumSummary("jina_sent_response_bytes", "Bytes", labelNames, ours),
  };
  assert.is(await ours.metrics(), await theirs.metrics(), "before any value");
  for (const value of [0.5, 0.25, 1e-7]) {
    prom.seconds.observe(value);
    mine.seconds.observe(value);
  }
  const index = { executor_endpoint: "/index", executor: "Enc" };
  const search = { executor_endpoint: "/search", executor: "Enc" };
  prom.bytes.labels(search).observe(10);
  mine.bytes.labels(search).observe(10);
  const [theirIndex, myIndex] = [prom.bytes.labels(index), mine.bytes.labels(index)];
  for (const value of [100, 250]) {
    theirIndex.observe(value);
    myIndex.observe(value);
  }
  const text = await ours.metrics();
  assert.is(text, await theirs.metrics());
  assert.match(text, 'jina_sent_response_bytes_sum{executor_endpoint="/index",executor="Enc",runtime_name="enc/rep-0"} 350');
  assert.match(text, 'jina_receiving_request_seconds_count{runtime_name="enc/rep-0"} 3');
  assert.equal(await ours.getMetricsAsJSON(), await theirs.getMetricsAsJSON());
  theirs.resetMetrics();
  ours.resetMetrics();
  assert.is(await ours.metrics(), await theirs.metrics(), "after a reset");
});

test("a label it was not declared with, or a value that is not a finite number, is refused", () => {
  const summary = new SumSummary("bytes", "Bytes", ["executor"]);
  assert.throws(() => summary.labels({ endpoint: "/x" }), /"endpoint" is not included/);
  assert.throws(() => summary.labels({ executor: "Enc" }).observe(Number.NaN), /not a valid number/);
  assert.throws(() => new SumSummary("seconds", "Seconds").observe(Number.POSITIVE_INFINITY), /not a valid number/);
});

test.run();
