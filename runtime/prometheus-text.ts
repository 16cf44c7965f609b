/**
 * @module prometheus-text
 * The Prometheus text format 0.0.4 as every metrics section writes it: a label value escaped,
 * a family's HELP and TYPE lines, a gauge or counter without labels, and a histogram series.
 * Imports nothing, so the Kubernetes client's section can use it without pulling the registry
 * into `podfn run`.
 */

/** A label value with `\`, `"` and newlines escaped. */
export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** A family's `# HELP` and `# TYPE` lines. */
export function header(out: string[], name: string, type: string, help: string): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

/** A gauge without labels. */
export function gauge(out: string[], name: string, help: string, value: number): void {
  header(out, name, "gauge", help);
  out.push(`${name} ${value}`);
}

/** A counter without labels. */
export function counter(out: string[], name: string, help: string, value: number): void {
  header(out, name, "counter", help);
  out.push(`${name} ${value}`);
}

/**
 * One histogram series: observations counted per bucket (not cumulative; the last slot is
 * `+Inf`), written cumulative as `_bucket{…,le}`, `_sum` and `_count` lines at scrape time.
 */
export class Histogram {
  /** The series' labels as written between braces (`function="x"`), escaped. */
  readonly labels: string;
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[], labels: string) {
    this.#bounds = bounds;
    this.labels = labels;
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.#counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** The series' lines, as family `name` (whose HELP and TYPE lines the caller writes once). */
  render(out: string[], name: string): void {
    let cumulative = 0;
    this.#counts.forEach((n, i) => {
      cumulative += n;
      const le = i < this.#bounds.length ? String(this.#bounds[i]) : "+Inf";
      out.push(`${name}_bucket{${this.labels},le="${le}"} ${cumulative}`);
    });
    out.push(`${name}_sum{${this.labels}} ${this.sum}`, `${name}_count{${this.labels}} ${this.count}`);
  }
}
