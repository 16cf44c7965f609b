/** A histogram series as Prometheus reads it: `le` bounds inclusive, buckets cumulative, `+Inf` equal to `_count`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Histogram } from "../../runtime/prometheus-text.js";

test("a value equal to a bound counts in that bound's bucket; buckets are cumulative; +Inf holds every observation", () => {
  const h = new Histogram([0.1, 1], 'verb="GET"');
  for (const v of [0.1, 0.5, 1, 2.5]) h.observe(v);
  const out: string[] = [];
  h.render(out, "x_seconds");
  assert.deepEqual(out, [
    'x_seconds_bucket{verb="GET",le="0.1"} 1',
    'x_seconds_bucket{verb="GET",le="1"} 3',
    'x_seconds_bucket{verb="GET",le="+Inf"} 4',
    'x_seconds_sum{verb="GET"} 4.1',
    'x_seconds_count{verb="GET"} 4',
  ]);
});

test("a histogram with no observations writes zeros", () => {
  const out: string[] = [];
  new Histogram([1], 'function="f"').render(out, "d");
  assert.deepEqual(out, ['d_bucket{function="f",le="1"} 0', 'd_bucket{function="f",le="+Inf"} 0', 'd_sum{function="f"} 0', 'd_count{function="f"} 0']);
});
