/**
 * @module bench/table
 * Renders rows as one markdown table: value with unit, ratios, target and ✓/✗.
 */
import { fmt, type Row } from "./result.js";

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * The markdown table of the rows, in their order.
 *
 * @example
 * process.stdout.write(renderTable(rows));
 */
export function renderTable(rows: readonly Row[]): string {
  const lines = ["| Suite | Benchmark | Result | Ratios | Target | |", "|---|---|---:|---|---|:-:|"];
  for (const row of rows) {
    const value = Number.isFinite(row.value) ? `${fmt(row.value)} ${row.unit}` : "n/a";
    const detail = [row.detail, row.note].filter(Boolean).join("; ");
    const ratios = Object.entries(row.ratios ?? {})
      .map(([name, r]) => (Number.isFinite(r) ? `${fmt(r, 2)}x ${name}` : `n/a vs ${name}`))
      .join(", ");
    const targets = row.targets ?? [];
    const goal = targets.map((t) => t.text).join("; ");
    const mark = targets.map((t) => (t.pass ? "✓" : "✗")).join(" ");
    lines.push(`| ${cell(row.group)} | ${cell(row.name)} | ${cell(value + (detail ? ` (${detail})` : ""))} | ${cell(ratios)} | ${cell(goal)} | ${mark} |`);
  }
  return lines.join("\n") + "\n";
}
