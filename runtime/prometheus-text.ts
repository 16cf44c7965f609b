/**
 * @module prometheus-text
 * The Prometheus text format 0.0.4 as every metrics section writes it: a label value escaped,
 * a family's HELP and TYPE lines, and a gauge or counter without labels. Imports nothing, so
 * the Kubernetes client's section can use it without pulling the registry into `podfn run`.
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
