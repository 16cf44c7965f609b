/**
 * @module log-pretty
 * Turns one pino JSON line into a short readable line for `podfn dev`:
 * `12:00:01 INFO  whoami 200 3ms  key=value`.
 */
const LEVELS: Record<string, string> = { trace: "TRACE", debug: "DEBUG", info: "INFO ", warn: "WARN ", error: "ERROR", fatal: "FATAL" };
const HIDDEN = new Set(["level", "time", "pid", "hostname", "msg", "err"]);
/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * A logged string as one line's text: a control character (a newline a caller put in a path,
 * an ANSI escape) shown as its JSON escape, so no value can start a line of its own or restyle
 * the terminal. The JSON logs escape them already.
 */
function text(value: string): string {
  return value.replace(CONTROL, (ch) => {
    const named = NAMED[ch];
    if (named) return named;
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}
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
    .map(([k, v]) => `${text(k)}=${typeof v === "string" ? text(v) : JSON.stringify(v)}`)
    .join(" ");
  const err = entry.err as { stack?: string } | undefined;
  // A stack's own lines stay lines; a control character within them does not start another.
  const stack = err?.stack ? `${err.stack.split("\n").map(text).join("\n")}\n` : "";
  return `${time} ${level} ${text(String(entry.msg ?? ""))}${fields ? `  ${fields}` : ""}\n${stack}`;
}
