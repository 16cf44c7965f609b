/**
 * @module metrics
 * A small hand-written Prometheus registry (text exposition format 0.0.4) for function calls:
 * `podfn_invocations_total{function,outcome}`, `podfn_invocation_duration_seconds{function}`
 * (a histogram), `podfn_invocations_in_flight`, the watch calls' series (`WatchCallMetrics`),
 * more sections (the Lease's, the Kubernetes client's requests), and the process's series
 * (`process-metrics.ts`: CPU, memory, descriptors, event-loop delay). Recording a call is a
 * few array writes on objects precomputed per function; all formatting happens at scrape time.
 */
import { processMetrics, startEventLoopMonitor } from "./process-metrics.js";
import { escapeLabel, gauge, header, Histogram } from "./prometheus-text.js";

/** How a call ended, as the `outcome` label. */
export type Outcome = "success" | "client_error" | "unauthorized" | "rejected" | "timeout" | "unavailable" | "error";

/**
 * - `success`: 1xx–3xx. - `client_error`: 4xx from input, body or handler (400, 404 from a handler, 413, 415, …;
 *   429 `kube_too_many_requests`, an eviction a PodDisruptionBudget refused).
 * - `unauthorized`: caller auth failed (401, 403). - `rejected`: not run (429 over the cap, 503 shutting down).
 * - `timeout`: past `timeoutMs` (504). - `unavailable`: the API server could not answer the
 *   function (503 `kube_unavailable`: unreachable, or 429/503/504 after the client's retries, an eviction's refusal aside).
 * - `error`: 5xx otherwise (handler threw, bad output, missing secret), and 403 `kube_forbidden`.
 */
export const OUTCOMES: readonly Outcome[] = ["success", "client_error", "unauthorized", "rejected", "timeout", "unavailable", "error"];

/** Upper bounds of the duration histogram, in seconds (calls range from a ping to a long rollout). */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The counters and histogram of one function. */
export class FunctionMetrics {
  readonly name: string;
  /** Calls by outcome, indexed like `OUTCOMES`. */
  readonly counts: number[] = OUTCOMES.map(() => 0);
  /** The durations of the calls that ran. */
  readonly durations: Histogram;

  constructor(name: string) {
    this.name = name;
    this.durations = new Histogram(DURATION_BUCKETS, `function="${escapeLabel(name)}"`);
  }

  /** Count one call; its duration is observed unless it was `rejected` (never ran). */
  record(outcome: Outcome, seconds: number): void {
    this.counts[OUTCOMES.indexOf(outcome)]!++;
    if (outcome !== "rejected") this.durations.observe(seconds);
  }
}

export interface MetricsOptions {
  /** Reads the number of calls in flight at scrape time. Default: always 0. */
  inflight?: () => number;
  /** Reads the number of request bodies being received before admission. Default: always 0. */
  receiving?: () => number;
  /** More series written after the function calls' (the watches'). */
  sections?: ReadonlyArray<{ render(out: string[]): void }>;
}

/** How a watch call ended, as the `outcome` label. */
export type WatchOutcome = "success" | "error" | "invalid_input" | "forbidden" | "timeout" | "unavailable" | "aborted" | "coalesced";

/**
 * The calls of watch triggers: `podfn_watch_calls_total{function,watch,event,outcome}` and
 * `podfn_watch_call_duration_seconds{function,watch}` (a histogram of the calls that ran).
 * Series appear with their first call.
 */
export class WatchCallMetrics {
  readonly #calls = new Map<string, number>();
  readonly #durations = new Map<string, Histogram>();

  /** Count one call of `fn`'s watch `watch` about an `event`, and observe its duration. */
  record(fn: string, watch: string, event: string, outcome: Exclude<WatchOutcome, "coalesced">, seconds: number): void {
    const labels = this.#count(fn, watch, event, outcome);
    let d = this.#durations.get(labels);
    if (!d) this.#durations.set(labels, (d = new Histogram(DURATION_BUCKETS, labels)));
    d.observe(seconds);
  }

  /** Count a call not made: a newer change of its object was queued (`coalesce`). No duration. */
  skipped(fn: string, watch: string, event: string): void {
    this.#count(fn, watch, event, "coalesced");
  }

  /** Adds one to the call counter of these labels; returns the function and watch labels. */
  #count(fn: string, watch: string, event: string, outcome: WatchOutcome): string {
    const labels = `function="${escapeLabel(fn)}",watch="${escapeLabel(watch)}"`;
    const key = `${labels},event="${escapeLabel(event)}",outcome="${outcome}"`;
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
    return labels;
  }

  render(out: string[]): void {
    header(out, "podfn_watch_calls_total", "counter", "Calls of watch triggers by event and outcome.");
    for (const [labels, n] of this.#calls) out.push(`podfn_watch_calls_total{${labels}} ${n}`);
    header(out, "podfn_watch_call_duration_seconds", "histogram", "Duration of watch calls, in seconds.");
    for (const d of this.#durations.values()) d.render(out, "podfn_watch_call_duration_seconds");
  }
}

/**
 * The registry of one process.
 *
 * @example
 * const metrics = new Metrics(["hello"], { inflight: () => drain.inflight });
 * metrics.function("hello")!.record("success", 0.012);
 * response.end(metrics.render());
 */
export class Metrics {
  /** Content type of `render()`'s output. */
  static readonly contentType = "text/plain; version=0.0.4; charset=utf-8";
  readonly #functions = new Map<string, FunctionMetrics>();
  readonly #inflight: () => number;
  readonly #receiving: () => number;
  readonly #sections: ReadonlyArray<{ render(out: string[]): void }>;

  constructor(functionNames: Iterable<string>, options: MetricsOptions = {}) {
    for (const name of functionNames) this.#functions.set(name, new FunctionMetrics(name));
    this.#inflight = options.inflight ?? (() => 0);
    this.#receiving = options.receiving ?? (() => 0);
    this.#sections = options.sections ?? [];
    startEventLoopMonitor();
  }

  /** The series of function `name` (undefined for a name not given to the constructor). */
  function(name: string): FunctionMetrics | undefined {
    return this.#functions.get(name);
  }

  /** Every metric in the Prometheus text format 0.0.4. */
  render(): string {
    const out: string[] = [];
    header(out, "podfn_invocations_total", "counter", "Function calls by outcome.");
    for (const fn of this.#functions.values()) {
      const label = `function="${escapeLabel(fn.name)}"`;
      OUTCOMES.forEach((outcome, i) => out.push(`podfn_invocations_total{${label},outcome="${outcome}"} ${fn.counts[i]}`));
    }
    header(out, "podfn_invocation_duration_seconds", "histogram", "Duration of function calls from arrival to answer (every answer but the 429/503 refusals), in seconds.");
    for (const fn of this.#functions.values()) fn.durations.render(out, "podfn_invocation_duration_seconds");
    gauge(out, "podfn_invocations_in_flight", "Function calls running now.", this.#inflight());
    gauge(out, "podfn_http_bodies_receiving", "Request bodies being received before their call is admitted (HMAC and unauthenticated routes).", this.#receiving());
    for (const section of this.#sections) section.render(out);
    processMetrics(out);
    return out.join("\n") + "\n";
  }
}


