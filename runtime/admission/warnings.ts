/**
 * @module admission/warnings
 * A decision's `warnings` as the API server can pass them on. It sends each one to the client as
 * a `Warning: 299 - "<text>"` header (1.32's endpoints/filters/warning.go through
 * apimachinery's `net.NewWarningHeader`), which refuses a text holding a control character
 * (unicode.IsControl: U+0000-U+001F, U+007F-U+009F): such a warning is dropped without a word.
 * So podfn writes each run of control characters (a line break, a tab) as one space, and the
 * warning reaches `kubectl` as one line. Its length is left alone: past 4096 characters in all
 * the server cuts each warning to 256 characters itself.
 */

/** A run of what `net.NewWarningHeader` refuses. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * `warnings` with each run of control characters made one space (none left at either end of a
 * warning that had any), and empty ones (which the API server ignores) left out.
 *
 * @example
 * headerSafeWarnings(["first line\nsecond line"]); // ["first line second line"]
 */
export function headerSafeWarnings(warnings: readonly string[]): string[] {
  return warnings
    .map((w) => {
      const cleaned = w.replace(CONTROL, " ");
      return cleaned === w ? w : cleaned.trim();
    })
    .filter((w) => w !== "");
}
