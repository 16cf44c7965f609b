/**
 * @module schedule/go-space
 * Go's whitespace (`unicode.IsSpace`), which `strings.Fields` splits a CronJob's schedule on and
 * `strings.TrimSpace` trims (robfig/cron, as the API server parses it). It is not JavaScript's
 * `\s`: U+FEFF (a stray byte-order mark) is JavaScript's and not Go's, U+0085 (NEL) Go's and not
 * JavaScript's. The schedule check and the emulated API server both read spaces this way.
 */

/** unicode.IsSpace: Latin-1's six and NEL and NBSP, then Unicode's White_Space. */
const GO_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const RUN = new RegExp(`[${GO_SPACE}]+`);
const EDGES = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, "g");

/** strings.TrimSpace. */
export function goTrimSpace(text: string): string {
  return text.replace(EDGES, "");
}

/** strings.Fields: the runs of non-space characters, none empty. */
export function goFields(text: string): string[] {
  const trimmed = goTrimSpace(text);
  return trimmed === "" ? [] : trimmed.split(RUN);
}
