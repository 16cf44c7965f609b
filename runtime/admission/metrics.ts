/**
 * @module admission/metrics
 * The admission reviews' series on `GET /metrics`:
 * `podfn_admission_reviews_total{function,outcome}` (outcome `allowed`, `patched`,
 * `denied`, `error`, `timeout`, and `invalid` for a body that was no AdmissionReview) and
 * `podfn_admission_review_duration_seconds{function}`; each function's
 * `allowed`/`denied`/`error` series start at 0, so an alert on a rate of denials or errors has a
 * series from the start. A section of the `Metrics` registry (metrics.ts), as the watch calls'.
 */
import { DURATION_BUCKETS } from "../metrics.js";
import { escapeLabel, header, Histogram } from "../prometheus-text.js";
import type { AdmissionOutcome } from "./decide.js";

/** Outcomes written from 0 for every webhook (the others appear with their first review). */
const FROM_ZERO: readonly AdmissionOutcome[] = ["allowed", "denied", "error"];

export class AdmissionMetrics {
  readonly #reviews = new Map<string, number>();
  readonly #durations = new Map<string, Histogram>();

  constructor(functions: Iterable<string>) {
    for (const fn of functions) {
      for (const outcome of FROM_ZERO) this.#reviews.set(key(fn, outcome), 0);
      this.#durations.set(fn, new Histogram(DURATION_BUCKETS, `function="${escapeLabel(fn)}"`));
    }
  }

  /** Count one review of `fn` and observe its duration. */
  record(fn: string, outcome: AdmissionOutcome, seconds: number): void {
    const k = key(fn, outcome);
    this.#reviews.set(k, (this.#reviews.get(k) ?? 0) + 1);
    this.#durations.get(fn)?.observe(seconds);
  }

  render(out: string[]): void {
    header(out, "podfn_admission_reviews_total", "counter", "Admission reviews answered, by outcome.");
    for (const [labels, n] of this.#reviews) out.push(`podfn_admission_reviews_total{${labels}} ${n}`);
    header(out, "podfn_admission_review_duration_seconds", "histogram", "Duration of admission reviews, in seconds.");
    for (const d of this.#durations.values()) d.render(out, "podfn_admission_review_duration_seconds");
  }
}

function key(fn: string, outcome: AdmissionOutcome): string {
  return `function="${escapeLabel(fn)}",outcome="${outcome}"`;
}
