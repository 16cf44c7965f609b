/**
 * @module cluster/crd-cel-source
 * A rule's source with the calls whose @marcbachmann/cel-js built-ins differ from cel-go's
 * renamed to the emulator's own (`matches` to `__k8s_matches`: RE2's syntax, not JavaScript's;
 * `lowerAscii`/`upperAscii`: ASCII letters only), since the library refuses a second overload
 * of a built-in. Only calls are renamed (a name followed by `(`), never text inside string
 * literals (`'...'`, `"..."`, their triple-quoted, raw `r` and bytes `b` forms) or `//` comments.
 */

/** The built-ins replaced, and their replacements (crd-cel-library registers them). */
export const RENAMED: Readonly<Record<string, string>> = { matches: "__k8s_matches", lowerAscii: "__k8s_lowerAscii", upperAscii: "__k8s_upperAscii" };

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

/** The index just past the string literal opening at `i` (its quote), raw or not. */
function stringEnd(source: string, i: number, raw: boolean): number {
  const quote = source[i]!;
  const triple = source.startsWith(quote.repeat(3), i);
  const close = triple ? quote.repeat(3) : quote;
  let j = i + close.length;
  while (j < source.length) {
    if (!raw && source[j] === "\\") {
      j += 2;
      continue;
    }
    if (source.startsWith(close, j)) return j + close.length;
    if (!triple && source[j] === "\n") return j;
    j++;
  }
  return j;
}

/**
 * `source` with the `RENAMED` calls renamed.
 *
 * @example
 * renameBuiltins("self.name.matches('^a+$') && self.matches == 'x'"); // "self.name.__k8s_matches('^a+$') && self.matches == 'x'"
 */
export function renameBuiltins(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === "/" && source[i + 1] === "/") {
      // A comment, to the end of its line.
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? source.length : end;
      out += source.slice(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      const end = stringEnd(source, i, false);
      out += source.slice(i, end);
      i = end;
    } else if (IDENT_START.test(c) && (i === 0 || !IDENT.test(source[i - 1]!))) {
      let j = i;
      while (j < source.length && IDENT.test(source[j]!)) j++;
      const word = source.slice(i, j);
      if (/^[rRbB]{1,2}$/.test(word) && (source[j] === "'" || source[j] === '"')) {
        const end = stringEnd(source, j, /r/i.test(word));
        out += source.slice(i, end);
        i = end;
        continue;
      }
      let k = j;
      while (k < source.length && /\s/.test(source[k]!)) k++;
      out += source[k] === "(" && Object.hasOwn(RENAMED, word) ? RENAMED[word] : word;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** An error's text with the renamed calls named as the rule wrote them (and `sets.contains`, not its namespace type's name). */
export function originalNames(text: string): string {
  return text.replace(/__k8s_([A-Za-z]+)/g, "$1").replace(/SetsNamespace\./g, "sets.");
}
