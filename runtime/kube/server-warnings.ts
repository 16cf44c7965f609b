/**
 * @module kube/server-warnings
 * The API server's `Warning` response headers (RFC 7234's `299 - "text"`, as client-go's
 * `ParseWarningHeaders` reads them): a field the server dropped under the default
 * `fieldValidation=Warn` (a typo in an object), a deprecated API. client-go logs each one;
 * podfn logs each distinct text once per client at warn level, so a function that writes the
 * same object every run does not repeat it. Other codes than 299 are ignored, as client-go does.
 */
import type { KubeLogger } from "./logger.js";

/** One warning value: `299 <agent> "<text>"`, the text a quoted string with `\` escapes. */
const WARNING = /(\d{3})\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;

/** Distinct texts remembered before the memory starts afresh. */
const REMEMBERED = 256;

/**
 * The texts of the 299 warnings in `header` (one value or several, each possibly a list).
 *
 * @example
 * warningTexts('299 - "unknown field \\"spec.x\\""'); // ['unknown field "spec.x"']
 */
export function warningTexts(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const texts: string[] = [];
  for (const raw of Array.isArray(header) ? header : [header]) {
    // A header value arrives one character per byte: the server wrote the text's UTF-8.
    const value = /[^\x00-\x7f]/.test(raw) ? Buffer.from(raw, "latin1").toString("utf8") : raw;
    for (const match of value.matchAll(WARNING)) {
      if (match[1] === "299") texts.push(match[2]!.replace(/\\(.)/g, "$1"));
    }
  }
  return texts;
}

/** Logs each distinct server warning once. */
export class ServerWarnings {
  readonly #seen = new Set<string>();

  constructor(private readonly logger: KubeLogger) {}

  /** Logs the warnings of one answer to `request` not logged before, to `logger` (the request's, carrying a call's request id) or the client's. */
  report(header: string | string[] | undefined, request: { method: string; path: string }, logger: KubeLogger = this.logger): void {
    if (header === undefined) return;
    for (const text of warningTexts(header)) {
      if (this.#seen.has(text)) continue;
      if (this.#seen.size >= REMEMBERED) this.#seen.clear();
      this.#seen.add(text);
      logger.warn({ method: request.method, path: request.path, warning: text }, `kube server warning: ${text}`);
    }
  }
}
