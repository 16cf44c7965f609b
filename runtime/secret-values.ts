/**
 * @module secret-values
 * The values of the secrets this process holds (caller-auth secrets, the API server token), so
 * the log can censor them wherever they appear: in a message a handler wrote, an error it threw,
 * a field it logged. Shape-based censoring (headers, `token` fields, `Bearer …`: log-error.ts)
 * catches credentials podfn has never seen; this catches the ones it has, by value. Values
 * shorter than 8 characters are not remembered (they would censor ordinary words); the last 64
 * are kept (a rotating token leaves its old values behind). A secret with a character JSON
 * escapes is remembered in both forms: as written, and as a JSON log line carries it.
 */

const MIN_LENGTH = 8;
const MAX_VALUES = 64;
const CENSORED = "[redacted]";

/** Insertion-ordered: the oldest is dropped first. */
const values = new Set<string>();

/**
 * Remember `value` as a secret, to be censored from every log line from now on.
 *
 * @example
 * rememberSecret(readFileSync(path, "utf8").trim());
 */
export function rememberSecret(value: string): void {
  if (value.length < MIN_LENGTH) return;
  // As a JSON log line writes it too: a `"`, `\` or control character in a secret is escaped there.
  const escaped = JSON.stringify(value).slice(1, -1);
  for (const form of escaped === value ? [value] : [escaped, value]) {
    if (values.has(form)) continue;
    values.add(form);
    if (values.size > MAX_VALUES) values.delete(values.values().next().value!);
  }
}

/**
 * `text` with every remembered secret replaced by `[redacted]`.
 *
 * @example
 * censorSecrets('{"msg":"failed with token s3cr3t-t0ken"}'); // '{"msg":"failed with token [redacted]"}'
 */
export function censorSecrets(text: string): string {
  if (values.size === 0) return text;
  let out = text;
  for (const value of values) if (out.includes(value)) out = out.split(value).join(CENSORED);
  return out;
}
