/**
 * @module log-pretty
 * Turns one pino JSON line into a short readable line for `podfn dev`:
 * `12:00:01 INFO  whoami 200 3ms  key=value`.
 */
const LEVELS: Record<string, string> = { trace: "TRACE", debug: "DEBUG", info: "INFO ", warn: "WARN ", error: "ERROR", fatal: "FATAL" };
const HIDDEN = new Set(["level", "time", "pid", "hostname", "msg", "err"]);

export function formatPretty(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === "string" ? entry.time.slice(11, 19) : "";
  const level = LEVELS[String(entry.level)] ?? String(entry.level);
  const fields = Object.entries(entry)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const err = entry.err as { stack?: string } | undefined;
  return `${time} ${level} ${String(entry.msg ?? "")}${fields ? `  ${fields}` : ""}\n${err?.stack ? `${err.stack}\n` : ""}`;
}
