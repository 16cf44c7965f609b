/**
 * @module options-doc
 * The reference table of every option (flag, environment variable, default, commands), rendered
 * from `OPTIONS` for the README. A test keeps the README's copy identical to this.
 */
import { OPTIONS, defaultTextOf, type OptionSpec } from "./config.js";

export const OPTIONS_TABLE_START = "<!-- options:start (generated from runtime/config.ts; `npm run docs` refreshes it) -->";
export const OPTIONS_TABLE_END = "<!-- options:end -->";

/** The markdown table, one row per option. */
export function optionsTable(): string {
  const rows = (Object.entries(OPTIONS) as [string, OptionSpec][]).map(([key, o]) => {
    const env = o.env ? `\`${o.env}\`` : "";
    const others = Object.entries(o.defaultFor ?? {}).map(([command, value]) => ` (${command}: ${value})`).join("");
    return `| \`--${o.flag}\` | ${env} | ${defaultTextOf(key, o)}${others} | ${o.commands.join(", ")} | ${o.description.replace(/\|/g, "\\|")} |`;
  });
  return ["| flag | environment | default | commands | meaning |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** `readme` with its options block replaced by the current table. */
export function withOptionsTable(readme: string): string {
  const start = readme.indexOf(OPTIONS_TABLE_START);
  const end = readme.indexOf(OPTIONS_TABLE_END);
  if (start < 0 || end < start) throw new Error("README.md has no options block markers");
  return `${readme.slice(0, start + OPTIONS_TABLE_START.length)}\n${optionsTable()}\n${readme.slice(end)}`;
}
